import { isIP } from 'node:net';

/**
 * SSRF guard: addresses a webhook must not reach in production (loopback, private, link-local, CGNAT,
 * unspecified, multicast, IPv6 unique-local, and IPv4-mapped forms of those).
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) {
    const [a, b] = address.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  if (family === 6) {
    const v = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
    if (mapped) return isPrivateAddress(mapped[1]!);
    return v === '::' || v === '::1' || /^f[cd]/.test(v) || /^fe[89ab]/.test(v) || v.startsWith('ff');
  }
  return false;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** http(s) only, no credentials in the URL, and (unless allowed) no literal private address or localhost. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `"${raw}" is not a valid URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `webhook URL must use http or https, got ${url.protocol.replace(/:$/, '')}` };
  if (url.username || url.password) return { ok: false, reason: 'webhook URL must not contain credentials' };
  if (raw.length > 2000) return { ok: false, reason: 'webhook URL is longer than 2000 characters' };
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) {
      return { ok: false, reason: `webhook URL points at a private or loopback address (${host}); not allowed here (WEBHOOK_ALLOW_PRIVATE_URLS)` };
    }
  }
  return { ok: true, url };
}
