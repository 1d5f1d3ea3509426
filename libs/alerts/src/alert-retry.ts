/**
 * Alert webhook retry schedule (Standard Webhooks / Svix): after the first failed attempt wait 5 s, then 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts in all — each with ±10% jitter, scaled by `scale` (1 in production,
 * small in tests). A Retry-After answer is honoured as a minimum.
 */
export const ALERT_RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;
export const ALERT_MAX_ATTEMPTS = ALERT_RETRY_SCHEDULE_MS.length + 1;

/** Delay before attempt `failedAttempts + 1`, or null when no attempt is left. */
export function alertRetryDelayMs(failedAttempts: number, scale = 1, opts: { random?: () => number; retryAfterMs?: number } = {}): number | null {
  const base = ALERT_RETRY_SCHEDULE_MS[failedAttempts - 1];
  if (base === undefined) return null;
  const jitter = 1 + ((opts.random ?? Math.random)() * 2 - 1) * 0.1;
  return Math.max(Math.round(base * scale * jitter), opts.retryAfterMs ?? 0);
}
