import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import pg from 'pg';
import { SmtpSink, until } from './support/alert-sinks.js';
import { PrivateRedis, postgresUrlOrSkip, redisServerOrSkip } from './support/faults.js';
import { startNode, type RunningProcess } from './support/processes.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

const N = 300;
const SHARDS = 12;
const DOWN_MS = 2000;
const START = new Date('2026-06-01T00:00:00Z');
const CUTOFF = new Date('2026-06-08T00:00:00Z');

/**
 * A private Redis (AOF fsynced on every write, e2e/support/faults.ts) holds the queue of a real worker process (the
 * built dist). It is SIGKILLed while the worker sends a batch of alerts and while it runs the shards of an
 * evaluation, and started again on the same port and data 2 s later. The worker reconnects and the jobs resume:
 * nothing lost, nothing sent or counted twice. The machine's shared Redis is never touched.
 */
describe('fault: Redis restarted during an alert batch and during evaluation jobs (real worker process)', () => {
  const binary = redisServerOrSkip('Redis restart fault test');
  const base = binary ? postgresUrlOrSkip('Redis restart fault test') : undefined;
  const run = !!(binary && base);
  const redis = new PrivateRedis();
  const smtp = new SmtpSink({ parse: false });
  let db: TestDatabase;
  let sql: pg.Client;
  let env: NodeJS.ProcessEnv;
  let worker: RunningProcess | undefined;

  beforeAll(async () => {
    if (!run) return;
    await redis.start();
    await smtp.start();
    db = await createTestDatabase('fault_redis');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    env = appEnv(db, { LOG_LEVEL: 'info', REDIS_URL: redis.url, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_POOL_SIZE: '5', ALERTS_PUBLIC_URL: 'https://alerts.example.test' });
    delete env['QUEUE_DATABASE_URL'];
    worker = startNode(['dist/apps/worker/src/main.js'], env);
    await worker.waitFor(/Matchlab worker ready/, 90_000);
  }, 120_000);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await sql?.end();
    await db?.drop();
    if (run) {
      await smtp.close();
      await redis.stop();
    }
  });

  it(`${N} due email alerts, Redis SIGKILLed at 30% and back ${DOWN_MS / 1000} s later: none lost, none sent twice`, async () => {
    if (!run) return;
    await sql.query(`INSERT INTO companies (name, normalized_name) SELECT 'Company ' || g, 'company ' || g FROM generate_series(1, 10) g`);
    await sql.query(
      `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, country, remote, posted_at, content_hash)
       SELECT 'fault', 'j' || g, 1 + g % 10, 'Engineer ' || g, 'engineer ' || g, 'Build things', '{typescript}', 'Berlin', 'DE', false, now() - (g * interval '1 minute'), md5(g::text) || '00000000'
         FROM generate_series(1, 20) g`,
    );
    await sql.query(`INSERT INTO candidates (source, external_id, name, email, consent_alerts) SELECT 'fault', 'c' || g, 'Candidate ' || g, 'c' || g || '@fault.test', true FROM generate_series(1, $1::int) g`, [N]);
    await sql.query(
      `INSERT INTO alert_subscriptions (candidate_id, channel, email, frequency, send_hour, time_zone, filters, status, next_due_at, created_by)
       SELECT id, 'email', email, 'daily', 9, 'UTC', '{}', 'active', now() - interval '1 second', 'test' FROM candidates WHERE source = 'fault'`,
    );
    const started = Date.now();
    await new Promise<string>((resolve, reject) =>
      execFile('node', ['dist/apps/cli/src/main.js', 'alerts', 'run-due', '--json'], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))),
    );
    await until('30% of the alerts sent', async () => smtp.mails.length, (n) => n >= N * 0.3, 90_000, 5);
    const mailsAtCrash = smtp.mails.length;
    await redis.restart(DOWN_MS);
    const mailsWhileDown = smtp.mails.length - mailsAtCrash;
    const sentCount = async () => (await sql.query(`SELECT count(*) FILTER (WHERE status = 'sent')::int AS n FROM alert_deliveries`)).rows[0].n as number;
    await until('every alert sent after the restart', async () => ({ sent: await sentCount(), recipients: new Set(smtp.mails.flatMap((m) => m.to)).size }), (v) => v.sent === N && v.recipients === N, 90_000, 200);
    await new Promise((r) => setTimeout(r, 1000)); // nothing more arrives late

    const perRecipient = new Map<string, number>();
    for (const m of smtp.mails) for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    const lost = Array.from({ length: N }, (_, i) => `c${i + 1}@fault.test`).filter((a) => !perRecipient.has(a)).length;
    const duplicated = [...perRecipient.values()].filter((n) => n > 1).length;
    const deliveries = (await sql.query(`SELECT count(*)::int AS n, count(DISTINCT subscription_id)::int AS subs, count(*) FILTER (WHERE status = 'sent')::int AS sent FROM alert_deliveries`)).rows[0];
    const ledger = (await sql.query(`SELECT count(*)::int AS n FROM alert_sent_jobs`)).rows[0].n as number;
    const report = {
      injected: { fault: 'redis SIGKILL + restart (AOF, appendfsync always)', downMs: DOWN_MS, atMails: mailsAtCrash, mailsWhileDown },
      alerts: N, mails: smtp.mails.length, lost, duplicated, deliveries, ledgerRows: ledger, workerAlive: worker!.proc.exitCode === null, seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    process.stdout.write(`redis restart fault test (alerts): ${JSON.stringify(report)}\n`);

    expect(mailsAtCrash).toBeLessThan(N);
    expect(worker!.proc.exitCode).toBeNull(); // the worker survived the outage
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(smtp.mails.length).toBe(N);
    expect(deliveries).toEqual({ n: N, subs: N, sent: N });
    expect(ledger).toBe(N * 10);
  }, 180_000);

  it(`an evaluation of ${SHARDS} shards, Redis SIGKILLed mid-run and back ${DOWN_MS / 1000} s later: every shard counted once, metrics equal to an undisturbed run`, async () => {
    if (!run) return;
    // Setup by the CLI (real processes): a simulated market and a trained popularity model.
    const cli = (args: string[]) =>
      new Promise<any>((resolve, reject) =>
        execFile('node', ['dist/apps/cli/src/main.js', ...args, '--json'], { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve(JSON.parse(stdout)))),
      );
    await cli(['simulate', 'market', '--candidates', '200', '--jobs', '300', '--days', '10', '--seed', '7', '--start', START.toISOString().slice(0, 10)]);
    const trained = await cli(['train', '--model', 'pop', '--strategy', 'popularity', '--cutoff', CUTOFF.toISOString(), '--validation-fraction', '0', '--in-process']);
    expect(JSON.stringify(trained)).toMatch(/"completed"/);
    // Queued by the CLI (a real process) on the worker's queue.
    const start = () =>
      new Promise<string>((resolve, reject) =>
        execFile('node', ['dist/apps/cli/src/main.js', 'evaluate', 'run', '--model', 'pop/1', '--k', '5,10', '--shards', String(SHARDS), '--no-attach', '--json'], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
          err ? reject(new Error(stderr)) : resolve(JSON.parse(stdout).id as string),
        ),
      );
    const state = async (id: string) => (await sql.query(`SELECT status, shards_done FROM evaluations WHERE id = $1`, [id])).rows[0] as { status: string; shards_done: number };
    const metrics = async (id: string) => (await sql.query(`SELECT results AS metrics, dataset FROM evaluations WHERE id = $1`, [id])).rows[0];

    const started = Date.now();
    const id = await start();
    const atCrash = await until('a shard completed', () => state(id), (s) => s.shards_done >= 1 || s.status !== 'running' && s.status !== 'queued', 90_000, 5);
    await redis.restart(DOWN_MS);
    const done = await until('the evaluation finished after the restart', () => state(id), (s) => s.status !== 'running' && s.status !== 'queued', 120_000, 200);
    const shards = (await sql.query(`SELECT shard, status, users, done_users FROM evaluation_shards WHERE evaluation_id = $1 ORDER BY shard`, [id])).rows as Array<{ shard: number; status: string; users: number; done_users: number }>;
    const completedLogs = [...worker!.output().matchAll(new RegExp(`shard ${id} shard (\\d+): (\\w+)`, 'g'))];
    const perShard = new Map<number, number>();
    for (const m of completedLogs) if (m[2] === 'completed') perShard.set(Number(m[1]), (perShard.get(Number(m[1])) ?? 0) + 1);
    const faulted = await metrics(id);

    // The same evaluation without a fault, for comparison.
    const ref = await start();
    await until('the reference evaluation finished', () => state(ref), (s) => s.status !== 'running' && s.status !== 'queued', 120_000, 200);
    const reference = await metrics(ref);
    const usersInShards = shards.reduce((a, s) => a + s.users, 0);
    const report = {
      injected: { fault: 'redis SIGKILL + restart (AOF, appendfsync always)', downMs: DOWN_MS, atShardsDone: atCrash.shards_done, shards: SHARDS },
      status: done.status, shardsDone: done.shards_done, shardJobRuns: completedLogs.length, shardsCompletedTwice: [...perShard.values()].filter((n) => n > 1).length,
      users: faulted.dataset?.users, usersInShards, lost: SHARDS - shards.filter((s) => s.status === 'completed').length, duplicated: done.shards_done - SHARDS,
      metricsEqualToUndisturbedRun: JSON.stringify(faulted.metrics) === JSON.stringify(reference.metrics), seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    process.stdout.write(`redis restart fault test (evaluation): ${JSON.stringify(report)}\n`);

    expect(atCrash.status).toBe('running');
    expect(atCrash.shards_done).toBeLessThan(SHARDS);
    expect(done).toEqual({ status: 'completed', shards_done: SHARDS });
    expect(shards.map((s) => s.status)).toEqual(Array(SHARDS).fill('completed'));
    expect(shards.every((s) => s.done_users === s.users)).toBe(true);
    expect(usersInShards).toBe(faulted.dataset.users);
    expect([...perShard.values()].filter((n) => n > 1)).toEqual([]);
    expect(faulted.metrics).toEqual(reference.metrics);
    expect(worker!.proc.exitCode).toBeNull();
  }, 240_000);
});
