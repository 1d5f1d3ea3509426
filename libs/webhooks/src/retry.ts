/** When to try a failed delivery again, and what an answer means (Standard Webhooks / Svix conventions). */

export const MAX_RETRY_DELAY_MS = 10 * 3600_000;

/**
 * Delay before the next attempt after `failedAttempts` failures: base × 5^(n−1), capped at 10 h, ±10% jitter
 * (base 5 s: 5 s, 25 s, 2 min, 10 min, 52 min, 4.3 h, 10 h). A Retry-After from the receiver is honoured as a minimum.
 */
export function retryDelayMs(failedAttempts: number, baseMs: number, opts: { retryAfterMs?: number; random?: () => number } = {}): number {
  const n = Math.max(1, failedAttempts);
  const exp = Math.min(MAX_RETRY_DELAY_MS, baseMs * 5 ** (n - 1));
  const jitter = 1 + ((opts.random ?? Math.random)() * 2 - 1) * 0.1;
  const delay = Math.round(exp * jitter);
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(delay, opts.retryAfterMs ?? 0));
}

export type ResponseOutcome = 'delivered' | 'retry' | 'gone';

/** Only 2xx is success (a 3xx is a failure: redirects are not followed); 410 Gone means the endpoint is retired. */
export function classifyResponse(status: number | null): ResponseOutcome {
  if (status !== null && status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  return 'retry';
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
