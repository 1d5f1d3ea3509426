import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { checkWebhookUrl, guardedLookup, isPrivateAddress } from '@app/webhooks';
import { ConnectorError } from './connectors.errors.js';

export const USER_AGENT = 'MatchlabBot/1.0 (+https://matchlab.example/bot; job postings crawler)';

export interface FetchOptions {
  /** Loopback and private addresses allowed (development mode only). */
  allowPrivate: boolean;
  /** Whole-request deadline (connect, headers, body). */
  timeoutMs?: number;
  /** Body size limit in bytes; a larger answer fails with TOO_LARGE. */
  maxBytes?: number;
  maxRedirects?: number;
  /** Conditional GET validators from the previous fetch. */
  etag?: string | null;
  lastModified?: string | null;
  accept?: string;
}

export interface FetchResult {
  status: number;
  url: string;
  notModified: boolean;
  body: Buffer;
  etag: string | null;
  lastModified: string | null;
  contentType: string | null;
}

const DEFAULTS = { timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5 };

/** http(s) only, no credentials, no literal private address unless allowed. Throws BLOCKED_URL. */
export function checkSourceUrl(raw: string, allowPrivate: boolean): URL {
  const c = checkWebhookUrl(raw, allowPrivate);
  if (!c.ok) throw new ConnectorError('BLOCKED_URL', c.reason.replace(/webhook URL/g, 'URL').replace('WEBHOOK_ALLOW_PRIVATE_URLS', 'development mode only'), { field: 'url' });
  return c.url;
}

interface Opened {
  status: number;
  url: string;
  res: http.IncomingMessage | null;
  headers: http.IncomingHttpHeaders;
  abort: () => void;
}

/**
 * GET with the SSRF guard on every hop: redirects (at most maxRedirects) are followed by hand and each target is
 * checked again (scheme, literal address, and the resolved address at connect time). One deadline covers the whole
 * request. Resolves when the final response's headers arrive; the body is read by the caller.
 */
async function open(target: string, opts: FetchOptions, deadline: number): Promise<Opened> {
  const maxRedirects = opts.maxRedirects ?? DEFAULTS.maxRedirects;
  let url = checkSourceUrl(target, opts.allowPrivate);
  for (let hop = 0; ; hop++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new ConnectorError('FETCH_FAILED', `timed out fetching ${url.href}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!opts.allowPrivate && isIP(host) && isPrivateAddress(host)) throw new ConnectorError('BLOCKED_URL', `blocked: ${host} is a private or loopback address`);
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: opts.accept ?? '*/*', 'accept-encoding': 'identity' };
    if (opts.etag) headers['if-none-match'] = opts.etag;
    if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, { method: 'GET', headers, agent: false, ...(opts.allowPrivate ? {} : { lookup: guardedLookup }) });
      const timer = setTimeout(() => req.destroy(new Error(`timed out after ${opts.timeoutMs ?? DEFAULTS.timeoutMs} ms`)), remaining);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(new ConnectorError(/blocked:/.test(err.message) ? 'BLOCKED_URL' : 'FETCH_FAILED', `${url.href}: ${err.message}`));
      });
      req.on('response', (r) => {
        r.on('close', () => clearTimeout(timer));
        r.on('end', () => clearTimeout(timer));
        // The deadline keeps covering the body: destroying the request ends the response stream with an error.
        resolve(r);
      });
      req.end();
    });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
      res.resume();
      if (hop >= maxRedirects) throw new ConnectorError('FETCH_FAILED', `too many redirects (more than ${maxRedirects}) from ${target}`);
      url = checkSourceUrl(new URL(res.headers.location, url).href, opts.allowPrivate);
      continue;
    }
    return { status, url: url.href, res, headers: res.headers, abort: () => res.destroy() };
  }
}

const header = (h: http.IncomingHttpHeaders, k: string): string | null => {
  const v = h[k];
  return (Array.isArray(v) ? v[0] : v) ?? null;
};

/** A whole body (pages, robots.txt, JSON feeds), within the size and time limits. 304 → notModified with no body. */
export async function fetchBuffer(target: string, opts: FetchOptions): Promise<FetchResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxBytes = opts.maxBytes ?? DEFAULTS.maxBytes;
  const o = await open(target, opts, Date.now() + timeoutMs);
  const base = { status: o.status, url: o.url, etag: header(o.headers, 'etag'), lastModified: header(o.headers, 'last-modified'), contentType: header(o.headers, 'content-type') };
  if (o.status === 304) {
    o.res?.resume();
    return { ...base, notModified: true, body: Buffer.alloc(0) };
  }
  const declared = Number(header(o.headers, 'content-length') ?? NaN);
  if (declared > maxBytes) {
    o.abort();
    throw new ConnectorError('TOO_LARGE', `${o.url}: response of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of o.res!) {
      size += (c as Buffer).length;
      if (size > maxBytes) {
        o.abort();
        throw new ConnectorError('TOO_LARGE', `${o.url}: response is over the ${maxBytes}-byte limit`);
      }
      chunks.push(c as Buffer);
    }
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    throw new ConnectorError('FETCH_FAILED', `${o.url}: ${(err as Error).message}`);
  }
  return { ...base, notModified: false, body: Buffer.concat(chunks) };
}

/**
 * A streamed body (XML feeds of any size): status and validators first, then the chunks. The size limit is
 * counted as the stream is read; the deadline covers the whole download.
 */
export async function fetchStream(target: string, opts: FetchOptions): Promise<{ result: Omit<FetchResult, 'body'>; body: AsyncIterable<Buffer> }> {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const maxBytes = opts.maxBytes ?? 1024 * 1024 * 1024;
  const o = await open(target, { ...opts, timeoutMs }, Date.now() + timeoutMs);
  const result = { status: o.status, url: o.url, notModified: o.status === 304, etag: header(o.headers, 'etag'), lastModified: header(o.headers, 'last-modified'), contentType: header(o.headers, 'content-type') };
  const res = o.res!;
  async function* body(): AsyncGenerator<Buffer> {
    let size = 0;
    for await (const c of res) {
      size += (c as Buffer).length;
      if (size > maxBytes) {
        res.destroy();
        throw new ConnectorError('TOO_LARGE', `${o.url}: feed is over the ${maxBytes}-byte limit`);
      }
      yield c as Buffer;
    }
  }
  if (result.notModified || o.status >= 400) res.resume();
  return { result, body: result.notModified || o.status >= 400 ? Readable.from([]) : body() };
}
