// XML job feed benchmark (issue 13: a 100,000-job feed imported at >= 2,000 jobs/s with flat memory, real PostgreSQL).
// Writes an N-job feed (default 100,000) of the common `<source><job>…</job></source>` shape to /tmp, creates a fresh
// database on DATABASE_URL, adds it as an `xml_feed` source with `file` and syncs it through SourcesService (streaming
// saxes parser in the import worker thread → the import pipeline's validation, standardisation, dedupe and COPY
// writes → expiry). A feed of half the size (other postings) is synced first, so memory growth with feed size shows,
// then the full feed, then the full feed again (all unchanged). Each sync runs in a fresh child process: its peak RSS
// is the kernel's high-water mark for that process (getrusage maxRSS: every thread, nothing left over from an earlier
// sync; one process running the three syncs in a row keeps the first one's freed memory as RSS). The 1-minute load
// average is sampled during each sync (the machine may be shared). Each sync also reports the near-duplicate index's
// size: the one part of an import's memory that grows with its size (it holds the feed's jobs and the stored jobs of
// every company the feed names: the full feed's sync also holds the half feed's jobs of the same companies), so peak
// RSS without it is the figure that must stay flat. The last line is one JSON object for bench runners:
//   {"name":"connectors-feed","jobs":…,"jobsPerSecond":…,"peakRssMb":…,"halfPeakRssMb":…,"indexMb":…,"peakRssWithoutIndexMb":…,…}
//   node scripts/build.mjs && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/connectors-feed.bench.mjs [jobs]
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const mb = (b) => Math.round(b / 1048576);

// ---- child: one sync of one source, measured -----------------------------------------------------------------
if (process.argv[2] === '--sync') {
  process.env.MATCHLAB_SEED_ON_START = 'false';
  process.env.LOG_LEVEL ??= 'warn';
  const { withCliContext } = await import('../dist/apps/cli/src/cli-context.js');
  const { ConnectorsCoreModule, SourcesService } = await import('../dist/libs/connectors/src/index.js');
  const out = await withCliContext([ConnectorsCoreModule], async (ctx) => {
    const svc = ctx.get(SourcesService);
    const start = process.memoryUsage().rss;
    let sampled = start;
    const loads = [loadavg()[0]];
    let ticks = 0;
    const timer = setInterval(() => {
      sampled = Math.max(sampled, process.memoryUsage().rss);
      if (++ticks % 20 === 0) loads.push(loadavg()[0]);
    }, 50);
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    let imported = null;
    const r = await svc.sync(process.argv[3], { onImport: (i) => (imported = i) });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(timer);
    loads.push(loadavg()[0]);
    return {
      r: { fetched: r.fetched, new: r.new, updated: r.updated, unchanged: r.unchanged, duplicates: r.duplicates, rejected: r.rejected, expired: r.expired, status: r.status },
      seconds, cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)), // this process, all threads (not PostgreSQL)
      startRssMb: mb(start), sampledPeakRssMb: mb(Math.max(sampled, process.memoryUsage().rss)), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      indexJobs: imported?.nearDuplicateIndex?.jobs ?? 0, indexMb: mb(imported?.nearDuplicateIndex?.bytes ?? 0), collections: imported?.collections ?? null,
      load: { mean: Number((loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(2)), max: Number(Math.max(...loads).toFixed(2)) },
    };
  });
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

const jobs = Number(process.argv[2] ?? 100_000);
const base = process.env.DATABASE_URL;
if (!base) {
  console.error('set DATABASE_URL (any database on the server: a fresh one is created and dropped)');
  process.exit(1);
}
const dbName = `matchlab_connectors_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(base);
url.pathname = `/${dbName}`;
process.env.DATABASE_URL = url.toString();
process.env.MATCHLAB_SEED_ON_START = 'false';
process.env.LOG_LEVEL ??= 'warn';

const { runMigrations } = await import('../dist/libs/db/src/index.js');
await runMigrations(process.env.DATABASE_URL);
const { withCliContext } = await import('../dist/apps/cli/src/cli-context.js');
const { ConnectorsCoreModule, SourcesService } = await import('../dist/libs/connectors/src/index.js');
const self = fileURLToPath(import.meta.url);

// Deterministic generator (mulberry32).
let seed = 7;
const rand = () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (a) => a[Math.floor(rand() * a.length)];
const titles = ['Software Engineer', 'Sr. Data Scientist', 'Registered Nurse', 'Account Executive', 'Financial Analyst', 'Warehouse Associate', 'Product Manager', 'DevOps Engineer', 'Sales Representative', 'Line Cook'];
const words = 'team customers build design deliver python javascript sql aws kubernetes excel sales negotiation patient care accounting budgeting react docker growth mentor ship quality data pipeline reporting forecast compliance scheduling inventory logistics communication leadership analytics platform service cloud security training'.split(' ');
const places = [['Austin', 'TX', 'US'], ['Denver', 'CO', 'US'], ['New York', 'NY', 'US'], ['Berlin', '', 'DE'], ['London', '', 'GB'], ['Toronto', 'ON', 'CA']];
const types = ['Full-Time', 'Part-Time', 'Contract', 'Temporary', 'Internship'];

async function writeFeed(path, n) {
  const out = createWriteStream(path);
  const w = async (s) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await w('<?xml version="1.0" encoding="utf-8"?>\n<source>\n<publisher>Bench</publisher>\n');
  for (let i = 0; i < n; i++) {
    const [city, state, country] = pick(places);
    const para = () => Array.from({ length: 20 + Math.floor(rand() * 20) }, () => pick(words)).join(' ');
    const min = Math.round(30 + rand() * 100) * 1000;
    await w(
      `<job><title><![CDATA[${pick(titles)}]]></title><date><![CDATA[${new Date(Date.UTC(2026, 9, 1) + Math.floor(rand() * 40 * 86400000)).toUTCString()}]]></date>` +
        `<referencenumber><![CDATA[REF-${i}]]></referencenumber><url><![CDATA[https://jobs.example/${i}]]></url><company><![CDATA[Company ${Math.floor(rand() * 5000)}]]></company>` +
        `<city><![CDATA[${city}]]></city><state><![CDATA[${state}]]></state><country><![CDATA[${country}]]></country>` +
        `<description><![CDATA[<p>${para()}</p><ul><li>${para()}</li><li>${para()}</li></ul>]]></description>` +
        `<salary><![CDATA[$${min} - $${min + 20000} per year]]></salary><jobtype><![CDATA[${pick(types)}]]></jobtype></job>\n`,
    );
  }
  await w('</source>\n');
  out.end();
  await once(out, 'finish');
}

