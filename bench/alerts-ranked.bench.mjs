// rankedJobs latency (issue 10 target: p99 < 50 ms at 200 requests/s on 2 cores) against a running API.
// On a fresh database: the synthetic market (seed 1: 2,000 candidates, 5,000 jobs, 30 days), a model trained and
// promoted to jobs@champion, an `app` API key. Then, for each API process count in --processes (API_PROCESSES):
//   live        — every request ranks through the pipeline (no precomputed lists exist yet);
//   precomputed — after `matchlab alerts precompute` (the nightly job): lists served from the key-value store.
// Each phase: a warm-up, then autocannon at a fixed --rate for --seconds (it releases each second's requests in a
// burst, which its latencies include), then an open-loop client at the same rate with evenly spaced requests, each
// timed on its own. The hit rate of the precomputed phase is counted from ranking_logs (a served precomputed list
// is logged with `precomputedAt`).
//   node scripts/build.mjs && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
//     node bench/alerts-ranked.bench.mjs [--processes 1,2] [--strategy popularity] [--rate 200] [--seconds 30] [--no-precomputed] [--keep]
// Prints a table and a final `BENCH_RESULT {…}` line (npm run bench reads it).
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: args } = parseArgs({
  options: { processes: { type: 'string' }, strategy: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, 'no-precomputed': { type: 'boolean' }, keep: { type: 'boolean' } },
});
const STRATEGY = args.strategy ?? 'popularity', RATE = Number(args.rate ?? 200), SECONDS = Number(args.seconds ?? 30);
const PROCESSES = (args.processes ?? '1,2').split(',').map(Number);
if (PROCESSES.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--processes: comma-separated positive integers');
const base = process.env.DATABASE_URL;
if (!base || !process.env.REDIS_URL) {
  console.error('set DATABASE_URL (any database on the server: a fresh one is created) and REDIS_URL');
  process.exit(1);
}
const name = `matchlab_ranked_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
const PORT = 3900 + (process.pid % 90);
const env = {
  ...process.env, MATCHLAB_DATA_DIR: mkdtempSync(join(tmpdir(), 'matchlab-rankbench-')), DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', MATCHLAB_SEED_ON_START: 'false',
  NODE_ENV: 'production', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0', PORT: String(PORT), QUEUE_PREFIX: `rankbench${process.pid}`, ALERTS_PUBLIC_URL: 'https://alerts.example.test',
  // production requires real keys for personal data at rest: fresh ones for this throw-away database
  PII_KEYS: `bench:${randomBytes(32).toString('base64')}`, PII_INDEX_KEY: randomBytes(32).toString('base64'),
};
const cli = (...a) => execFileSync(process.execPath, ['dist/apps/cli/src/main.js', ...a], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const { runMigrations } = await import('../dist/libs/db/src/index.js');
await runMigrations(env.DATABASE_URL);
let t = Date.now();
cli('simulate', 'market', '--seed', '1', '--json');
console.log(`market seeded in ${((Date.now() - t) / 1000).toFixed(1)} s`);
t = Date.now();
cli('train', '--model', 'jobs', '--strategy', STRATEGY, '--in-process', '--follow', '--json');
console.log(`trained jobs (${STRATEGY}) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
cli('models', 'promote', 'jobs', '1', '--reason', 'bench', '--json');
const key = JSON.parse(cli('keys', 'create', '--name', 'bench', '--role', 'app', '--json')).key;

const sql = new pg.Client({ connectionString: env.DATABASE_URL });
await sql.connect();
const candidates = (await sql.query(`SELECT id::text AS id FROM candidates ORDER BY id`)).rows.map((r) => r.id);

const query = 'query($c: ID!) { rankedJobs(candidateId: $c, limit: 10) { rankingId modelVersion variant jobs { position score job { id title } } } }';
const body = () => JSON.stringify({ query, variables: { c: candidates[Math.floor(Math.random() * candidates.length)] } });
const headers = { 'content-type': 'application/json', 'x-api-key': key };

async function startApi(processes, extraEnv = {}) {
  const api = spawn(process.execPath, ['dist/apps/api/src/main.js'], { env: { ...env, ...extraEnv, API_PROCESSES: String(processes) }, stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok) break;
    } catch {}
    if (i > 300) throw new Error('API did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  if (processes > 1) await new Promise((r) => setTimeout(r, 3000)); // the other processes finish booting
  const check = await (await fetch(`http://127.0.0.1:${PORT}/graphql`, { method: 'POST', headers, body: body() })).json();
  if (check.errors) throw new Error(JSON.stringify(check.errors));
  return api;
}
const stopApi = async (api) => {
  api.kill('SIGTERM');
  await new Promise((res) => api.once('exit', res));
};

const autocannonRun = (seconds) =>
  autocannon({ url: `http://127.0.0.1:${PORT}/graphql`, method: 'POST', duration: seconds, connections: 20, overallRate: RATE, headers, requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] });

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const send = () =>
  new Promise((resolve, reject) => {
    const b = body();
    const t0 = performance.now();
    const req = http.request({ host: '127.0.0.1', port: PORT, path: '/graphql', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(b) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ ms: performance.now() - t0, ok: res.statusCode === 200 && !text.includes('"errors"') }));
    });
    req.on('error', reject);
    req.end(b);
  });
