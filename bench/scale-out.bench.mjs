// Scale-out proof (issue 14 item 4): the same evaluation job and the same alert batch run by 1, 2 and 4 real worker
// processes against one PostgreSQL and one Redis. A seed database is built once (a simulated market, a trained
// model, N alert subscribers all due now, a window of new jobs); every configuration gets a fresh copy of it
// (CREATE DATABASE … TEMPLATE) and its own queue prefix, starts W worker processes (dist/apps/worker), queues the
// evaluation (CLI, as a user would) and waits for it, then queues the due alerts (as the minutely tick does) and
// waits until every alert is finished. Printed per configuration: throughput (alerts: first alert taken → last
// finished; evaluation: created → result, split into plan, shard phase and merge), speed-up over the first configuration,
// and a fingerprint of the results that must not depend on W:
//   - evaluation: the stored metrics (values, 95% intervals, user counts) and the dataset fingerprint, exactly
//     (its time is split into plan — one job —, the shard phase, which spreads over the workers, and the merge);
//   - alerts: per subscriber (candidate external id) the delivery status, model, variant and the ordered jobs sent
//     (job external ids with their positions, from the sent-jobs ledger); database ids, message ids and timestamps
//     are left out (they legitimately differ). The SMTP sink's mail count and per-recipient duplicates are checked too.
// Exit code 1 when a fingerprint differs between configurations.
//
//   npm run build   # once, the bench runs dist/
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
//     node bench/scale-out.bench.mjs [--workers 1,2,4] [--size small|full] [--subscribers N] [--shards 8] [--keep]
// --size small (default): 5,000 subscribers, a 2,000-candidate market, an item-knn model; --size full: 100,000
// subscribers, a 6,000-candidate market and an ALS model. --subscribers and --strategy override them.
import { execFile, fork, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string' }, size: { type: 'string' }, subscribers: { type: 'string' }, jobs: { type: 'string' },
    shards: { type: 'string' }, strategy: { type: 'string' }, keep: { type: 'boolean' }, quiet: { type: 'boolean' },
  },
});
const SIZE = args.size ?? 'small';
if (SIZE !== 'small' && SIZE !== 'full') throw new Error('--size is small or full');
const WORKERS = (args.workers ?? '1,2,4').split(',').map(Number);
if (!WORKERS.every((w) => Number.isInteger(w) && w > 0)) throw new Error('--workers is a comma-separated list of positive integers');
const SUBSCRIBERS = Number(args.subscribers ?? (SIZE === 'full' ? 100_000 : 5_000));
const NEW_JOBS = Number(args.jobs ?? 200);
const SHARDS = Number(args.shards ?? 8);
const STRATEGY = args.strategy ?? (SIZE === 'full' ? 'als' : 'item-knn'); // ALS: shards with real ranking work
const MARKET = SIZE === 'full' ? { candidates: 6000, jobs: 6000, days: 21 } : { candidates: 2000, jobs: 3000, days: 21 };
const START = '2026-06-01';
const CUTOFF = '2026-06-15T00:00:00Z';

const base = process.env.DATABASE_URL;
if (!base || !process.env.REDIS_URL) {
  console.error('set DATABASE_URL (any database on the server: fresh ones are created and dropped) and REDIS_URL');
  process.exit(1);
}
if (!existsSync('dist/apps/worker/src/main.js')) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const log = (s) => console.log(s);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const dbUrlFor = (name) => {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
};
const tag = `matchlab_scaleout_${Date.now().toString(36)}`;
const seedDb = `${tag}_seed`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
const created = [];
const running = new Set(); // worker processes, ended on exit and on SIGINT/SIGTERM
const cleanup = async () => {
  for (const w of running) w.kill('SIGKILL');
  if (args.keep) return;
  for (const d of created) await admin.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => {});
  // The configurations' queue keys (one prefix each).
  const redis = new Redis(process.env.REDIS_URL);
  for (const prefix of created.map((d) => `${d}_q:*`)) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', prefix, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  redis.disconnect();
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`${signal}: stopping the workers and dropping the bench databases`);
    void cleanup().finally(() => process.exit(130));
  });
}

