import { isIP } from 'node:net';

/**
 * SSRF guard: addresses a webhook must not reach in production: loopback, private, link-local, CGNAT, unspecified,
 * benchmarking, IETF-reserved and multicast IPv4; IPv6 loopback, unspecified, unique-local, link-local, site-local and
 * multicast; and every IPv6 form that carries an IPv4 address (IPv4-mapped `::ffff:a.b.c.d` in dotted or hex form,
 * IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`), judged by the IPv4 address inside.
 * Decimal, octal and hex IPv4 spellings (`2130706433`, `0177.1`, `0x7f.1`) never get here as such: the WHATWG URL
 * parser normalises them to dotted form, and `postWebhook` checks the resolved address at connect time (DNS rebinding).
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isPrivateV4(address.split('.').map(Number) as [number, number, number, number]);
  if (family === 6) {
    const words = ipv6Words(address);
    if (!words) return true; // unparseable: refuse
    const embedded = embeddedV4(words);
    if (embedded) return isPrivateV4(embedded);
    const w0 = words[0]!;
    if (words.every((w) => w === 0)) return true; // ::
    if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return true; // ::1
    return (w0 & 0xfe00) === 0xfc00 /* fc00::/7 unique local */ || (w0 & 0xffc0) === 0xfe80 /* link-local */ || (w0 & 0xffc0) === 0xfec0 /* site-local */ || (w0 & 0xff00) === 0xff00 /* multicast */;
  }
  return false;
}

function isPrivateV4([a, b, c]: [number, number, number, number]): boolean {
  return (
    a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) || (a === 192 && b === 0 && c === 0) /* IETF protocol assignments */ ||
    (a === 198 && (b === 18 || b === 19)) /* benchmarking */ || a >= 224 /* multicast, reserved, broadcast */
  );
}

/** The eight 16-bit words of an IPv6 address (with `::` expanded and a trailing dotted IPv4 converted), or null. */
function ipv6Words(address: string): number[] | null {
  let v = address.toLowerCase().replace(/%.*$/, ''); // zone id
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    v = v.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = v.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : fill < 0) return null;
  const words = [...head, ...Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}

function embeddedV4(w: number[]): [number, number, number, number] | null {
  const v4 = (hi: number, lo: number): [number, number, number, number] => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && w[5] === 0xffff) return v4(w[6]!, w[7]!); // ::ffff:a.b.c.d (IPv4-mapped)
  if (zeros(0, 6) && (w[6]! !== 0 || w[7]! > 1)) return v4(w[6]!, w[7]!); // ::a.b.c.d (IPv4-compatible, deprecated)
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return v4(w[6]!, w[7]!); // 64:ff9b::/96 (NAT64)
  if (w[0] === 0x2002) return v4(w[1]!, w[2]!); // 2002::/16 (6to4)
  return null;
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
    // A trailing dot ("localhost.") names the same host; so does any case.
    const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '').toLowerCase();
    if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) {
      return { ok: false, reason: `webhook URL points at a private or loopback address (${host}); not allowed here (WEBHOOK_ALLOW_PRIVATE_URLS)` };
    }
  }
  return { ok: true, url };
}