const paced = async (seconds) => {
  const n = RATE * seconds, gap = 1000 / RATE, start = performance.now(), pending = [];
  for (let i = 0; i < n; i++) {
    const wait = start + i * gap - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    pending.push(send());
  }
  const done = await Promise.all(pending);
  const ms = done.map((d) => d.ms).sort((a, b) => a - b);
  const at = (q) => Number(ms[Math.min(n - 1, Math.floor(n * q))].toFixed(1));
  return { requests: n, failed: done.filter((d) => !d.ok).length, rps: Number((n / ((performance.now() - start) / 1000)).toFixed(1)), latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) } };
};

/** Share of rankedJobs lists served from precomputed lists since `since` (ranking_logs, all processes). */
const hitRate = async (since) => {
  await new Promise((r) => setTimeout(r, 1000)); // the ranking log writers flush every 200 ms
  const r = (await sql.query(`SELECT count(*) FILTER (WHERE config ? 'precomputedAt')::int AS hits, count(*)::int AS lists FROM ranking_logs WHERE channel = 'rankedJobs' AND created_at >= $1`, [since])).rows[0];
  return r.lists ? Number((r.hits / r.lists).toFixed(4)) : null;
};

async function phase(label, processes) {
  const since = new Date();
  await autocannonRun(5); // warm-up: model load, JIT, pools, caches
  const cannon = await autocannonRun(SECONDS);
  await paced(5);
  const evenly = await paced(SECONDS);
  const out = {
    phase: label, processes, rate: RATE, seconds: SECONDS,
    autocannon: { requests: cannon.requests.total, non2xx: cannon.non2xx, errors: cannon.errors, timeouts: cannon.timeouts, rps: cannon.requests.average, latencyMs: { p50: cannon.latency.p50, p90: cannon.latency.p90, p99: cannon.latency.p99, max: cannon.latency.max } },
    evenlyPaced: evenly, hitRate: await hitRate(since), load: loadavg().map((x) => Number(x.toFixed(2))),
  };
  console.log(JSON.stringify(out));
  return out;
}

const runs = [];
let precomputed = false;
for (const processes of PROCESSES) {
  // live: RANKED_PRECOMPUTE_TOP_N=1 makes every precomputed list too short for limit 10, so each request ranks live
  let api = await startApi(processes, { RANKED_PRECOMPUTE_TOP_N: '1' });
  runs.push(await phase('live', processes));
  await stopApi(api);
  if (args['no-precomputed']) continue;
  if (!precomputed) {
    t = Date.now();
    const r = JSON.parse(cli('alerts', 'precompute', '--json'));
    console.log(`precomputed ${r.lists} lists (${r.candidates} candidates) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    precomputed = true;
  }
  api = await startApi(processes);
  runs.push(await phase('precomputed', processes));
  await stopApi(api);
}

const fmt = (r) => `${r.phase.padEnd(12)} ${String(r.processes).padStart(3)}  ${String(r.evenlyPaced.rps).padStart(7)}  ${String(r.evenlyPaced.latencyMs.p50).padStart(7)}  ${String(r.evenlyPaced.latencyMs.p99).padStart(7)}  ${String(r.autocannon.latencyMs.p99).padStart(9)}  ${String(r.evenlyPaced.failed + r.autocannon.non2xx + r.autocannon.errors).padStart(6)}  ${r.hitRate ?? '-'}`;
console.log(`\nrankedJobs at ${RATE} req/s for ${SECONDS} s (${STRATEGY}, 2,000 candidates, 5,000 jobs)`);
console.log('phase        API  paced/s  p50 ms  p99 ms  cannon p99  failed  hit rate');
for (const r of runs) console.log(fmt(r));
const pick = (phaseName, processes) => runs.find((r) => r.phase === phaseName && r.processes === processes);
const best = (phaseName) => runs.filter((r) => r.phase === phaseName).sort((a, b) => a.evenlyPaced.latencyMs.p99 - b.evenlyPaced.latencyMs.p99)[0];
const summary = (r) => r && { processes: r.processes, rps: r.evenlyPaced.rps, p50Ms: r.evenlyPaced.latencyMs.p50, p99Ms: r.evenlyPaced.latencyMs.p99, autocannonP99Ms: r.autocannon.latencyMs.p99, failed: r.evenlyPaced.failed + r.autocannon.non2xx + r.autocannon.errors, hitRate: r.hitRate };
console.log(`BENCH_RESULT ${JSON.stringify({
  name: 'alerts-ranked', rate: RATE, seconds: SECONDS, strategy: STRATEGY,
  live1: summary(pick('live', 1)), live2: summary(pick('live', 2)), live: summary(best('live')), precomputed: summary(best('precomputed')), runs: runs.map(summary), load: loadavg().map((x) => Number(x.toFixed(2))),
})}`);
await sql.end();
if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.end();
process.exit(0);
