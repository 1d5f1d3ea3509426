import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { PiiCipher } from '@app/pii';
import { AlertsService } from './alerts.service.js';
import { verifyAlertWebhook } from './verify.js';

const PUBLIC = 'https://alerts.example.test';

/** A real SMTP server on a free port; keeps the raw message and its parse. */
class SmtpSink {
  readonly mails: Array<{ raw: string; parsed: ParsedMail; to: string[] }> = [];
  private server!: SMTPServer;
  port = 0;
  rejectRecipients = new Set<string>();

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, cb) => (this.rejectRecipients.has(address.address) ? cb(Object.assign(new Error(`550 <${address.address}>: no such user`), { responseCode: 550 })) : cb()),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then((parsed) => {
            this.mails.push({ raw, parsed, to: session.envelope.rcptTo.map((r) => r.address) });
            cb();
          }, cb);
        });
      },
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async waitFor(n: number, timeoutMs = 25_000) {
    const end = Date.now() + timeoutMs;
    while (this.mails.length < n) {
      if (Date.now() > end) throw new Error(`SMTP sink got ${this.mails.length} of ${n} mails`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.mails;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

type Script = number | { status: number; headers?: Record<string, string>; delayMs?: number };

/** A real HTTP receiver: answers with the scripted statuses in order, then 200. */
class Receiver {
  readonly requests: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  private server!: Server;
  url = '';
  constructor(private readonly script: Script[] = []) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body });
        const next = this.script.shift() ?? 200;
        const { status, headers, delayMs } = typeof next === 'number' ? { status: next, headers: {}, delayMs: 0 } : next;
        setTimeout(() => res.writeHead(status, headers ?? {}).end(status >= 400 ? 'no' : 'ok'), delayMs ?? 0);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://localhost:${(this.server.address() as AddressInfo).port}/alerts`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 25_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The API with its in-process worker (scheduler, alerts processor) against a fresh database, a real SMTP server
// and real HTTP receivers in this process.
describe('job alerts', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let admin: string;
  let alerts: AlertsService;
  const smtp = new SmtpSink();
  const receivers: Receiver[] = [];
  const receiver = async (script?: Script[]) => {
    const r = await new Receiver(script).start();
    receivers.push(r);
    return r;
  };
  const gql = (query: string, vars: Record<string, unknown> = {}) => graphql<any>(app, query, vars, admin);
  const ok = async (query: string, vars: Record<string, unknown> = {}) => {
    const res = await gql(query, vars);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  let candidate = '';
  let seq = 0;

  const addJob = async (over: { title?: string; company?: string; city?: string; postedAgoMs?: number; expiresInMs?: number | null; remote?: boolean; salary?: number | null } = {}) => {
    seq += 1;
    const company = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ($1::text, lower($1::text)) ON CONFLICT (normalized_name) DO UPDATE SET name = EXCLUDED.name RETURNING id`, [over.company ?? 'Acme'])).rows[0].id;
    const title = over.title ?? `Engineer ${seq}`;
    const r = await sql.query(
      `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, country, remote, salary_annual_min, salary_annual_max, posted_at, expires_at, content_hash)
       VALUES ('test', $1::text, $2, $3::text, lower($3::text), 'desc', '{typescript}', $4, 'DE', $5, $6, $6, now() - ($7 || ' milliseconds')::interval, $8, md5($1::text) || '00000000') RETURNING id::text AS id`,
      [`j${seq}-${Date.now()}`, company, title, over.city ?? 'Berlin', over.remote ?? false, over.salary ?? 70000, String(over.postedAgoMs ?? 60_000), over.expiresInMs === undefined || over.expiresInMs === null ? null : new Date(Date.now() + over.expiresInMs)],
    );
    return r.rows[0].id as string;
  };
  const makeDue = async (subId: string) => {
    await sql.query(`UPDATE alert_subscriptions SET next_due_at = now() WHERE id = $1`, [subId]);
    await alerts.enqueueDue();
  };
  const deliveriesOf = async (subId: string) => (await ok('query($f: AlertDeliveryFilter) { alertDeliveries(filter: $f) { id status messageId rankingId modelVersion variant items { jobId position title } attempts attemptLog { responseStatus error } lastError } }', { f: { subscriptionId: subId } })).alertDeliveries as any[];
  const subscribe = async (input: Record<string, unknown>) => {
    const res = await gql('mutation($i: SubscribeAlertsInput!) { subscribeAlerts(input: $i) { secret subscription { id status nextDueAt timeZone sendHour filters { keywords remote } } } }', { i: { candidateId: candidate, timeZone: 'Europe/Berlin', frequency: 'daily', sendHour: 8, ...input } });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.subscribeAlerts as { secret: string | null; subscription: { id: string; status: string; nextDueAt: string } };
  };

  beforeAll(async () => {
    await smtp.start();
    db = await createTestDatabase('alerts');
    ({ app, close } = await startInProcessApi(db, { withWorker: true, env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), ALERTS_PUBLIC_URL: PUBLIC, ALERTS_RETRY_SCALE: '0.0002', ALERTS_WEBHOOK_TIMEOUT_MS: '1000' } }));
    alerts = app.get(AlertsService);
    admin = await loginAsAdmin(app);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    candidate = (await sql.query(`INSERT INTO candidates (source, external_id, name, email, time_zone, consent_alerts) VALUES ('test', 'c1', 'Ada Lovelace', 'ada@example.org', 'Europe/Berlin', true) RETURNING id::text AS id`)).rows[0].id;
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    for (const r of receivers) await r.close();
    await close?.();
    await db?.drop();
    await smtp.close();
  });

  it('refuses bad subscriptions with typed codes and creates nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ channel: 'email', email: 'not-an-address' }, 'INVALID_EMAIL'],
      [{ channel: 'email', email: 'a@example.org', timeZone: 'Europe/Nowhere' }, 'UNKNOWN_TIME_ZONE'],
      [{ channel: 'email', email: 'a@example.org', sendHour: 24 }, 'INVALID_SEND_HOUR'],
      [{ channel: 'webhook', webhookUrl: 'http://hooks.example.com/x' }, 'INVALID_WEBHOOK_URL'],
      [{ channel: 'webhook', webhookUrl: 'https://hooks.example.com/x', webhookSecret: 'not-a-secret' }, 'INVALID_INPUT'],
      [{ channel: 'email', email: 'a@example.org', candidateId: '999999' }, 'NOT_FOUND'],
    ];
    for (const [input, reason] of cases) {
      const res = await gql('mutation($i: SubscribeAlertsInput!) { subscribeAlerts(input: $i) { subscription { id } } }', { i: { candidateId: candidate, timeZone: 'Europe/Berlin', frequency: 'daily', ...input } });
      expect({ input, reason: res.errors?.[0]?.extensions?.reason }).toEqual({ input, reason });
    }
    // A malformed payload (wrong type) is refused by GraphQL before any resolver runs.
    const malformed = await gql('mutation { subscribeAlerts(input: { candidateId: "1", channel: "email", email: "a@example.org", frequency: "daily", timeZone: "UTC", sendHour: "nine" }) { subscription { id } } }');
    expect(malformed.errors?.length).toBeGreaterThan(0);
    expect((await sql.query('SELECT count(*)::int AS n FROM alert_subscriptions')).rows[0].n).toBe(0);
  });

  let emailSub = '';
  let clickUrl = '';
  let unsubscribeUrl = '';

  it('sends one email with both parts, tracked links and one-click List-Unsubscribe; only new, live, unsent jobs, near-duplicates collapsed', async () => {
    const a = await addJob({ title: 'Backend Engineer (m/f/d)', company: 'Dup Corp', city: 'Hamburg' });
    const b = await addJob({ title: 'Backend-Engineer', company: 'Dup Corp', city: 'Hamburg' });
    const c = await addJob({ title: 'Data Scientist', company: 'Other' });
    const expired = await addJob({ title: 'Expired Role', expiresInMs: -60_000 });
    const old = await addJob({ title: 'Old Role', postedAgoMs: 3 * 86_400_000 });
    const created = await subscribe({ channel: 'email', email: 'Ada@Example.org' });
    emailSub = created.subscription.id;
    expect(created.secret).toBeNull();
    expect(new Date(created.subscription.nextDueAt).getTime()).toBeGreaterThan(Date.now());

    await makeDue(emailSub);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['ada@example.org']);
    // Header lines may be folded (RFC 5322); unfold before reading them.
    const head = mail!.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    const unsub = /^List-Unsubscribe: <(https:\/\/alerts\.example\.test\/alerts\/u\/[A-Za-z0-9_-]+)>$/m.exec(head);
    expect(unsub).not.toBeNull();
    unsubscribeUrl = unsub![1]!;
    expect(head.match(/^List-Unsubscribe:/gim)).toHaveLength(1);
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(unsubscribeUrl).not.toMatch(/\/u\/\d+$/); // opaque (the token is sealed, see tokens spec)
    const { text, html, subject } = mail!.parsed;
    expect(subject).toMatch(/^2 new jobs for you/);
    for (const part of [text!, html as string]) {
      expect(part).toContain('Data Scientist');
      expect(part).toMatch(/Backend.Engineer/);
      expect(part).not.toContain('Expired Role');
      expect(part).not.toContain('Old Role');
      expect(part).toContain(unsubscribeUrl);
    }
    expect(text).toContain('Hello Ada Lovelace,');
    const links = [...(html as string).matchAll(/href="(https:\/\/alerts\.example\.test\/alerts\/c\/[A-Za-z0-9_-]+)"/g)].map((m) => m[1]!);
    expect(links).toHaveLength(2);
    clickUrl = links[0]!;
    expect(text).toContain(clickUrl);

    const [d] = await until('delivery sent', () => deliveriesOf(emailSub), (ds) => ds[0]?.status === 'sent');
    expect(d.items.map((i: any) => i.position)).toEqual([1, 2]);
    const ids = d.items.map((i: any) => i.jobId).sort();
    expect(ids).toContain(c);
    expect(ids.filter((id: string) => id === a || id === b)).toHaveLength(1);
    expect(ids).not.toContain(expired);
    expect(ids).not.toContain(old);
    expect(d.rankingId).toMatch(/^[0-9a-f-]{36}$/);
    // Exposure: one impression per shown job with the ranking id and position; the ledger holds them; the cursor moved.
    const impressions = (await sql.query(`SELECT job_id::text AS job, position FROM interactions WHERE type = 'impression' AND ranking_id = $1 ORDER BY position`, [d.rankingId])).rows;
    expect(impressions.map((r) => r.position)).toEqual([1, 2]);
    expect((await sql.query(`SELECT count(*)::int AS n FROM alert_sent_jobs WHERE candidate_id = $1`, [candidate])).rows[0].n).toBe(2);
    expect((await sql.query(`SELECT last_sent_at FROM alert_subscriptions WHERE id = $1`, [emailSub])).rows[0].last_sent_at).not.toBeNull();
  });

  it('the same window again sends nothing twice; a new window with no new jobs sends nothing; only the new job goes out next', async () => {
    const [first] = await deliveriesOf(emailSub);
    const due = (await sql.query(`SELECT due_at FROM alert_deliveries WHERE id = $1`, [first.id])).rows[0].due_at as Date;
    expect(await alerts.processAlert(emailSub, due.getTime())).toMatchObject({ outcome: 'skipped' });
    await makeDue(emailSub);
    await until('empty alert', () => deliveriesOf(emailSub), (ds) => ds.length === 2 && ds[0].status === 'empty');
    // Posted after the last successful send (the cursor), and a few ms before the due time: windows end at the due
    // time in whole ms, so a job posted within the due time's own millisecond belongs to the next window.
    const fresh = await addJob({ title: 'Platform Engineer', company: 'New Co', postedAgoMs: 5 });
    await makeDue(emailSub);
    const mails = await smtp.waitFor(2);
    expect(mails).toHaveLength(2);
    const [latest] = await until('second sent', () => deliveriesOf(emailSub), (ds) => ds.length === 3 && ds[0].status === 'sent');
    expect(latest.items.map((i: any) => i.jobId)).toEqual([fresh]);
  });

  it('the click link records a click with ranking id and position, then redirects to the job', async () => {
    const server = app.getHttpServer();
    const res = await request(server).get(new URL(clickUrl).pathname);
    expect(res.status).toBe(302);
    expect(res.headers['location']).toMatch(new RegExp(`^${PUBLIC}/jobs/\\d+$`));
    const [d] = (await deliveriesOf(emailSub)).slice(-1);
    const clicks = (await sql.query(`SELECT job_id::text AS job, position, ranking_id FROM interactions WHERE type = 'click'`)).rows;
    expect(clicks).toEqual([{ job: d.items[0].jobId, position: 1, ranking_id: d.rankingId }]);
    expect((await request(server).get('/alerts/c/forged-token-forged-token-forged-token-forged')).status).toBe(404);
  });

  it('unsubscribe: GET shows a confirmation page and changes nothing; POST unsubscribes with 200 and no redirect', async () => {
    const server = app.getHttpServer();
    const path = new URL(unsubscribeUrl).pathname;
    const page = await request(server).get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post"');
    expect((await alerts.get(emailSub)).status).toBe('active');
    const post = await request(server).post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(post.status).toBe(200);
    expect(post.headers['location']).toBeUndefined();
    expect((await alerts.get(emailSub)).status).toBe('unsubscribed');
    await makeDue(emailSub);
    expect(await alerts.enqueueDue()).toBe(0);
  });

  it('a suppressed address is not mailed; a hard bounce (550) suppresses the address', async () => {
    await addJob({ title: 'Suppressed Role', company: 'S1' });
    await alerts.suppress('blocked@example.org', 'complaint');
    const blocked = (await subscribe({ channel: 'email', email: 'blocked@example.org' })).subscription.id;
    smtp.rejectRecipients.add('bounce@example.org');
    const bouncing = (await subscribe({ channel: 'email', email: 'bounce@example.org' })).subscription.id;
    const before = smtp.mails.length;
    await makeDue(blocked);
    await makeDue(bouncing);
    await until('suppressed', () => deliveriesOf(blocked), (ds) => ds[0]?.status === 'suppressed');
    const [bounced] = await until('bounced', () => deliveriesOf(bouncing), (ds) => ds[0]?.status === 'failed');
    expect(bounced.lastError).toMatch(/550/);
    // the server quoted the recipient: stored without it (last error, attempt log, suppression detail)
    expect(bounced.lastError).toContain('<recipient>');
    expect(JSON.stringify(bounced.attemptLog)).not.toContain('bounce@example.org');
    const pii = app.get(PiiCipher);
    // keyed by blind index, the address only as an envelope
    const entry = (await sql.query(`SELECT reason, email, email_enc, detail FROM alert_suppressions WHERE email_index = $1`, [pii.emailIndex('Bounce@Example.org ')])).rows;
    expect(entry).toEqual([{ reason: 'hard_bounce', email: null, email_enc: expect.stringMatching(/^pii1\./), detail: expect.not.stringContaining('bounce@example.org') }]);
    expect((await sql.query(`SELECT count(*)::int AS n FROM alert_suppressions WHERE email IS NOT NULL`)).rows[0].n).toBe(0);
    expect(await alerts.isSuppressed('BOUNCE@example.org')).toBe(true);
    expect(smtp.mails.length).toBe(before);
  });

  it('webhook: signed per Standard Webhooks, retried on 500, timeout and redirect with the same webhook-id, until a 2xx', async () => {
    await addJob({ title: 'Webhook Role', company: 'W1' });
    const r = await receiver([500, { status: 200, delayMs: 1500 }, { status: 302, headers: { location: 'http://localhost:1/elsewhere' } }, 200]);
    const created = await subscribe({ channel: 'webhook', webhookUrl: r.url });
    expect(created.secret).toMatch(/^whsec_/);
    await makeDue(created.subscription.id);
    const [d] = await until('webhook sent', () => deliveriesOf(created.subscription.id), (ds) => ds[0]?.status === 'sent', 15_000);
    expect(d.attempts).toBe(4);
    expect(d.attemptLog.map((a: any) => a.responseStatus)).toEqual([500, null, 302, 200]);
    expect(d.attemptLog[1].error).toMatch(/timed out/);
    expect(r.requests.length).toBe(4);
    expect(new Set(r.requests.map((q) => q.headers['webhook-id']))).toEqual(new Set([d.messageId]));
    const last = r.requests[3]!;
    const payload = new Webhook(created.secret!).verify(last.body, last.headers as Record<string, string>) as any;
    expect(payload.type).toBe('alert.ready');
    expect(payload.data.rankingId).toBe(d.rankingId);
    expect(payload.data.jobs[0]).toMatchObject({ position: 1, title: 'Webhook Role' });
    expect(verifyAlertWebhook(created.secret!, last.headers, last.body)).toEqual(payload);
    expect(() => verifyAlertWebhook(created.secret!, last.headers, last.body.replace('Webhook Role', 'Forged'))).toThrow();
  });

  it('webhook: 410 Gone fails the delivery and pauses the subscription', async () => {
    await addJob({ title: 'Gone Role', company: 'G1' });
    const r = await receiver([410]);
    const { subscription } = await subscribe({ channel: 'webhook', webhookUrl: r.url });
    await makeDue(subscription.id);
    const [d] = await until('gone', () => deliveriesOf(subscription.id), (ds) => ds[0]?.status === 'failed');
    expect(d.attempts).toBe(1);
    const sub = await alerts.get(subscription.id);
    expect(sub).toMatchObject({ status: 'paused', statusReason: 'endpoint answered 410 Gone' });
  });

  it('pause and resume through updateAlertSubscription; history lists what was sent', async () => {
    const { subscription } = await subscribe({ channel: 'email', email: 'grace@example.org', frequency: 'weekly', sendHour: 7 });
    const paused = await ok('mutation($id: ID!) { updateAlertSubscription(id: $id, input: { status: "paused" }) { status } }', { id: subscription.id });
    expect(paused.updateAlertSubscription.status).toBe('paused');
    const bad = await gql('mutation($id: ID!) { updateAlertSubscription(id: $id, input: { timeZone: "Moon/Base" }) { status } }', { id: subscription.id });
    expect(bad.errors?.[0]?.extensions?.reason).toBe('UNKNOWN_TIME_ZONE');
    const resumed = await gql('mutation($id: ID!) { updateAlertSubscription(id: $id, input: { status: "active", sendHour: 6 }) { status sendHour nextDueAt } }', { id: subscription.id });
    expect(resumed.data.updateAlertSubscription).toMatchObject({ status: 'active', sendHour: 6 });
    const history = await gql('query($c: ID!) { alertHistory(candidateId: $c) { status channel } }', { c: candidate });
    expect(history.data.alertHistory.filter((h: any) => h.status === 'sent').length).toBeGreaterThanOrEqual(3);
  });

  it('Idempotency-Key: a replay returns the first result (marked), a different body with the same key is refused', async () => {
    const post = (query: string, variables: Record<string, unknown>, key: string) =>
      request(app.getHttpServer()).post('/graphql').set('authorization', `Bearer ${admin}`).set('idempotency-key', key).send({ query, variables });
    const q = 'mutation($i: SubscribeAlertsInput!) { subscribeAlerts(input: $i) { subscription { id email } } }';
    const input = { candidateId: candidate, channel: 'email', email: 'idem@example.org', frequency: 'daily', timeZone: 'UTC' };
    const first = await post(q, { i: input }, 'key-1');
    const again = await post(q, { i: input }, 'key-1');
    expect(first.body.errors).toBeUndefined();
    expect(again.body.data).toEqual(first.body.data);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await sql.query(`SELECT count(*)::int AS n FROM alert_subscriptions WHERE email_index = $1 AND email IS NULL`, [app.get(PiiCipher).emailIndex('idem@example.org')])).rows[0].n).toBe(1);
    expect(first.body.data.subscribeAlerts.subscription.email).toBe('idem@example.org');
    const other = await post(q, { i: { ...input, email: 'other@example.org' } }, 'key-1');
    expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNPROCESSABLE_ENTITY', reason: 'IDEMPOTENCY_KEY_REUSED' });
    // A typed error is kept as the first result too.
    const bad = { ...input, email: 'not-an-address' };
    expect((await post(q, { i: bad }, 'key-2')).body.errors?.[0]?.extensions?.reason).toBe('INVALID_EMAIL');
    expect((await post(q, { i: bad }, 'key-2')).body.errors?.[0]?.extensions?.reason).toBe('INVALID_EMAIL');
  });
});
