import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { atsJobRow, jsonRecords } from './ats.js';
import { HostGate, sitemapLocs } from './crawler.js';
import { descriptionText, sanitizeDescription } from './html.js';
import { extractJobPostings, jobPostingRow } from './job-posting.js';
import { applyMapping, parseMapping } from './mapping.js';
import { parseSalaryText } from './normalize.js';
import { parseSchedule } from './schedule.js';
import { newFeedState, xmlFeedRows, xmlJobRecords } from './xml-feed.js';

const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const feed = `<?xml version="1.0" encoding="utf-8"?>
<source>
  <publisher>Acme</publisher>
  <job>
    <title><![CDATA[Senior Backend Engineer]]></title>
    <date><![CDATA[Tue, 10 Nov 2026 10:00:00 GMT]]></date>
    <referencenumber>A-1</referencenumber>
    <url>https://acme.example/jobs/1</url>
    <company>Acme &amp; Co</company>
    <city>Austin</city><state>TX</state><country>US</country>
    <description><![CDATA[<p>Build <b>APIs</b></p><script>alert(1)</script><ul><li>Node</li><li>Postgres</li></ul>]]></description>
    <salary>$120,000 - $150,000 per year</salary>
    <jobtype>Full-Time</jobtype>
  </job>
  <job><title>Nurse</title><referencenumber>A-2</referencenumber><salary>35.50 USD per hour</salary><jobtype>parttime</jobtype></job>
</source>`;

describe('XML job feed (streaming)', () => {
  it('reads <job> records across arbitrary chunk boundaries, with CDATA and entities', async () => {
    // 7-byte chunks split tags, CDATA markers and multi-byte characters
    const chunks = (s: string) => Readable.from(Buffer.from(s).reduce<Buffer[]>((acc, _b, i, buf) => (i % 7 === 0 ? [...acc, buf.subarray(i, i + 7)] : acc), []));
    const recs = await collect(xmlJobRecords(chunks(feed.replace('Austin', 'Zürich'))));
    expect(recs).toHaveLength(2);
    expect(recs[0]!.fields).toMatchObject({ title: 'Senior Backend Engineer', referencenumber: 'A-1', company: 'Acme & Co', city: 'Zürich', state: 'TX', jobtype: 'Full-Time' });
    expect(recs[0]!.line).toBe(4);
    expect(recs[1]!.fields.title).toBe('Nurse');
  });

  it('maps feed fields to importer rows: sanitised text description, salary, period, employment type, ISO date', async () => {
    const state = newFeedState();
    const rows = await collect(xmlFeedRows(() => Readable.from([feed]), {}, state)());
    expect(rows[0]!.data).toMatchObject({ external_id: 'A-1', title: 'Senior Backend Engineer', company: 'Acme & Co', city: 'Austin', region: 'TX', country: 'US', employment_type: 'full_time', salary_min: 120000, salary_max: 150000, salary_currency: 'USD', salary_period: 'year', posted_at: '2026-11-10T10:00:00.000Z' });
    const desc = rows[0]!.data!.description as string;
    expect(desc).toContain('Build APIs');
    expect(desc).toContain('Postgres');
    expect(desc).not.toMatch(/alert|<script|<p>/);
    expect(rows[1]!.data).toMatchObject({ external_id: 'A-2', salary_min: 35.5, salary_currency: 'USD', salary_period: 'hour', employment_type: 'part_time' });
    expect([...state.ids]).toEqual(['A-1', 'A-2']);
    expect(state.truncated).toBeUndefined();
  });

  it('applies a per-source mapping on top of the defaults', async () => {
    const custom = '<source><job><guid>g-9</guid><name>Chef</name><employer>Bistro</employer></job></source>';
    const rows = await collect(xmlFeedRows(() => Readable.from([custom]), parseMapping({ external_id: 'guid', title: 'name', company: 'employer', country: { const: 'FR' } }))());
    expect(rows[0]!.data).toEqual({ external_id: 'g-9', title: 'Chef', company: 'Bistro', country: 'FR' });
  });

  it('a malformed document yields the jobs before the fault, then one rejection, and marks the read incomplete', async () => {
    const state = newFeedState();
    const rows = await collect(xmlFeedRows(() => Readable.from(['<source><job><title>A</title><referencenumber>1</referencenumber></job><job><title>B</title></jb></source>']), {}, state)());
    expect(rows[0]!.data).toMatchObject({ external_id: '1', title: 'A' });
    expect(rows.at(-1)!.error?.reason).toMatch(/malformed XML/);
    expect(state.truncated).toMatch(/malformed XML/);
  });
});

