import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { ConnectorError } from './connectors.errors.js';
import { USER_AGENT } from './http-fetch.js';
import { SourcesService } from './sources.service.js';

/** A local site: career pages with JSON-LD, robots.txt, ETags, redirects, a slow page, a huge page, feeds. */
function startSite() {
  const log: Array<{ path: string; ifNoneMatch?: string; ua?: string }> = [];
  const state = { page1Version: 1, multiHasSecond: true, feedJobs: ['X-1', 'X-2', 'X-3'], feedVersion: 1 };
  // `</` escaped as `<\/`, as JSON-LD serialisers do, so a description's </script> cannot end the block.
  const ld = (o: unknown) => `<script type="application/ld+json">${JSON.stringify(o).replace(/<\//g, '<\\/')}</script>`;
  const posting = (id: string, title: string, extra: Record<string, unknown> = {}) => ({
    '@context': 'https://schema.org', '@type': 'JobPosting', title, identifier: { '@type': 'PropertyValue', name: 'Initech', value: id },
    description: '<p>Work on <b>TypeScript</b> services</p><script>steal()</script>', datePosted: '2026-11-01', employmentType: 'FULL_TIME',
    hiringOrganization: { '@type': 'Organization', name: 'Initech' },
    jobLocation: { '@type': 'Place', address: { '@type': 'PostalAddress', addressLocality: 'Austin', addressRegion: 'TX', addressCountry: 'US' } }, ...extra,
  });
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    log.push({ path, ifNoneMatch: req.headers['if-none-match'] as string | undefined, ua: req.headers['user-agent'] });
    const html = (body: string, headers: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': 'text/html', ...headers });
      res.end(`<html><head>${body}</head><body></body></html>`);
    };
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    switch (path) {
      case '/robots.txt':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('User-agent: *\nDisallow: /private\n');
      case '/sitemap.xml':
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${['/jobs/1', '/jobs/multi', '/private/secret', '/moved', '/slow', '/big', '/loop/0'].map((p) => `<url><loc>${base}${p}</loc></url>`).join('')}</urlset>`);
      case '/jobs/1': {
        const etag = `"v${state.page1Version}"`;
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag });
          return res.end();
        }
        return html(ld(posting('I-1', 'Backend Engineer', { directApply: true, baseSalary: { '@type': 'MonetaryAmount', currency: 'USD', value: { '@type': 'QuantitativeValue', minValue: 60, maxValue: 70, unitText: 'HOUR' } }, validThrough: state.page1Version === 3 ? new Date(Date.now() - 3_600_000).toISOString() : '2099-01-01' })), { etag });
      }
      case '/jobs/multi':
        return html(
          ld({ '@context': 'https://schema.org', '@graph': [{ '@type': 'WebSite', name: 'x' }, posting('I-2', 'Data Analyst', { jobLocationType: 'TELECOMMUTE' }), ...(state.multiHasSecond ? [posting('I-3', 'Product Manager')] : [])] }) +
            '<script type="application/ld+json">{"@type": "JobPosting", "title": "broken",</script>' +
            ld(posting('I-4', '')),
        );
      case '/careers':
        return html(`<a href="/jobs/linked">Linked</a> <a href="/private/secret">x</a> <a href="https://other.example/jobs/1">elsewhere</a> <a href="#top">top</a> <a href="mailto:jobs@initech.example">mail</a> <a href="/careers">self</a>`);
      case '/jobs/linked':
        return html(ld(posting('I-LINK', 'Linked Role')) + '<a href="/jobs/deeper">deeper</a>');
      case '/jobs/deeper':
        return html(ld(posting('I-DEEP', 'Too Deep')));
      case '/private/secret':
        return html(ld(posting('I-SECRET', 'Should never be fetched')));
      case '/moved':
        res.writeHead(301, { location: '/jobs/moved-here' });
        return res.end();
      case '/jobs/moved-here':
        return html(ld(posting('I-5', 'Support Specialist')));
      case '/slow':
        setTimeout(() => html(ld(posting('I-SLOW', 'Too slow'))), 3000).unref();
        return;
      case '/big':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(`<html>${'x'.repeat(300_000)}${ld(posting('I-BIG', 'Too big'))}</html>`);
      case '/feed.xml': {
        const etag = `"f${state.feedVersion}"`;
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag });
          return res.end();
        }
        res.writeHead(200, { 'content-type': 'application/xml', etag });
        const jobs = state.feedJobs.map((id) => `<job><title><![CDATA[Warehouse Associate ${id}]]></title><referencenumber>${id}</referencenumber><company>Umbrella</company><city>Denver</city><state>CO</state><country>US</country><date>2026-11-02</date><description><![CDATA[<p>Pick &amp; pack ${id}</p>]]></description><salary>$18 - $22 per hour</salary><jobtype>part-time</jobtype></job>`);
        return res.end(`<?xml version="1.0"?><source><publisher>Umbrella</publisher>${jobs.join('')}<job><referencenumber>X-BAD</referencenumber><company>Umbrella</company></job></source>`);
      }
      case '/greenhouse':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ jobs: [{ id: 11, title: 'Site Reliability Engineer', updated_at: '2026-11-03T10:00:00Z', location: { name: 'Berlin, Germany' }, content: '&lt;p&gt;Keep it up&lt;/p&gt;', absolute_url: 'https://x' }], meta: { total: 1 } }));
      case '/lever':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify([{ id: 'lv-1', text: 'Account Manager', createdAt: Date.parse('2026-11-04T00:00:00Z'), categories: { commitment: 'Full-time', location: 'London' }, country: 'GB', description: '<div>Clients</div>', lists: [], salaryRange: { currency: 'GBP', interval: 'per-year-salary', min: 40000, max: 50000 } }]));
      default:
        if (path.startsWith('/loop/')) {
          res.writeHead(302, { location: `/loop/${Number(path.slice(6)) + 1}` });
          return res.end();
        }
        res.writeHead(404);
        res.end();
    }
  });
  return new Promise<{ base: string; log: typeof log; state: typeof state; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log, state, close: () => new Promise((r) => server.close(() => r())) })),
  );
}

describe('connectors (real database, local HTTP site)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sources: SourcesService;
  let ds: DataSource;
  let site: Awaited<ReturnType<typeof startSite>>;
  const crawl = { perHostIntervalMs: 20, timeoutMs: 800, maxPageBytes: 200_000 };

  beforeAll(async () => {
    site = await startSite();
    db = await createTestDatabase('connectors');
    ({ app, close } = await startInProcessApi(db));
    sources = app.get(SourcesService);
    ds = app.get(DataSource);
  }, 300_000);
  afterAll(async () => {
    await close?.();
    await db?.drop();
    await site?.close();
  });

  const jobs = (source: string) => ds.query(`SELECT external_id, title, description, company_id IS NOT NULL AS has_company, city, region, country, remote, salary_min, salary_max, salary_currency, salary_period, salary_annual_min, employment_type, expires_at, status, direct_apply FROM jobs WHERE source = $1 ORDER BY external_id`, [source]);

  it('crawls career pages from a sitemap: robots.txt, redirects, timeouts, size limit, malformed JSON-LD; maps and upserts postings', async () => {
    await sources.add({ name: 'initech', type: 'career_pages', url: `${site.base}/sitemap.xml` }, 'test');
    const run = await sources.sync('initech', { crawl });
    expect(run.status).toBe('completed');
    expect(run).toMatchObject({ fetched: 5, new: 4, updated: 0, unchanged: 0, expired: 0, rejected: 2 });
    expect(run.rejections.map((r) => r.reason).join('\n')).toMatch(/malformed JSON/);
    expect(run.rejections.map((r) => r.reason).join('\n')).toMatch(/title is required/);
    const skipped = Object.fromEntries(run.skipped.map((s) => [new URL(s.url).pathname, s.reason]));
    expect(skipped['/private/secret']).toBe('disallowed by robots.txt');
    expect(skipped['/slow']).toMatch(/timed out/);
    expect(skipped['/big']).toMatch(/over the 200000-byte limit/);
    expect(skipped['/loop/0']).toMatch(/too many redirects/);
    expect(site.log.some((l) => l.path.startsWith('/private'))).toBe(false);
    expect(site.log.every((l) => l.ua === USER_AGENT)).toBe(true);
    const rows = await jobs('initech');
    expect(rows.map((r: any) => r.external_id)).toEqual(['Initech:I-1', 'Initech:I-2', 'Initech:I-3', 'Initech:I-5']);
    const [i1, i2] = rows;
    expect(i1).toMatchObject({ title: 'Backend Engineer', city: 'Austin', region: 'TX', country: 'US', salary_min: 60, salary_max: 70, salary_currency: 'USD', salary_period: 'hour', salary_annual_min: 124800, employment_type: 'full_time', status: 'active', has_company: true, direct_apply: true });
    expect(i1.description).toBe('Work on TypeScript services');
    expect(i2).toMatchObject({ remote: true, direct_apply: null });
  }, 120_000);

  it('a second crawl uses conditional GET (304 → unchanged); a posting gone from its page and one past validThrough expire', async () => {
    const before = site.log.length;
    let run = await sources.sync('initech', { crawl });
    expect(site.log.slice(before).find((l) => l.path === '/jobs/1')?.ifNoneMatch).toBe('"v1"');
    expect(run).toMatchObject({ status: 'completed', new: 0, updated: 0, unchanged: 4, expired: 0 });

    site.state.multiHasSecond = false;
    run = await sources.sync('initech', { crawl });
    expect(run).toMatchObject({ new: 0, expired: 1 });
    expect((await jobs('initech')).find((r: any) => r.external_id === 'Initech:I-3').status).toBe('expired');

    site.state.page1Version = 3; // new ETag, validThrough an hour ago (after datePosted)
    run = await sources.sync('initech', { crawl });
    expect(run.expired).toBe(1);
    expect((await jobs('initech')).find((r: any) => r.external_id === 'Initech:I-1').status).toBe('expired');
  }, 120_000);

  it('imports an XML feed by URL through the import pipeline: rejections with reasons, expiry of vanished jobs, 304 → not_modified', async () => {
    await sources.add({ name: 'umbrella', type: 'xml_feed', url: `${site.base}/feed.xml`, schedule: '6h' }, 'test');
    let run = await sources.sync('umbrella');
    expect(run).toMatchObject({ status: 'completed', fetched: 4, new: 3, rejected: 1, expired: 0 });
    expect(run.rejections[0]).toMatchObject({ field: 'title', reason: 'title is required' });
    const rows = await jobs('umbrella');
    expect(rows[0]).toMatchObject({ external_id: 'X-1', title: 'Warehouse Associate X-1', description: 'Pick & pack X-1', salary_min: 18, salary_max: 22, salary_period: 'hour', employment_type: 'part_time', region: 'CO' });
    const importRun = await ds.query(`SELECT kind, inserted, rejected FROM import_runs WHERE id = $1`, [run.importRunId]);
    expect(importRun[0]).toMatchObject({ kind: 'jobs', inserted: 3, rejected: 1 });

    site.state.feedJobs = ['X-1', 'X-3'];
    site.state.feedVersion = 2;
    run = await sources.sync('umbrella');
    expect(run).toMatchObject({ status: 'completed', new: 0, unchanged: 2, expired: 1 });
    expect((await jobs('umbrella')).map((r: any) => `${r.external_id}:${r.status}`)).toEqual(['X-1:active', 'X-2:expired', 'X-3:active']);

    run = await sources.sync('umbrella');
    expect(run).toMatchObject({ status: 'not_modified', new: 0, unchanged: 2, expired: 0 });
  }, 120_000);

  it('imports Greenhouse and Lever JSON feeds', async () => {
    await sources.add({ name: 'gh', type: 'greenhouse', url: `${site.base}/greenhouse` }, 'test');
    await sources.add({ name: 'lv', type: 'lever', url: `${site.base}/lever` }, 'test');
    expect(await sources.sync('gh')).toMatchObject({ status: 'completed', new: 1, rejected: 0 });
    expect(await sources.sync('lv')).toMatchObject({ status: 'completed', new: 1, rejected: 0 });
    expect((await jobs('gh'))[0]).toMatchObject({ external_id: '11', title: 'Site Reliability Engineer', city: 'Berlin', country: 'DE', description: 'Keep it up' });
    expect((await jobs('lv'))[0]).toMatchObject({ external_id: 'lv-1', title: 'Account Manager', salary_min: 40000, salary_currency: 'GBP', employment_type: 'full_time', country: 'GB' });
  }, 60_000);

  it('the SSRF guard refuses loopback targets outside development mode, and non-http schemes always', async () => {
    await expect(sources.add({ name: 'ftp', type: 'xml_feed', url: 'ftp://example.com/feed.xml' }, 't')).rejects.toMatchObject({ code: 'BLOCKED_URL' });
    sources.allowPrivate = false;
    try {
      await expect(sources.add({ name: 'local', type: 'xml_feed', url: `${site.base}/feed.xml` }, 't')).rejects.toMatchObject({ code: 'BLOCKED_URL' });
      // A stored source whose target is private is refused at fetch time too.
      await expect(sources.sync('umbrella')).rejects.toBeInstanceOf(ConnectorError);
      const [last] = (await sources.runs({ source: 'umbrella', limit: 1 })).items;
      expect(last).toMatchObject({ status: 'failed' });
      expect(last!.error).toMatch(/private or loopback/);
    } finally {
      sources.allowPrivate = true;
    }
  }, 30_000);

  it('GraphQL: addSource / sources / syncSource / sourceRuns with permissions and typed errors', async () => {
    const token = await loginAsAdmin(app);
    const add = await graphql(app, `mutation($i: AddSourceInput!) { addSource(input: $i) { id name type schedule mapping owner enabled } }`, { i: { name: 'gql-feed', type: 'json_feed', url: `${site.base}/lever`, mapping: '{"title": "text", "external_id": "id"}', schedule: '1d' } }, token);
    expect(add.errors).toBeUndefined();
    expect(add.data!.addSource).toMatchObject({ name: 'gql-feed', type: 'json_feed', schedule: '1d', enabled: true, mapping: '{"title":"text","external_id":"id"}' });
    const bad = await graphql(app, `mutation($i: AddSourceInput!) { addSource(input: $i) { id } }`, { i: { name: 'bad', type: 'json_feed', url: `${site.base}/x`, mapping: '{"colour": "x"}' } }, token);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' });
    const dup = await graphql(app, `mutation($i: AddSourceInput!) { addSource(input: $i) { id } }`, { i: { name: 'gql-feed', type: 'json_feed', url: `${site.base}/lever` } }, token);
    expect(dup.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const sync = await graphql(app, `mutation { syncSource(source: "gql-feed") { id status sourceName } }`, {}, token);
    expect(sync.data!.syncSource).toMatchObject({ status: 'queued' });
    const again = await graphql(app, `mutation { syncSource(source: "gql-feed") { id } }`, {}, token);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const list = await graphql(app, `{ sources(limit: 50) { totalCount items { name type } } sourceRuns(source: "umbrella", limit: 10) { totalCount items { status fetched new updated unchanged expired rejected rejections { line field reason } durationMs } } }`, {}, token);
    expect(list.data!.sources.items.map((s: any) => s.name)).toEqual(['initech', 'umbrella', 'gh', 'lv', 'gql-feed']);
    expect(list.data!.sourceRuns.items.map((r: any) => r.status)).toEqual(['failed', 'not_modified', 'completed', 'completed']);
    expect(list.data!.sourceRuns.items[3]).toMatchObject({ fetched: 4, new: 3, rejected: 1, rejections: [{ field: 'title', reason: 'title is required' }] });
    const anon = await graphql(app, `{ sources { totalCount } }`);
    expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const missing = await graphql(app, `mutation { syncSource(source: "nope") { id } }`, {}, token);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // JSON-LD directApply is stored and exposed on the Job type.
    const [{ id: jobId }] = await ds.query(`SELECT id::text FROM jobs WHERE source = 'initech' AND external_id = 'Initech:I-1'`);
    const job = await graphql(app, `query($id: ID!) { job(id: $id) { externalId directApply } }`, { id: jobId }, token);
    expect(job.data!.job).toEqual({ externalId: 'Initech:I-1', directApply: true });
  }, 60_000);

  it('follows same-host links from a start page one level deep (robots.txt obeyed, other hosts and fragments ignored)', async () => {
    await sources.add({ name: 'initech-careers', type: 'career_pages', startUrls: [`${site.base}/careers`] }, 'test');
    const before = site.log.length;
    const run = await sources.sync('initech-careers', { crawl });
    const paths = site.log.slice(before).map((l) => l.path);
    expect(paths.filter((p) => p !== '/robots.txt')).toEqual(['/careers', '/jobs/linked']);
    expect(run.skipped.map((s) => new URL(s.url).pathname)).toEqual(['/private/secret']);
    expect(run).toMatchObject({ status: 'completed', fetched: 1, new: 1, rejected: 0 });
    expect((await jobs('initech-careers')).map((r: any) => r.external_id)).toEqual(['Initech:I-LINK']);
    const again = await sources.sync('initech-careers', { crawl });
    expect(again).toMatchObject({ status: 'completed', new: 0, unchanged: 1, expired: 0 });
  }, 60_000);
});
