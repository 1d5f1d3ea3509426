// Alert batch benchmark (issue 10 target: 100,000 daily email subscribers through the batch in < 10 minutes on this
// 2-core machine, SMTP sink local). On a fresh database it seeds N candidates with one daily email subscription each
// (all due now) and a window of new jobs, starts a local SMTP sink and the real worker process(es), queues the due
// subscriptions the way the minutely tick does, and prints progress until every alert is finished.
// With --crash it SIGKILLs the worker(s) at ~40% and starts new ones: afterwards no alert is lost and the sink
// reports how many mails any recipient got more than once.
//   node scripts/build.mjs && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
//     node bench/alerts.bench.mjs [--subscribers 100000] [--jobs 200] [--workers 1] [--crash] [--keep]
import { fork, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: args } = parseArgs({ options: { subscribers: { type: 'string' }, jobs: { type: 'string' }, workers: { type: 'string' }, crash: { type: 'boolean' }, keep: { type: 'boolean' } } });
const N = Number(args.subscribers ?? 100_000), JOBS = Number(args.jobs ?? 200), WORKERS = Number(args.workers ?? 1);
const base = process.env.DATABASE_URL;
if (!base || !process.env.REDIS_URL) {
  console.error('set DATABASE_URL (any database on the server: a fresh one is created) and REDIS_URL');
  process.exit(1);
}
const name = `matchlab_alerts_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
const dbUrl = url.toString();
const { runMigrations } = await import('../dist/libs/db/src/index.js');
await runMigrations(dbUrl);
const sql = new pg.Client({ connectionString: dbUrl });
await sql.connect();

let t = Date.now();
await sql.query(`INSERT INTO companies (name, normalized_name) SELECT 'Company ' || g, 'company ' || g FROM generate_series(1, 50) g`);
await sql.query(
  `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, country, remote, salary_annual_min, salary_annual_max, posted_at, content_hash)
   SELECT 'bench', 'j' || g, 1 + g % 50, 'Engineer ' || g, 'engineer ' || g, 'Build things', '{typescript}', 'Berlin', 'DE', g % 3 = 0, 50000 + g * 10, 70000 + g * 10,
          now() - (g * interval '1 minute'), md5(g::text) || '00000000'
     FROM generate_series(1, $1::int) g`,
  [JOBS],
);
await sql.query(`INSERT INTO candidates (source, external_id, name, email, consent_alerts) SELECT 'bench', 'c' || g, 'Candidate ' || g, 'c' || g || '@bench.test', true FROM generate_series(1, $1::int) g`, [N]);
await sql.query(
  `INSERT INTO alert_subscriptions (candidate_id, channel, email, frequency, send_hour, time_zone, filters, status, next_due_at, created_by)
   SELECT id, 'email', email, 'daily', 9, 'Europe/Berlin', '{}', 'active', now() - interval '1 second', 'bench' FROM candidates`,
);
await sql.query('ANALYZE');
console.log(`seeded ${N.toLocaleString()} candidates with a daily email subscription each and ${JOBS} new jobs in ${((Date.now() - t) / 1000).toFixed(1)} s (database ${name})`);

const sink = fork(new URL('./alerts-smtp-sink.mjs', import.meta.url));
const sinkPort = await new Promise((r) => sink.once('message', (m) => r(m.port)));
const sinkStats = () => new Promise((r) => { sink.once('message', (m) => r(m.stats)); sink.send({ stats: true }); });

const prefix = `alertsbench${process.pid}`;
const env = {
  ...process.env, MATCHLAB_DATA_DIR: mkdtempSync(join(tmpdir(), 'matchlab-alertsbench-')), DATABASE_URL: dbUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', MATCHLAB_SEED_ON_START: 'false', NODE_ENV: 'test',
  AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sinkPort), SMTP_POOL_SIZE: '8', ALERTS_PUBLIC_URL: 'https://alerts.example.test',
};
const workers = [];
const startWorkers = () => {
  for (let i = 0; i < WORKERS; i++) {
    const w = spawn(process.execPath, [...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/apps/worker/src/main.js'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    workers.push(w);
  }
};
startWorkers();

// Queue the due subscriptions as the minutely tick does (the worker's own tick may do it too: job ids make that a no-op).
Object.assign(process.env, env);
const { withCliContext } = await import('../dist/apps/cli/src/cli-context.js');
const { AlertsCoreModule, AlertsService } = await import('../dist/libs/alerts/src/index.js');
t = Date.now();
const started = Date.now();
const queued = await withCliContext([AlertsCoreModule], async (ctx) => ctx.get(AlertsService).enqueueDue());
console.log(`queued ${queued.toLocaleString()} alert jobs in ${((Date.now() - t) / 1000).toFixed(1)} s`);

let crashed = !args.crash;
const finished = async () => (await sql.query(`SELECT status, count(*)::int AS n FROM alert_deliveries GROUP BY status`)).rows;
for (;;) {
  await new Promise((r) => setTimeout(r, 5000));
  const rows = await finished();
  const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const done = (by.sent ?? 0) + (by.empty ?? 0) + (by.suppressed ?? 0) + (by.failed ?? 0);
  const s = (Date.now() - started) / 1000;
  const rate = done / s;
  console.log(`[${s.toFixed(0).padStart(4)} s] ${done.toLocaleString()}/${N.toLocaleString()} finished (${JSON.stringify(by)}) ${rate.toFixed(0)}/s, ETA ${rate > 0 ? ((N - done) / rate).toFixed(0) : '?'} s, load ${loadavg()[0].toFixed(2)}`);
  if (!crashed && done >= N * 0.4) {
    crashed = true;
    console.log(`crash: SIGKILL ${workers.length} worker(s) mid-batch, starting new ones`);
    for (const w of workers.splice(0)) w.kill('SIGKILL');
    startWorkers();
  }
  if (done >= N) break;
}
const elapsed = (Date.now() - started) / 1000;
const stats = await sinkStats();
const ledger = (await sql.query(`SELECT count(*)::int AS n FROM alert_sent_jobs`)).rows[0].n;
const perSub = (await sql.query(`SELECT count(*)::int AS n FROM (SELECT subscription_id FROM alert_deliveries WHERE status = 'sent' GROUP BY subscription_id HAVING count(*) > 1) x`)).rows[0].n;
// Alerts whose SMTP transaction was under way when a worker died (in-flight marker set, sent mark not committed):
// resumed as an interrupted attempt and sent again with the same Message-ID. Duplicates can only come from these.
const interrupted = (await sql.query(`SELECT count(*)::int AS n FROM alert_deliveries WHERE interrupted_attempts > 0`)).rows[0].n;
console.log(JSON.stringify({ subscribers: N, jobsInWindow: JOBS, workers: WORKERS, crash: !!args.crash, seconds: Number(elapsed.toFixed(1)), alertsPerSecond: Number((N / elapsed).toFixed(0)), smtp: stats, sentJobsLedger: ledger, subscriptionsWithTwoSentAlerts: perSub, interruptedDeliveries: interrupted }, null, 2));
console.log(`BENCH_RESULT ${JSON.stringify({ name: 'alerts', subscribers: N, workers: WORKERS, crash: !!args.crash, seconds: Number(elapsed.toFixed(1)), alertsPerSecond: Number((N / elapsed).toFixed(1)), mails: stats.messages, duplicates: stats.duplicates, load: loadavg()[0] })}`);
for (const w of workers) w.kill('SIGTERM');
sink.kill('SIGTERM');
await sql.end();
if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.end();
process.exit(0);