describe('ATS JSON feeds', () => {
  it('Greenhouse /v1/boards/{board}/jobs?content=true: escaped HTML content decoded, sanitised, pay range in cents', () => {
    const body = { jobs: [{ id: 4012345, title: 'Data Engineer', updated_at: '2026-11-01T12:00:00-05:00', first_published: '2026-10-20T09:00:00-05:00', absolute_url: 'https://boards.greenhouse.io/acme/jobs/4012345', location: { name: 'Remote - US' }, company_name: 'Acme', content: '&lt;p&gt;Pipelines in &lt;strong&gt;Python&lt;/strong&gt;&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;', pay_input_ranges: [{ min_cents: 15000000, max_cents: 18000000, currency_type: 'USD' }] }], meta: { total: 1 } };
    const [rec] = jsonRecords('greenhouse', body);
    const row = atsJobRow('greenhouse', rec);
    expect(row).toMatchObject({ external_id: '4012345', title: 'Data Engineer', company: 'Acme', location: 'Remote - US', posted_at: '2026-10-20T09:00:00-05:00', salary_min: 150000, salary_max: 180000, salary_currency: 'USD' });
    expect(row.description).toBe('Pipelines in Python');
  });

  it('Lever /v0/postings/{site}?mode=json: lists and additional joined, commitment, workplaceType remote, salaryRange, epoch createdAt', () => {
    const rec = { id: 'abc-123', text: 'Account Executive', createdAt: 1793520000000, country: 'GB', workplaceType: 'remote', categories: { commitment: 'Full-time', location: 'London', team: 'Sales' }, description: '<div>Sell things</div>', lists: [{ text: 'Requirements', content: '<li>CRM</li><li>Grit</li>' }], additional: '<div>Equity</div>', hostedUrl: 'https://jobs.lever.co/acme/abc-123', salaryRange: { currency: 'GBP', interval: 'per-year-salary', min: 50000, max: 70000 } };
    const row = atsJobRow('lever', rec);
    expect(row).toMatchObject({ external_id: 'abc-123', title: 'Account Executive', location: 'London', country: 'GB', employment_type: 'full_time', remote: true, salary_min: 50000, salary_max: 70000, salary_currency: 'GBP', salary_period: 'year', posted_at: new Date(1793520000000).toISOString() });
    expect(row.description).toMatch(/Sell things[\s\S]*Requirements[\s\S]*CRM[\s\S]*Equity/);
  });

  it('a generic JSON feed uses importer field names; a wrong shape is a typed error', () => {
    expect(atsJobRow('json_feed', { external_id: 7, title: 'Cook', salary: '€30k per year' })).toMatchObject({ external_id: '7', title: 'Cook', salary_min: 30000, salary_currency: 'EUR', salary_period: 'year' });
    expect(() => jsonRecords('greenhouse', [1])).toThrow(/expected an object with a "jobs" array/);
  });
});

