import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { until } from './support/alert-sinks.js';
import { postgresUrlOrSkip, seededRandom } from './support/faults.js';
import { startNode, type RunningProcess } from './support/processes.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

const N = 200;
const FAILURE_RATE = 0.3;
/** At most this many failures in a row for one webhook-id, so the retry schedule (8 attempts) is never exhausted. */
const MAX_FAILS_IN_A_ROW = 4;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

type Fault = 'http503' | 'reset' | 'processedThen500';

/**
 * A webhook receiver that fails 30% of the requests (seeded): a third answer 503 before doing anything, a third reset
 * the connection before doing anything, a third process the alert and then answer 500 (the response is "lost": the
 * sender must retry, and the receiver must recognise the retry by its webhook-id). It dedupes on webhook-id, the
 * way Standard Webhooks receivers are told to, and counts everything.
 */
class FlakyReceiver {
  private server!: Server;
  url = '';
  readonly random = seededRandom(12);
  readonly stats = { requests: 0, injected: { http503: 0, reset: 0, processedThen500: 0 } as Record<Fault, number>, ok: 0, badSignature: 0, dedupedRetries: 0, resentAfter2xx: 0 };
  /** webhook-id → how many times it was processed (side effect done); exactly once is the goal. */
  readonly processed = new Map<string, number>();
  /** webhook-id → every body received (must be identical on every attempt). */
  readonly bodies = new Map<string, Set<string>>();
  private readonly acked = new Set<string>();
  private readonly failsInARow = new Map<string, number>();
  private readonly verifier = new Webhook(SECRET.slice('whsec_'.length));

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.stats.requests++;
        const id = String(req.headers['webhook-id'] ?? '');
        (this.bodies.get(id) ?? this.bodies.set(id, new Set()).get(id)!).add(body);
        try {
          this.verifier.verify(body, { 'webhook-id': id, 'webhook-timestamp': String(req.headers['webhook-timestamp']), 'webhook-signature': String(req.headers['webhook-signature']) });
        } catch {
          this.stats.badSignature++;
          res.writeHead(400).end('bad signature');
          return;
        }
        if (this.acked.has(id)) this.stats.resentAfter2xx++;
        const r = this.random();
        const fails = this.failsInARow.get(id) ?? 0;
        const fault: Fault | null = r < FAILURE_RATE && fails < MAX_FAILS_IN_A_ROW ? (['http503', 'reset', 'processedThen500'] as const)[Math.floor((r / FAILURE_RATE) * 3)]! : null;
        this.failsInARow.set(id, fault ? fails + 1 : 0);
        if (fault === 'http503' || fault === 'reset') {
          this.stats.injected[fault]++;
          if (fault === 'reset') req.socket.destroy();
          else res.writeHead(503).end('unavailable');
          return;
        }
        // Process once per webhook-id (the receiver's dedupe); a retry of a processed id is acknowledged without effect.
        if (this.processed.has(id)) this.stats.dedupedRetries++;
        else this.processed.set(id, 1);
        if (fault === 'processedThen500') {
          this.stats.injected.processedThen500++;
          res.writeHead(500).end('lost response');
          return;
        }
        this.stats.ok++;
        this.acked.add(id);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/**
 * A batch of webhook alerts from a real worker process (the built dist) to a receiver that fails 30% of requests:
 * every alert lands exactly once by webhook-id, retries carry the same id and body, nothing is sent again once
 * acknowledged.
 */
describe('fault: a webhook receiver failing 30% of requests (real worker process)', () => {
  const base = postgresUrlOrSkip('webhook fault test');
  let db: TestDatabase;
  let sql: pg.Client;
  let env: NodeJS.ProcessEnv;
  const receiver = new FlakyReceiver();
  let worker: RunningProcess | undefined;

  beforeAll(async () => {
    if (!base) return;
    await receiver.start();
    db = await createTestDatabase('fault_webhook');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(`INSERT INTO companies (name, normalized_name) SELECT 'Company ' || g, 'company ' || g FROM generate_series(1, 10) g`);
    await sql.query(
      `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, country, remote, posted_at, content_hash)
       SELECT 'fault', 'j' || g, 1 + g % 10, 'Engineer ' || g, 'engineer ' || g, 'Build things', '{typescript}', 'Berlin', 'DE', false, now() - (g * interval '1 minute'), md5(g::text) || '00000000'
         FROM generate_series(1, 20) g`,
    );
    await sql.query(`INSERT INTO candidates (source, external_id, name, consent_alerts) SELECT 'fault', 'c' || g, 'Candidate ' || g, true FROM generate_series(1, $1::int) g`, [N]);
    await sql.query(
      `INSERT INTO alert_subscriptions (candidate_id, channel, webhook_url, webhook_secret, frequency, send_hour, time_zone, filters, status, next_due_at, created_by)
       SELECT id, 'webhook', $1, $2, 'daily', 9, 'UTC', '{}', 'active', now() - interval '1 second', 'test' FROM candidates`,
      [receiver.url, SECRET],
    );
    // Retries 1000x faster than production (5 ms, 300 ms, 1.8 s, 7.2 s, …): same code path, same schedule shape.
    env = appEnv(db, { LOG_LEVEL: 'info', ALERTS_RETRY_SCALE: '0.001', ALERTS_WEBHOOK_TIMEOUT_MS: '10000', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await sql?.end();
    await db?.drop();
    if (base) await receiver.close();
  });

  it(`${N} webhook alerts, 30% of requests failed: each lands exactly once by webhook-id`, async () => {
    if (!base) return;
    const started = Date.now();
    worker = startNode(['dist/apps/worker/src/main.js'], env);
    await new Promise<string>((resolve, reject) =>
      execFile('node', ['dist/apps/cli/src/main.js', 'alerts', 'run-due', '--json'], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))),
    );
    await worker.waitFor(/Matchlab worker ready/, 60_000);
    const counts = async () => (await sql.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM alert_deliveries`)).rows[0] as { n: number; sent: number; failed: number };
    await until('every webhook alert sent', counts, (c) => c.sent + c.failed === N && c.n === N, 90_000, 200);
    await new Promise((r) => setTimeout(r, 1000)); // nothing more arrives late

    const deliveries = (await sql.query(`SELECT message_id, status, attempts FROM alert_deliveries`)).rows as Array<{ message_id: string; status: string; attempts: number }>;
    const expected = new Set(deliveries.map((d) => d.message_id));
    const lost = [...expected].filter((id) => !receiver.processed.has(id));
    const processedTwice = [...receiver.processed.values()].filter((n) => n > 1).length;
    const unexpected = [...receiver.processed.keys()].filter((id) => !expected.has(id));
    const injected = Object.values(receiver.stats.injected).reduce((a, b) => a + b, 0);
    const report = {
      alerts: N, requests: receiver.stats.requests, injectedFailures: injected, injectedShare: Math.round((injected / receiver.stats.requests) * 1000) / 1000, ...receiver.stats.injected,
      landed: receiver.processed.size, lost: lost.length, duplicated: processedTwice, dedupedRetries: receiver.stats.dedupedRetries, resentAfter2xx: receiver.stats.resentAfter2xx,
      attemptsMax: Math.max(...deliveries.map((d) => d.attempts)), seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    process.stdout.write(`webhook fault test: ${JSON.stringify(report)}\n`);

    // The fault was injected at about the stated rate (the cap on failures in a row lowers it only slightly).
    expect(injected / receiver.stats.requests).toBeGreaterThan(0.2);
    expect(receiver.stats.badSignature).toBe(0);
    // Exactly once by webhook-id: every alert landed, none twice, none unknown; one delivery per subscription, all sent.
    expect(lost).toEqual([]);
    expect(processedTwice).toBe(0);
    expect(unexpected).toEqual([]);
    expect({ deliveries: deliveries.length, distinctIds: expected.size, sent: deliveries.filter((d) => d.status === 'sent').length }).toEqual({ deliveries: N, distinctIds: N, sent: N });
    // Retries are the same message: one body per webhook-id; nothing is sent again after a 2xx.
    expect([...receiver.bodies.entries()].filter(([, b]) => b.size !== 1)).toEqual([]);
    expect(receiver.stats.resentAfter2xx).toBe(0);
    // A processed-then-500 alert was retried and recognised by its webhook-id.
    expect(receiver.stats.injected.processedThen500).toBeGreaterThan(0);
    expect(receiver.stats.dedupedRetries).toBeGreaterThan(0);
  }, 180_000);
});
