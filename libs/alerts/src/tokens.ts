import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Opaque signed tokens for unsubscribe and click links: AES-256-GCM over a small JSON payload with a key derived
 * from the app secret. The link reveals nothing (no ids in clear) and cannot be forged or altered.
 */
export type TokenPayload = { k: 'u'; s: string } | { k: 'c'; d: string; j: string; p: number };

const keys = new Map<string, Buffer>();

function key(secret: string): Buffer {
  let k = keys.get(secret);
  if (!k) keys.set(secret, (k = createHash('sha256').update(`matchlab-alerts-token:${secret}`).digest()));
  return k;
}

export function sealToken(secret: string, payload: TokenPayload): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The payload, or null for anything that is not a token this secret sealed. */
export function openToken(secret: string, token: string): TokenPayload | null {
  if (typeof token !== 'string' || token.length < 40 || token.length > 400 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  try {
    const raw = Buffer.from(token, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const p = JSON.parse(text) as TokenPayload;
    if (p.k === 'u' && typeof p.s === 'string') return p;
    if (p.k === 'c' && typeof p.d === 'string' && typeof p.j === 'string' && typeof p.p === 'number') return p;
    return null;
  } catch {
    return null;
  }
}
