import { verifySignature } from '@app/webhooks';

/**
 * For downstream apps receiving alert webhooks: checks the Standard Webhooks signature over the raw body (any of
 * the space-separated `v1,` signatures, so it keeps working through a secret rotation) and the timestamp (±5 min),
 * and returns the parsed payload, or throws.
 */
export function verifyAlertWebhook<T = { type: string; timestamp: string; data: Record<string, unknown> }>(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: string, nowSeconds?: number): T {
  const lower: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  if (!verifySignature(secret, lower, rawBody, nowSeconds)) throw new Error('webhook signature or timestamp is not valid');
  return JSON.parse(rawBody) as T;
}
