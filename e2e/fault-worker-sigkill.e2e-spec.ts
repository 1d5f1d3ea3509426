import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { until } from './support/alert-sinks.js';
import { postgresUrlOrSkip } from './support/faults.js';
import { startNode, type RunningProcess } from './support/processes.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

const N = 20;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/**
 * A webhook alert batch whose every job is mid-flight when the worker process is SIGKILLed: the receiver has taken
 * each request (and done its work) but holds the answer. A second worker process retries the dead worker's jobs
 * (BullMQ sees them stalled once their 15 s lock lapses; the in-flight marker is taken over after its 30 s lease); each alert is sent again with the same webhook-id, the
 * receiver dedupes it, and each delivery records the interrupted attempt. e2e/alerts-crash.e2e-spec.ts covers the
 * same fault for a large email batch.
 */
describe('fault: a worker SIGKILLed mid-job (real worker processes)', () => {
  const base = postgresUrlOrSkip('worker SIGKILL fault test');
  let db: TestDatabase;
  let sql: pg.Client;
  let env: NodeJS.ProcessEnv;
  let server: Server;
  let url = '';
  let hold = true;
  const held: ServerResponse[] = [];
  const requests: Array<{ id: string; at: number; worker: 'first' | 'second' }> = [];
  const processed = new Map<string, number>();
  let deduped = 0;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    if (!base) return;
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const id = String(req.headers['webhook-id']);
        requests.push({ id, at: Date.now(), worker: hold ? 'first' : 'second' });
        if (processed.has(id)) deduped++;
        else processed.set(id, 1);
        if (hold) held.push(res); // the work is done; the answer never reaches the first worker
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    db = await createTestDatabase('fault_sigkill');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(
      `INSERT INTO jobs (source, external_id, title, normalized_title, description, skills, city, country, remote, posted_at, content_hash)
       SELECT 'fault', 'j' || g, 'Engineer ' || g, 'engineer ' || g, 'Build things', '{typescript}', 'Berlin', 'DE', false, now() - (g * interval '1 minute'), md5(g::text) || '00000000'
         FROM generate_series(1, 20) g`,
    );
    await sql.query(`INSERT INTO candidates (source, external_id, name, consent_alerts) SELECT 'fault', 'c' || g, 'Candidate ' || g, true FROM generate_series(1, $1::int) g`, [N]);
    await sql.query(
      `INSERT INTO alert_subscriptions (candidate_id, channel, webhook_url, webhook_secret, frequency, send_hour, time_zone, filters, status, next_due_at, created_by)
       SELECT id, 'webhook', $1, $2, 'daily', 9, 'UTC', '{}', 'active', now() - interval '1 second', 'test' FROM candidates`,
      [url, SECRET],
    );
    // A held request must not time out before the kill. An in-flight marker may be taken over 30 s after it was set:
    // longer than it takes to get every alert in flight (else a live worker's held alert is taken over and sent again
    // before the kill, as designed), short enough for the test.
    env = appEnv(db, { LOG_LEVEL: 'info', ALERTS_WEBHOOK_TIMEOUT_MS: '60000', ALERTS_SEND_LEASE_MS: '30000', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await sql?.end();
    await db?.drop();
    if (base) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it(`${N} webhook alert jobs in flight when the worker is SIGKILLed: a new worker retries every one, each lands once by webhook-id`, async () => {
    if (!base) return;
    const started = Date.now();
    const worker = () => {
      const w = startNode(['dist/apps/worker/src/main.js'], env);
      workers.push(w);
      return w;
    };
    const first = worker();
    await new Promise<string>((resolve, reject) =>
      execFile('node', ['dist/apps/cli/src/main.js', 'alerts', 'run-due', '--json'], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))),
    );
    await until('every alert job in flight', async () => requests.length, (n) => n >= N, 90_000, 50).catch((err: Error) => {
      throw new Error(`${err.message}\nworker output:\n${first.output().slice(-3000)}`);
    });
    const inFlight = (await sql.query(`SELECT count(*)::int AS n FROM alert_deliveries WHERE sending_at IS NOT NULL AND status IN ('pending','retrying')`)).rows[0].n as number;
    first.proc.kill('SIGKILL');
    await first.exited();
    const killedAt = Date.now();
    hold = false;
    for (const res of held) res.destroy();

    worker();
    const sent = async () => (await sql.query(`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE interrupted_attempts > 0)::int AS interrupted, count(*)::int AS n FROM alert_deliveries`)).rows[0] as { sent: number; interrupted: number; n: number };
    const done = await until('every alert retried and sent by the second worker', sent, (v) => v.sent === N, 120_000, 200);
    await new Promise((r) => setTimeout(r, 1000));
    const ids = new Set((await sql.query(`SELECT message_id FROM alert_deliveries`)).rows.map((r) => r.message_id as string));
    const retried = new Set(requests.filter((r) => r.worker === 'second').map((r) => r.id));
    const report = {
      injected: { fault: 'worker SIGKILL', jobsInFlightAtKill: inFlight, heldRequests: held.length },
      deliveries: done.n, sent: done.sent, interruptedAndResumed: done.interrupted, retriedByNewWorker: retried.size, requests: requests.length,
      landed: processed.size, lost: [...ids].filter((id) => !processed.has(id)).length, duplicated: [...processed.values()].filter((n) => n > 1).length, dedupedRetries: deduped,
      secondsFromKillToAllSent: Math.round((Date.now() - killedAt) / 100) / 10, seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    process.stdout.write(`worker SIGKILL fault test: ${JSON.stringify(report)}\n`);

    expect(inFlight).toBe(N);
    expect(done).toEqual({ sent: N, interrupted: N, n: N });
    // Every job the dead worker held was retried by the new one, with the same webhook-id.
    expect(retried).toEqual(ids);
    expect(processed.size).toBe(N);
    expect([...ids].filter((id) => !processed.has(id))).toEqual([]);
    expect(deduped).toBe(N);
    expect(requests.length).toBe(2 * N);
  }, 200_000);
});