const baseEnv = {
  ...process.env, LOG_LEVEL: 'info', MATCHLAB_SEED_ON_START: 'false', NODE_ENV: 'test', WORKER_METRICS_PORT: '0',
  AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0', SMTP_HOST: '127.0.0.1', SMTP_POOL_SIZE: '8', ALERTS_PUBLIC_URL: 'https://alerts.example.test',
  MATCHLAB_DATA_DIR: mkdtempSync(join(tmpdir(), 'matchlab-scaleout-')),
};
const cli = (env, argv) =>
  new Promise((resolve, reject) =>
    execFile(process.execPath, ['dist/apps/cli/src/main.js', ...argv, '--json'], { env: { ...env, LOG_LEVEL: 'warn' }, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`matchlab ${argv.join(' ')}: ${stderr || err.message}`)) : resolve(JSON.parse(stdout)),
    ),
  );

// ---- the seed database (built once) ---------------------------------------------------------------------------------
let t = Date.now();
await admin.query(`CREATE DATABASE ${seedDb}`);
created.push(seedDb);
const { runMigrations } = await import('../dist/libs/db/src/index.js');
await runMigrations(dbUrlFor(seedDb));
{
  const env = { ...baseEnv, DATABASE_URL: dbUrlFor(seedDb), QUEUE_PREFIX: `${seedDb}_q` };
  await cli(env, ['simulate', 'market', '--candidates', String(MARKET.candidates), '--jobs', String(MARKET.jobs), '--days', String(MARKET.days), '--seed', '14', '--start', START]);
  const trained = await cli(env, ['train', '--model', 'scaleout', '--strategy', STRATEGY, '--cutoff', CUTOFF, '--validation-fraction', '0', '--in-process']);
  if (!JSON.stringify(trained).includes('"completed"')) throw new Error(`training did not complete: ${JSON.stringify(trained).slice(0, 500)}`);
  const sql = new pg.Client({ connectionString: dbUrlFor(seedDb) });
  await sql.connect();
  // The alert batch, as bench/alerts.bench.mjs seeds it: N subscribers (daily email, all due now) and a window of new jobs.
  await sql.query(`INSERT INTO companies (name, normalized_name) SELECT 'Bench company ' || g, 'bench company ' || g FROM generate_series(1, 50) g`);
  await sql.query(
    `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, country, remote, salary_annual_min, salary_annual_max, posted_at, content_hash)
     SELECT 'bench', 'j' || g, (SELECT min(id) FROM companies WHERE name LIKE 'Bench company %') + g % 50, 'Engineer ' || g, 'engineer ' || g, 'Build things', '{typescript}', 'Berlin', 'DE', g % 3 = 0,
            50000 + g * 10, 70000 + g * 10, now() - (g * interval '1 minute'), md5(g::text) || '00000000'
       FROM generate_series(1, $1::int) g`,
    [NEW_JOBS],
  );
  await sql.query(`INSERT INTO candidates (source, external_id, name, email, consent_alerts) SELECT 'bench', 'c' || g, 'Candidate ' || g, 'c' || g || '@bench.test', true FROM generate_series(1, $1::int) g`, [SUBSCRIBERS]);
  await sql.query(
    `INSERT INTO alert_subscriptions (candidate_id, channel, email, frequency, send_hour, time_zone, filters, status, next_due_at, created_by)
     SELECT id, 'email', email, 'daily', 9, 'Europe/Berlin', '{}', 'active', '2100-01-01', 'bench' FROM candidates WHERE source = 'bench'`,
  );
  await sql.query('ANALYZE');
  await sql.end();
}
log(`seed database ${seedDb}: market ${MARKET.candidates} candidates / ${MARKET.jobs} jobs / ${MARKET.days} days (seed 14), model scaleout/1 (${STRATEGY}), ${SUBSCRIBERS.toLocaleString()} alert subscribers, ${NEW_JOBS} new jobs, in ${((Date.now() - t) / 1000).toFixed(1)} s; ${cpus().length} cores, load ${load()}`);