describe('schema.org JobPosting extraction', () => {
  const page = (blocks: string[], body = '') => `<html><head>${blocks.map((b) => `<script type="application/ld+json">${b}</script>`).join('')}</head><body>${body}</body></html>`;
  const posting = {
    '@context': 'https://schema.org', '@type': 'JobPosting', title: 'Staff Engineer', description: '<p>Lead <em>teams</em></p><iframe src="x"></iframe>',
    datePosted: '2026-11-01', validThrough: '2026-12-31T23:59', employmentType: ['FULL_TIME', 'CONTRACTOR'], directApply: true,
    hiringOrganization: { '@type': 'Organization', name: 'Globex' }, identifier: { '@type': 'PropertyValue', name: 'Globex', value: 'G-77' },
    jobLocation: { '@type': 'Place', address: { '@type': 'PostalAddress', addressLocality: 'Denver', addressRegion: 'CO', addressCountry: 'US' } },
    baseSalary: { '@type': 'MonetaryAmount', currency: 'USD', value: { '@type': 'QuantitativeValue', minValue: 60, maxValue: 80, unitText: 'HOUR' } },
  };

  it('maps every standard field', () => {
    const { postings, skipped } = extractJobPostings(page([JSON.stringify(posting)]));
    expect(skipped).toEqual([]);
    const row = jobPostingRow(postings[0]!.posting, 'https://globex.example/jobs/77');
    expect(row).toEqual({ external_id: 'Globex:G-77', title: 'Staff Engineer', description: 'Lead teams', posted_at: '2026-11-01', expires_at: '2026-12-31T23:59', employment_type: 'full_time', company: 'Globex', city: 'Denver', region: 'CO', country: 'US', salary_min: 60, salary_max: 80, salary_currency: 'USD', salary_period: 'hour', direct_apply: true });
  });

  it('finds postings in @graph and arrays, skips malformed blocks with a reason, reads TELECOMMUTE and microdata', () => {
    const graph = JSON.stringify({ '@context': 'https://schema.org', '@graph': [{ '@type': 'Organization', name: 'X' }, { '@type': 'JobPosting', title: 'A', jobLocationType: 'TELECOMMUTE', applicantLocationRequirements: { '@type': 'Country', name: 'USA' } }] });
    const arr = JSON.stringify([{ '@type': 'JobPosting', title: 'B', identifier: 'b-1' }, { '@type': 'WebPage' }]);
    const micro = '<div itemscope itemtype="https://schema.org/JobPosting"><h1 itemprop="title">C</h1><meta itemprop="datePosted" content="2026-10-01"><div itemprop="hiringOrganization" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">Initech</span></div><div itemprop="description"><p>Hello</p></div></div>';
    const r = extractJobPostings(page([graph, '{"@type": "JobPosting", "title": ', arr], micro));
    expect(r.postings.map((p) => [p.posting.title, p.via])).toEqual([['A', 'json-ld'], ['B', 'json-ld'], ['C', 'microdata']]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]).toMatch(/JSON-LD block 2: malformed JSON/);
    expect(jobPostingRow(r.postings[0]!.posting, 'https://x.example/a', 1)).toMatchObject({ external_id: 'https://x.example/a#1', remote: true, country: 'USA' });
    expect(jobPostingRow(r.postings[2]!.posting, 'https://x.example/c')).toMatchObject({ title: 'C', company: 'Initech', posted_at: '2026-10-01', description: 'Hello' });
  });
});

describe('helpers', () => {
  it('sanitises HTML: no scripts, handlers or javascript: links', () => {
    const html = sanitizeDescription('<p onclick="x()">Hi <a href="javascript:alert(1)">x</a> <a href="https://ok.example">ok</a></p><script>bad()</script><style>p{}</style>');
    expect(html).toBe('<p>Hi <a>x</a> <a href="https://ok.example">ok</a></p>');
    expect(descriptionText('<h2>Role</h2><ul><li>One</li><li>Two</li></ul>')).toBe('Role\n\n * One\n * Two');
  });

  it('parses free-text salaries', () => {
    expect(parseSalaryText('£40k - £50k a year')).toEqual({ salary_min: 40000, salary_max: 50000, salary_currency: 'GBP', salary_period: 'year' });
    expect(parseSalaryText('Competitive')).toEqual({});
  });

  it('schedules: intervals, cron, and typed errors', () => {
    expect(parseSchedule('6h')).toEqual({ every: 21_600_000 });
    expect(parseSchedule('every 30m')).toEqual({ every: 1_800_000 });
    expect(parseSchedule('0 3 * * *')).toEqual({ pattern: '0 3 * * *', tz: 'UTC' });
    expect(parseSchedule('')).toBeNull();
    expect(() => parseSchedule('1m')).toThrow(/at least every 5 minutes/);
    expect(() => parseSchedule('sometimes')).toThrow(/expected an interval/);
  });

  it('mappings: paths, fallbacks, constants; unknown fields rejected', () => {
    expect(applyMapping({ a: { b: [{ c: 'x' }] }, y: 'y' }, { title: 'a.b.0.c' }, { company: ['missing', 'y'] })).toEqual({ title: 'x', company: 'y' });
    expect(() => parseMapping({ colour: 'x' })).toThrow(/unknown job field "colour"/);
  });

  it('sitemaps: urlset pages and sitemap index entries', () => {
    expect(sitemapLocs('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.example/1</loc></url><url><loc> https://a.example/2 </loc></url></urlset>')).toEqual({ pages: ['https://a.example/1', 'https://a.example/2'], sitemaps: [] });
    expect(sitemapLocs('<sitemapindex><sitemap><loc>https://a.example/s1.xml</loc></sitemap></sitemapindex>').sitemaps).toEqual(['https://a.example/s1.xml']);
  });

  it('HostGate spaces requests to one host and caps concurrency', async () => {
    const gate = new HostGate(1, 50);
    const starts: number[] = [];
    let active = 0;
    let maxActive = 0;
    const t0 = Date.now();
    await Promise.all([1, 2, 3].map(() => gate.run('h', async () => {
      starts.push(Date.now() - t0);
      maxActive = Math.max(maxActive, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    })));
    expect(maxActive).toBe(1);
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(95);
  });
});
