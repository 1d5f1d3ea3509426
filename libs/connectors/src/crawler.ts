import { parseDocument, DomUtils } from 'htmlparser2';
import robotsParserModule from 'robots-parser';
import type { RowSource, SourceRow } from '@app/ingest';
import { ConnectorError } from './connectors.errors.js';
import { fetchBuffer, USER_AGENT, type FetchOptions } from './http-fetch.js';
import { extractJobPostings, jobPostingRow } from './job-posting.js';
import { applyMapping, type FieldMapping } from './mapping.js';
import type { FeedState } from './xml-feed.js';

/** What the crawler remembers of a page between runs: validators for conditional GET, and the ids it held. */
export interface PageMemo {
  etag?: string | null;
  lastModified?: string | null;
  ids: string[];
  /** Same-host links the page held (followed again when it answers 304 or fails). */
  links?: string[];
}

export interface CrawlOptions {
  allowPrivate: boolean;
  /** Minimum time between two requests to one host (a larger robots.txt Crawl-delay wins). */
  perHostIntervalMs?: number;
  /** Requests in flight to one host at once. */
  perHostConcurrency?: number;
  /** Requests in flight overall. */
  concurrency?: number;
  maxPages?: number;
  /** Links followed from start URLs to pages of the same host, this many levels deep (default 1; sitemap pages: none). */
  followDepth?: number;
  timeoutMs?: number;
  maxPageBytes?: number;
  maxRedirects?: number;
  /** Page memos of the previous run (by URL); updated in place. */
  pages?: Record<string, PageMemo>;
}

export interface CrawlState extends FeedState {
  pagesFetched: number;
  notModified: number;
  /** Postings on pages answered 304 (unchanged without being re-imported). */
  notModifiedPostings: number;
  /** URLs skipped and why (robots.txt, fetch failures), for the run report. */
  skipped: Array<{ url: string; reason: string }>;
}

export const newCrawlState = (): CrawlState => ({ fetched: 0, ids: new Set(), pagesFetched: 0, notModified: 0, notModifiedPostings: 0, skipped: [] });

/** Per-host politeness: at most `cap` requests in flight and one request start every `intervalMs` per host. */
export class HostGate {
  private readonly hosts = new Map<string, { active: number; next: number; waiters: Array<() => void>; intervalMs: number }>();
  constructor(private readonly cap: number, private readonly intervalMs: number) {}

  setInterval(host: string, ms: number): void {
    this.slot(host).intervalMs = Math.max(this.intervalMs, ms);
  }

  private slot(host: string) {
    let h = this.hosts.get(host);
    if (!h) this.hosts.set(host, (h = { active: 0, next: 0, waiters: [], intervalMs: this.intervalMs }));
    return h;
  }

  async run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    const h = this.slot(host);
    while (h.active >= this.cap) await new Promise<void>((r) => h.waiters.push(r));
    h.active++;
    const now = Date.now();
    const wait = h.next - now;
    h.next = Math.max(now, h.next) + h.intervalMs;
    try {
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return await fn();
    } finally {
      h.active--;
      h.waiters.shift()?.();
    }
  }
}

type RobotsTxt = { isAllowed(url: string, ua?: string): boolean | undefined; getCrawlDelay(ua?: string): number | undefined };
// robots-parser is CommonJS (`module.exports = fn`) typed as an ES default export.
const robotsParser = ((robotsParserModule as unknown as { default?: unknown }).default ?? robotsParserModule) as unknown as (url: string, txt: string) => RobotsTxt;

type Robots = { isAllowed(url: string, ua?: string): boolean | undefined; getCrawlDelay(ua?: string): number | undefined } | 'disallow-all' | 'allow-all';

