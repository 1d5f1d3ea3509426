import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPrivateAddress } from './address-guard.js';
import { parseRetryAfter } from './retry.js';

export interface PostResult {
  /** HTTP status, or null when no answer came (connection error, timeout, blocked address). */
  status: number | null;
  error?: string;
  durationMs: number;
  retryAfterMs?: number;
  /** The first bytes of the answer, for the delivery log. */
  responseSnippet?: string;
}

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

const SNIPPET_BYTES = 512;

/**
 * One POST of a webhook. node:http never follows redirects (a 3xx is just a failed attempt). The whole attempt —
 * connect, send, answer — has one deadline. Without `allowPrivate`, every address the host resolves to is checked
 * in the socket's own lookup, so the address checked is the address connected to (no DNS-rebinding window).
 */
export function postWebhook(target: string, body: string, headers: Record<string, string>, opts: PostOptions): Promise<PostResult> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const deadline: { timer?: NodeJS.Timeout } = {};
    const done = (r: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline.timer);
      resolve({ ...r, durationMs: elapsed() });
    };
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return done({ status: null, error: `invalid URL ${target}` });
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!opts.allowPrivate && isIP(host) && isPrivateAddress(host)) return done({ status: null, error: `blocked: ${host} is a private or loopback address` });
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Matchlab-Webhooks/1.0', ...headers },
      ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
      agent: false,
    });
    deadline.timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    req.on('error', (err) => done({ status: null, error: err.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < SNIPPET_BYTES) chunks.push(c);
        size += c.length;
      });
      const finish = () => {
        const retryAfter = res.headers['retry-after'];
        done({
          status: res.statusCode ?? null,
          retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
          responseSnippet: Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8'),
        });
      };
      res.on('end', finish);
      res.on('error', finish);
    });
    req.end(body);
  });
}

/** dns.lookup that refuses private addresses, so the address checked is the address connected to; answers in both the single and the `all: true` form. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) return callback(new Error(`blocked: ${hostname} resolves to a private or loopback address (${blocked.address})`), '', 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};