// ---- one configuration ------------------------------------------------------------------------------------------
const sink = fork(new URL('./alerts-smtp-sink.mjs', import.meta.url));
const sinkPort = await new Promise((r) => sink.once('message', (m) => r(m.port)));
const sinkStats = () => new Promise((r) => { sink.once('message', (m) => r(m.stats)); sink.send({ stats: true }); });
const sinkReset = () => new Promise((r) => { sink.once('message', () => r()); sink.send({ reset: true }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// CPU seconds (user + system) a process has used, from /proc (Linux); 0 where unavailable.
const CLK_TCK = 100;
const cpuSeconds = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return 0;
  }
};
const workersCpu = (ws) => ws.reduce((a, w) => a + cpuSeconds(w.pid), 0);
// CPU seconds of every PostgreSQL process on this machine (backends, auxiliary processes, and through the
// postmaster's children times the backends that have exited): the database's share of the cores.
const postgresCpu = () => {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes(' (postgres) ')) continue;
      const f = stat.split(') ')[1].split(' ');
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK;
    } catch {
      // the process exited meanwhile
    }
  }
  return total;
};
const sha = (s) => createHash('sha256').update(s).digest('hex');

async function runConfiguration(W) {
  const name = `${tag}_w${W}`;
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${seedDb}`);
  created.push(name);
  const env = { ...baseEnv, DATABASE_URL: dbUrlFor(name), QUEUE_PREFIX: `${name}_q`, SMTP_PORT: String(sinkPort) };
  const sql = new pg.Client({ connectionString: env.DATABASE_URL });
  sql.on('error', () => {}); // an interrupted run drops the database under this connection
  await sql.connect();
  await sinkReset();

  const workers = [];
  const ready = [];
  for (let i = 0; i < W; i++) {
    const w = spawn(process.execPath, ['dist/apps/worker/src/main.js'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    workers.push(w);
    running.add(w);
    w.once('exit', () => running.delete(w));
    ready.push(new Promise((resolve, reject) => {
      let buf = '';
      const onData = (c) => {
        buf += c;
        if (buf.includes('Matchlab worker ready')) { w.stdout.off('data', onData); w.stdout.resume(); resolve(); }
      };
      w.stdout.setEncoding('utf8');
      w.stdout.on('data', onData);
      w.once('exit', (code) => reject(new Error(`worker ${i} exited with ${code} before it was ready`)));
    }));
  }
  await Promise.all(ready);

  // Evaluation: queued by the CLI, sharded over the workers (evaluation concurrency is 1 per process).
  let cpu0 = workersCpu(workers);
  let t0 = Date.now();
  const { id: evalId } = await cli(env, ['evaluate', 'run', '--model', 'scaleout/1', '--k', '5,10,20', '--shards', String(SHARDS), '--no-attach']);
  let ev;
  for (;;) {
    ev = (await sql.query(`SELECT status, error, results, dataset FROM evaluations WHERE id = $1`, [evalId])).rows[0];
    if (ev.status !== 'queued' && ev.status !== 'running') break;
    await sleep(100);
  }
  const evalWallSeconds = (Date.now() - t0) / 1000; // includes the CLI's start (seconds on a loaded machine)
  if (ev.status !== 'completed') throw new Error(`evaluation ${evalId} ended ${ev.status}: ${ev.error}`);
  const shardRows = (await sql.query(`SELECT shard, users, worker, seconds FROM evaluation_shards WHERE evaluation_id = $1 ORDER BY shard`, [evalId])).rows;
  // Phases: plan (one job: read, split, write shard inputs), shards (parallel over the workers), merge (the last shard).
  const phases = (await sql.query(
    `SELECT extract(epoch FROM (SELECT min(started_at) FROM evaluation_shards WHERE evaluation_id = e.id) - e.created_at)::float8 AS plan,
            extract(epoch FROM (SELECT max(finished_at) - min(started_at) FROM evaluation_shards WHERE evaluation_id = e.id))::float8 AS shards,
            extract(epoch FROM e.finished_at - (SELECT max(finished_at) FROM evaluation_shards WHERE evaluation_id = e.id))::float8 AS merge
       FROM evaluations e WHERE e.id = $1`,
    [evalId],
  )).rows[0];
  const evalUsers = shardRows.reduce((a, r) => a + r.users, 0);
  const evalWorkers = new Set(shardRows.map((r) => r.worker)).size;
  const evalPrint = sha(JSON.stringify({ results: ev.results, dataset: ev.dataset?.fingerprint ?? ev.dataset })).slice(0, 12);
  // The evaluation's own time: from its creation to its result (the CLI process start is not part of it).
  const evalSeconds = (await sql.query(`SELECT extract(epoch FROM finished_at - created_at)::float8 AS s FROM evaluations WHERE id = $1`, [evalId])).rows[0].s;
  const shardSeconds = shardRows.map((r) => Number(r.seconds).toFixed(1)).join(' ');
  if (!args.quiet) log(`  W=${W} evaluation: ${SHARDS} shards, ${evalUsers} users in ${evalSeconds.toFixed(1)} s on ${evalWorkers} worker(s): plan ${phases.plan.toFixed(1)} s, shards ${phases.shards.toFixed(1)} s (each ${shardSeconds}), merge ${phases.merge.toFixed(1)} s; load ${load()}`);

  const evalCpu = workersCpu(workers) - cpu0;
  // Alert batch: the subscriptions become due only now (seeded due in 2100, so the workers' boot-time tick does not
  // start the batch during the evaluation), then are queued the way the minutely tick does (job ids make a
  // concurrent tick a no-op).
  await sql.query(`UPDATE alert_subscriptions SET next_due_at = now() - interval '1 second' WHERE created_by = 'bench'`);
  cpu0 = workersCpu(workers);
  const pg0 = postgresCpu(), sink0 = cpuSeconds(sink.pid);
  t0 = Date.now();
  const queued = await enqueueDue(env);
  let lastPrint = Date.now();
  let by = {};
  const loads = [];
  for (;;) {
    await sleep(1000);
    loads.push(loadavg()[0]);
    by = Object.fromEntries((await sql.query(`SELECT status, count(*)::int AS n FROM alert_deliveries GROUP BY status`)).rows.map((r) => [r.status, r.n]));
    const done = (by.sent ?? 0) + (by.empty ?? 0) + (by.suppressed ?? 0) + (by.failed ?? 0);
    if (done >= SUBSCRIBERS) break;
    if (!args.quiet && Date.now() - lastPrint > 15_000) {
      lastPrint = Date.now();
      const s = (Date.now() - t0) / 1000;
      log(`  W=${W} alerts [${s.toFixed(0)} s] ${done.toLocaleString()}/${SUBSCRIBERS.toLocaleString()} (${(done / s).toFixed(0)}/s), load ${load()}`);
    }
  }
  const alertWallSeconds = (Date.now() - t0) / 1000; // includes the enqueueing process's start
  // The batch's own time: from the first alert a worker took to the last one finished.
  const alertSeconds = (await sql.query(`SELECT extract(epoch FROM max(finished_at) - min(created_at))::float8 AS s FROM alert_deliveries`)).rows[0].s;
  const alertCpu = workersCpu(workers) - cpu0;
  const pgCpu = postgresCpu() - pg0, sinkCpu = cpuSeconds(sink.pid) - sink0;
  const smtp = await sinkStats();
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => (w.exitCode !== null ? null : new Promise((r) => w.once('exit', r)))));

  // The alert fingerprint: ordered by the subscriber's external id; no database ids, message ids or times.
  const rows = (await sql.query(
    `SELECT c.external_id AS candidate, d.status, d.model_ref, d.model_version, d.experiment_key, d.variant,
            coalesce(string_agg(j.external_id || '@' || s.position, ',' ORDER BY s.position), '') AS sent
       FROM alert_deliveries d
       JOIN candidates c ON c.id = d.candidate_id
       LEFT JOIN alert_sent_jobs s ON s.delivery_id = d.id
       LEFT JOIN jobs j ON j.id = s.job_id
      GROUP BY d.id, c.external_id
      ORDER BY c.external_id, d.id`,
  )).rows;
  const ledger = (await sql.query(`SELECT count(*)::int AS n FROM alert_sent_jobs`)).rows[0].n;
  const alertPrint = sha(rows.map((r) => [r.candidate, r.status, r.model_ref, r.model_version, r.experiment_key, r.variant, r.sent].join('|')).join('\n')).slice(0, 12);
  await sql.end();
  return {
    workers: W, evalCpu, alertCpu, pgCpu, sinkCpu, evalSeconds, evalWallSeconds, alertWallSeconds, evalUsers, evalShards: SHARDS, evalWorkers, evalPrint, evalPhases: phases,
    alertSeconds, queued, alerts: rows.length, deliveries: by, ledger, smtp, alertPrint, load: loads.reduce((a, l) => a + l, 0) / Math.max(1, loads.length),
  };
}

// Queue the due alerts in a short-lived process with the configuration's env (what the minutely tick runs).
const enqueueDue = (env) =>
  new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', `
      const { withCliContext } = await import(${JSON.stringify(new URL('../dist/apps/cli/src/cli-context.js', import.meta.url).href)});
      const { AlertsCoreModule, AlertsService } = await import(${JSON.stringify(new URL('../dist/libs/alerts/src/index.js', import.meta.url).href)});
      const n = await withCliContext([AlertsCoreModule], (ctx) => ctx.get(AlertsService).enqueueDue());
      process.stdout.write(String(n));
      process.exit(0);`], { env: { ...env, LOG_LEVEL: 'warn' }, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`enqueueDue: ${stderr || err.message}`)) : resolve(Number(stdout.trim().split('\n').pop())))),
  );

const results = [];
try {
  for (const W of WORKERS) {
    log(`W=${W}: starting ${W} worker process(es), load ${load()}`);
    const r = await runConfiguration(W);
    results.push(r);
    log(`W=${W} done: ${r.alerts.toLocaleString()} alerts in ${r.alertSeconds.toFixed(1)} s (${(r.alerts / r.alertSeconds).toFixed(1)}/s; CPU-s: workers ${r.alertCpu.toFixed(1)}, PostgreSQL ${r.pgCpu.toFixed(1)}, SMTP sink ${r.sinkCpu.toFixed(1)}), evaluation ${r.evalSeconds.toFixed(1)} s (shards ${r.evalPhases.shards.toFixed(1)} s), mean load ${r.load.toFixed(2)}, fingerprint ${r.evalPrint}/${r.alertPrint}`);
  }
} finally {
  sink.kill('SIGTERM');
  await cleanup();
  await admin.end();
}

const first = results[0];
const pad = (s, n) => String(s).padStart(n);
log('');
log(`scale-out: ${SUBSCRIBERS.toLocaleString()} alerts and an evaluation of ${first.evalUsers.toLocaleString()} users in ${SHARDS} shards (${STRATEGY}), ${cpus().length} cores`);
log(`${pad('W', 2)} | ${pad('alerts/s', 9)} | ${pad('speed-up', 8)} | ${pad('alerts s', 8)} | ${pad('eval s', 7)} | ${pad('users/s', 8)} | ${pad('speed-up', 8)} | ${pad('shards s', 8)} | ${pad('speed-up', 8)} | ${pad('load', 5)} | ${pad('alerts/CPU-s', 12)} | fingerprint (eval/alerts)`);
for (const r of results) {
  const aps = r.alerts / r.alertSeconds;
  log(`${pad(r.workers, 2)} | ${pad(aps.toFixed(0), 9)} | ${pad((r.alerts / r.alertSeconds / (first.alerts / first.alertSeconds)).toFixed(2) + 'x', 8)} | ${pad(r.alertSeconds.toFixed(1), 8)} | ${pad(r.evalSeconds.toFixed(1), 7)} | ${pad((r.evalUsers / r.evalSeconds).toFixed(0), 8)} | ${pad((first.evalSeconds / r.evalSeconds).toFixed(2) + 'x', 8)} | ${pad(r.evalPhases.shards.toFixed(1), 8)} | ${pad((first.evalPhases.shards / r.evalPhases.shards).toFixed(2) + 'x', 8)} | ${pad(r.load.toFixed(2), 5)} | ${pad(r.alertCpu > 0 ? (r.alerts / r.alertCpu).toFixed(0) : '-', 12)} | ${r.evalPrint}/${r.alertPrint}`);
}
const identical = results.every((r) => r.evalPrint === first.evalPrint && r.alertPrint === first.alertPrint && r.alerts === SUBSCRIBERS && r.smtp.duplicates === 0);
log(identical ? 'results identical for every worker count (evaluation metrics, alerts sent per subscriber, no duplicate mail)' : 'RESULTS DIFFER between worker counts (see the fingerprints and the JSON line)');
console.log(JSON.stringify({
  name: 'scale-out', size: SIZE, subscribers: SUBSCRIBERS, evaluationShards: SHARDS, strategy: STRATEGY, cores: cpus().length, identical,
  configurations: results.map((r) => ({
    workers: r.workers, alertsPerSecond: Number((r.alerts / r.alertSeconds).toFixed(1)), alertSeconds: Number(r.alertSeconds.toFixed(1)),
    alertSpeedup: Number((r.alerts / r.alertSeconds / (first.alerts / first.alertSeconds)).toFixed(2)),
    evalSeconds: Number(r.evalSeconds.toFixed(1)), evalWallSeconds: Number(r.evalWallSeconds.toFixed(1)), alertWallSeconds: Number(r.alertWallSeconds.toFixed(1)), evalUsersPerSecond: Number((r.evalUsers / r.evalSeconds).toFixed(1)), evalSpeedup: Number((first.evalSeconds / r.evalSeconds).toFixed(2)),
    evalPlanSeconds: Number(r.evalPhases.plan.toFixed(2)), evalShardPhaseSeconds: Number(r.evalPhases.shards.toFixed(2)), evalMergeSeconds: Number(r.evalPhases.merge.toFixed(2)),
    evalShardPhaseSpeedup: Number((first.evalPhases.shards / r.evalPhases.shards).toFixed(2)),
    evalUsers: r.evalUsers, evalWorkersUsed: r.evalWorkers, evalFingerprint: r.evalPrint, alertFingerprint: r.alertPrint,
    // CPU seconds the worker processes used (user + system): alerts per CPU-second is what a worker delivers when it
    // has a core to itself, so it shows per-process efficiency even when other load takes the machine's cores.
    alertWorkerCpuSeconds: Number(r.alertCpu.toFixed(1)), alertsPerWorkerCpuSecond: r.alertCpu > 0 ? Number((r.alerts / r.alertCpu).toFixed(1)) : null,
    evalWorkerCpuSeconds: Number(r.evalCpu.toFixed(1)),
    // Where the alert batch's CPU went (workers, PostgreSQL, the SMTP sink) and what that allows on these cores: at
    // cpuMsPerAlert of CPU per alert, the cores can carry at most cores / cpuMsPerAlert × 1000 alerts/s.
    alertPostgresCpuSeconds: Number(r.pgCpu.toFixed(1)), alertSinkCpuSeconds: Number(r.sinkCpu.toFixed(1)),
    cpuMsPerAlert: Number((((r.alertCpu + r.pgCpu + r.sinkCpu) / r.alerts) * 1000).toFixed(2)),
    coresCeilingAlertsPerSecond: r.alertCpu + r.pgCpu + r.sinkCpu > 0 ? Number(((cpus().length * r.alerts) / (r.alertCpu + r.pgCpu + r.sinkCpu)).toFixed(1)) : null,
    deliveries: r.deliveries, ledgerRows: r.ledger, smtp: r.smtp, load1DuringAlerts: Number(r.load.toFixed(2)),
  })),
}));
process.exit(identical ? 0 : 1);