/** URLs listed by a sitemap (`<urlset><url><loc>`), following a sitemap index one level down. */
export function sitemapLocs(xml: string): { pages: string[]; sitemaps: string[] } {
  const doc = parseDocument(xml, { xmlMode: true });
  const locs = (parent: string) => DomUtils.findAll((e) => e.name.toLowerCase().endsWith('loc') && (e.parent as { name?: string } | null)?.name?.toLowerCase().endsWith(parent) === true, doc.children).map((e) => DomUtils.textContent(e).trim()).filter(Boolean);
  return { pages: locs('url'), sitemaps: locs('sitemap') };
}

/**
 * Career-page crawler as an importer row source: fetches the start URLs (or the pages of a sitemap) politely —
 * robots.txt obeyed for our user agent (Crawl-delay too), per-host interval and concurrency caps, conditional GET with
 * the validators of the last run — and yields every schema.org JobPosting found (JSON-LD and microdata).
 * A page answered 304 keeps the ids it held (they count as seen, nothing is re-imported); a page that failed keeps
 * them too (they count as seen), so a slow or flaky page never expires its postings while the rest of the site syncs. Malformed JSON-LD blocks become rejections with the reason.
 */
export function crawlRows(source: { startUrls?: string[]; sitemap?: string | null }, mapping: FieldMapping, opts: CrawlOptions, state: CrawlState): RowSource {
  return async function* () {
    const pages = (opts.pages ??= {});
    const gate = new HostGate(opts.perHostConcurrency ?? 2, opts.perHostIntervalMs ?? 1000);
    const robots = new Map<string, Promise<Robots>>();
    const fetchOpts: FetchOptions = { allowPrivate: opts.allowPrivate, timeoutMs: opts.timeoutMs ?? 15_000, maxBytes: opts.maxPageBytes ?? 5 * 1024 * 1024, maxRedirects: opts.maxRedirects ?? 5 };
    const robotsFor = (u: URL): Promise<Robots> => {
      let r = robots.get(u.origin);
      if (!r) {
        r = (async (): Promise<Robots> => {
          const url = `${u.origin}/robots.txt`;
          try {
            const res = await gate.run(u.host, () => fetchBuffer(url, { ...fetchOpts, maxBytes: 512 * 1024, accept: 'text/plain' }));
            if (res.status >= 500) return 'disallow-all'; // RFC 9309: unreachable robots.txt → assume complete disallow
            if (res.status >= 400) return 'allow-all';
            const parsed = robotsParser(url, res.body.toString('utf8'));
            const delay = parsed.getCrawlDelay(USER_AGENT);
            if (delay) gate.setInterval(u.host, Math.min(delay, 60) * 1000);
            return parsed;
          } catch {
            return 'disallow-all';
          }
        })();
        robots.set(u.origin, r);
      }
      return r;
    };
    const allowed = async (raw: string): Promise<boolean> => {
      const r = await robotsFor(new URL(raw));
      return r === 'allow-all' ? true : r === 'disallow-all' ? false : r.isAllowed(raw, USER_AGENT) !== false;
    };

    // The page list: start URLs, or the sitemap's pages.
    let urls = [...(source.startUrls ?? [])];
    if (source.sitemap) {
      const list = async (u: string) => {
        if (!(await allowed(u))) throw new ConnectorError('FETCH_FAILED', `sitemap ${u} is disallowed by robots.txt`);
        const res = await gate.run(new URL(u).host, () => fetchBuffer(u, { ...fetchOpts, maxBytes: 50 * 1024 * 1024 }));
        if (res.status >= 400) throw new ConnectorError('FETCH_FAILED', `sitemap ${u}: HTTP ${res.status}`);
        return sitemapLocs(res.body.toString('utf8'));
      };
      const top = await list(source.sitemap);
      urls.push(...top.pages);
      for (const s of top.sitemaps) urls.push(...(await list(s)).pages);
    }
    urls = [...new Set(urls.map(withoutFragment))].slice(0, opts.maxPages ?? 1000);

    let line = 0;
    const keepIds = (url: string) => pages[url]?.ids.forEach((id) => state.ids.add(id));
    /** Same-host http(s) links of a page, absolute, without fragment. */
    const sameHost = (hrefs: string[], base: string): string[] => {
      const host = new URL(base).host;
      const out = new Set<string>();
      for (const href of hrefs) {
        let u: URL;
        try {
          u = new URL(href, base);
        } catch {
          continue;
        }
        if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.host !== host) continue;
        u.hash = '';
        out.add(u.toString());
      }
      return [...out];
    };
    const visit = async (url: string): Promise<{ rows: SourceRow[]; links: string[] }> => {
      const rows: SourceRow[] = [];
      const kept = () => ({ rows, links: pages[url]?.links ?? [] });
      if (!(await allowed(url))) {
        state.skipped.push({ url, reason: 'disallowed by robots.txt' });
        return { rows, links: [] };
      }
      const memo = pages[url];
      let res;
      try {
        res = await gate.run(new URL(url).host, () => fetchBuffer(url, { ...fetchOpts, etag: memo?.etag, lastModified: memo?.lastModified, accept: 'text/html,application/xhtml+xml' }));
      } catch (err) {
        state.skipped.push({ url, reason: (err as Error).message });
        keepIds(url);
        return kept();
      }
      state.pagesFetched++;
      if (res.notModified) {
        state.notModified++;
        state.notModifiedPostings += memo?.ids.length ?? 0;
        keepIds(url);
        return kept();
      }
      if (res.status >= 400) {
        state.skipped.push({ url, reason: `HTTP ${res.status}` });
        if (res.status !== 404 && res.status !== 410) {
          keepIds(url); // gone pages expire their postings
          return kept();
        }
        return { rows, links: [] };
      }
      const found = extractJobPostings(res.body.toString('utf8'));
      const ids: string[] = [];
      for (const reason of found.skipped) rows.push({ line: ++line, raw: url, error: { field: null, reason: `${url}: ${reason}` } });
      found.postings.forEach(({ posting }, i) => {
        const row = { ...jobPostingRow(posting, res.url, found.postings.length > 1 ? i + 1 : 0), ...applyMapping(posting, {}, mapping) };
        state.fetched++;
        if (row.external_id !== undefined) {
          ids.push(String(row.external_id));
          state.ids.add(String(row.external_id));
        }
        rows.push({ line: ++line, raw: `${url} ${JSON.stringify(posting)}`, data: row });
      });
      const links = sameHost(found.links, res.url);
      pages[url] = { etag: res.etag, lastModified: res.lastModified, ids, ...(links.length ? { links } : {}) };
      return { rows, links };
    };
    // Pages in waves of `concurrency`; links found on start pages (and below, to followDepth) join the queue.
    const width = Math.max(1, opts.concurrency ?? 4);
    const maxPages = opts.maxPages ?? 1000;
    const followDepth = opts.followDepth ?? 1;
    const starts = new Set((source.startUrls ?? []).map(withoutFragment));
    const queue = urls.map((url) => ({ url, depth: starts.has(url) ? 0 : followDepth }));
    const queued = new Set(urls);
    while (queue.length) {
      const wave = queue.splice(0, width);
      const results = await Promise.all(wave.map((p) => visit(p.url)));
      for (let k = 0; k < wave.length; k++) {
        if (wave[k]!.depth < followDepth) {
          for (const link of results[k]!.links) {
            if (queued.size >= maxPages || queued.has(link)) continue;
            queued.add(link);
            queue.push({ url: link, depth: wave[k]!.depth + 1 });
          }
        }
        yield* results[k]!.rows;
      }
    }
  };
}

/** The URL without its fragment, normalised (`http://h` → `http://h/`); unparseable input as is. */
function withoutFragment(raw: string): string {
  try {
    const u = new URL(raw);
    u.hash = '';
    return u.toString();
  } catch {
    return raw;
  }
}