const dir = tmpdir();
const half = join(dir, `matchlab-feed-${process.pid}-half.xml`);
const full = join(dir, `matchlab-feed-${process.pid}.xml`);
let t = Date.now();
await writeFeed(full, jobs);
seed = 99; // other postings than the full feed (same ones would be cross-source exact duplicates)
await writeFeed(half, Math.floor(jobs / 2));
console.log(`feed: ${jobs} jobs, ${(statSync(full).size / 1e6).toFixed(1)} MB at ${full} (written in ${((Date.now() - t) / 1000).toFixed(1)} s)`);

await withCliContext([ConnectorsCoreModule], async (ctx) => {
  const svc = ctx.get(SourcesService);
  await svc.add({ name: 'bench-half', type: 'xml_feed', file: half }, 'bench');
  await svc.add({ name: 'bench-feed', type: 'xml_feed', file: full }, 'bench');
});
const measured = (source) => {
  const out = execFileSync(process.execPath, [self, '--sync', source], { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop());
};
const result = { h: measured('bench-half'), f: measured('bench-feed'), again: measured('bench-feed') };
rmSync(full, { force: true });
rmSync(half, { force: true });
await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await admin.end();

const line = (label, m) => {
  const run = m.r;
  const rate = Math.round(run.fetched / m.seconds);
  console.log(JSON.stringify({ label, fetched: run.fetched, new: run.new, updated: run.updated, unchanged: run.unchanged, duplicates: run.duplicates, rejected: run.rejected, expired: run.expired, seconds: Number(m.seconds.toFixed(2)), jobsPerSecond: rate, cpuSeconds: m.cpuSeconds, jobsPerCpuSecond: Math.round(run.fetched / m.cpuSeconds), rssStartMb: m.startRssMb, rssPeakMb: m.peakRssMb, sampledPeakRssMb: m.sampledPeakRssMb, indexJobs: m.indexJobs, indexMb: m.indexMb, rssPeakWithoutIndexMb: m.peakRssMb - m.indexMb, collections: m.collections, loadAverage: m.load }));
  return rate;
};
line(`first sync, ${Math.floor(jobs / 2)} jobs`, result.h);
const rate = line(`first sync, ${jobs} jobs`, result.f);
line(`second sync, ${jobs} jobs (unchanged)`, result.again);
const rest = (m) => m.peakRssMb - m.indexMb;
console.log(`${jobs} jobs in ${result.f.seconds.toFixed(1)} s: ${rate} jobs/s ${rate >= 2000 ? '(>= 2,000 target)' : '(BELOW the 2,000 jobs/s target)'}; load average ${result.f.load.mean} (max ${result.f.load.max}) on ${availableParallelism()} cores`);
console.log(`peak RSS ${result.h.peakRssMb} / ${result.f.peakRssMb} / ${result.again.peakRssMb} MB (${Math.floor(jobs / 2)} / ${jobs} / ${jobs} unchanged), of which the near-duplicate index ${result.h.indexMb} / ${result.f.indexMb} / ${result.again.indexMb} MB (${result.h.indexJobs} / ${result.f.indexJobs} / ${result.again.indexJobs} jobs: the feed's and the stored jobs of its companies); everything else ${rest(result.h)} / ${rest(result.f)} / ${rest(result.again)} MB`);
console.log(JSON.stringify({ name: 'connectors-feed', jobs, jobsPerSecond: rate, peakRssMb: result.f.peakRssMb, halfPeakRssMb: result.h.peakRssMb, indexMb: result.f.indexMb, peakRssWithoutIndexMb: rest(result.f), halfPeakRssWithoutIndexMb: rest(result.h), unchangedPeakRssWithoutIndexMb: rest(result.again), unchangedJobsPerSecond: Math.round(result.again.r.fetched / result.again.seconds), loadAverage: result.f.load.mean }));
