// rankedJobs latency (issue 10 target: p99 < 50 ms at 200 requests/s on 2 cores) against a running API process.
// On a fresh database: the synthetic market (seed 1: 2,000 candidates, 5,000 jobs, 30 days), a model trained and
// promoted to jobs@champion, an `app` API key; then the API is started and autocannon sends a fixed 200 req/s of
// rankedJobs for random candidates (limit 10) for --seconds, after a warm-up; then the same rate from an open-loop client
// that spaces requests evenly (autocannon releases each second's requests in a burst, which its latencies include).
//   node scripts/build.mjs && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
//     node bench/alerts-ranked.bench.mjs [--strategy popularity] [--rate 200] [--seconds 30] [--keep]
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: args } = parseArgs({ options: { strategy: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, keep: { type: 'boolean' } } });
const STRATEGY = args.strategy ?? 'popularity', RATE = Number(args.rate ?? 200), SECONDS = Number(args.seconds ?? 30);
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
const env = { ...process.env, MATCHLAB_DATA_DIR: mkdtempSync(join(tmpdir(), 'matchlab-rankbench-')), DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', MATCHLAB_SEED_ON_START: 'false', NODE_ENV: 'production', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0', PORT: String(PORT), QUEUE_PREFIX: `rankbench${process.pid}`, ALERTS_PUBLIC_URL: 'https://alerts.example.test' };
const cli = (...a) => execFileSync(process.execPath, ['dist/apps/cli/src/main.js', ...a], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const { runMigrations } = await import('../dist/libs/db/src/index.js');
await runMigrations(env.DATABASE_URL);
let t = Date.now();
cli('simulate', 'market', '--seed', '1', '--json');
console.log(`market seeded in ${((Date.now() - t) / 1000).toFixed(1)} s`);
t = Date.now();
const trained = JSON.parse(cli('train', '--model', 'jobs', '--strategy', STRATEGY, '--in-process', '--follow', '--json'));
console.log(`trained jobs (${STRATEGY}) in ${((Date.now() - t) / 1000).toFixed(1)} s: ${JSON.stringify(trained).slice(0, 200)}`);
cli('models', 'promote', 'jobs', '1', '--reason', 'bench', '--json');
const key = JSON.parse(cli('keys', 'create', '--name', 'bench', '--role', 'app', '--json')).key;

const sql = new pg.Client({ connectionString: env.DATABASE_URL });
await sql.connect();
const candidates = (await sql.query(`SELECT id::text AS id FROM candidates ORDER BY id`)).rows.map((r) => r.id);
await sql.end();

const api = spawn(process.execPath, ['dist/apps/api/src/main.js'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok) break;
  } catch {}
  if (i > 300) throw new Error('API did not start');
  await new Promise((r) => setTimeout(r, 200));
}
const query = 'query($c: ID!) { rankedJobs(candidateId: $c, limit: 10) { rankingId modelVersion variant jobs { position score job { id title } } } }';
const body = () => JSON.stringify({ query, variables: { c: candidates[Math.floor(Math.random() * candidates.length)] } });
const run = (seconds, rate) =>
  autocannon({
    url: `http://127.0.0.1:${PORT}/graphql`, method: 'POST', duration: seconds, connections: 20, overallRate: rate,
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  });
const check = await (await fetch(`http://127.0.0.1:${PORT}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: body() })).json();
if (check.errors) throw new Error(JSON.stringify(check.errors));
console.log(`sample answer: model version ${check.data.rankedJobs.modelVersion}, ${check.data.rankedJobs.jobs.length} jobs`);
await run(5, RATE); // warm-up: model load, JIT, pools
const r = await run(SECONDS, RATE);
// autocannon's rate limit releases each second's requests in a burst, so its latencies include queueing behind that
// burst. The same rate as an open-loop client that sends one request every 1000/RATE ms, each timed on its own:
const http = await import('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const send = () =>
  new Promise((resolve, reject) => {
    const b = body();
    const t0 = performance.now();
    const req = http.request({ host: '127.0.0.1', port: PORT, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-api-key': key, 'content-length': Buffer.byteLength(b) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - t0, ok: res.statusCode === 200 }));
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
await paced(5); // warm-up
const evenly = await paced(SECONDS);
const out = { strategy: STRATEGY, rate: RATE, seconds: SECONDS, requests: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, rps: r.requests.average, latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max }, evenlyPaced: evenly, load: loadavg().map((x) => Number(x.toFixed(2))) };
console.log(JSON.stringify(out, null, 2));
api.kill('SIGTERM');
await new Promise((res) => api.once('exit', res));
if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.end();
process.exit(0);
