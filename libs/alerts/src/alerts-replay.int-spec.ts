import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { SmtpSink, until, WebhookReceiver, type ReceiverScript } from '../../../e2e/support/alert-sinks.js';
import { graphql, loginAsAdmin, graphqlData } from '../../../e2e/support/graphql-client.js';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { ALERT_MAX_ATTEMPTS } from './alert-retry.js';
import { QueueNames } from '@app/queue';
import { AlertsService } from './alerts.service.js';

// Replay of failed deliveries and the owner notice when failures pause a webhook subscription: the API with its
// in-process worker against a fresh database, real HTTP receivers and a real SMTP server in this process. The retry
// schedule is scaled down so that all 8 attempts (5 s … 10 h) take about a second, and the send lease to 3 s.
describe('alert replay and owner notices', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let admin: string;
  let alerts: AlertsService;
  const smtp = new SmtpSink();
  const receivers: WebhookReceiver[] = [];
  let candidate = '';

  const gql = (query: string, vars: Record<string, unknown> = {}, token = admin) => graphql<any>(app, query, vars, token);
  const ok = (query: string, vars: Record<string, unknown> = {}, token = admin) => graphqlData<any>(app, query, vars, token);
  const receiver = async (script: ReceiverScript[]) => {
    const r = await new WebhookReceiver(script).start();
    receivers.push(r);
    return r;
  };
  const addJob = async (title: string) =>
    sql.query(
      `INSERT INTO jobs (source, external_id, title, normalized_title, description, skills, city, country, remote, posted_at, content_hash)
       VALUES ('test', $1::text, $2::text, lower($2::text), 'desc', '{typescript}', 'Berlin', 'DE', false, now() - interval '1 minute', md5($1::text) || '00000000')`,
      [`${title}-${Date.now()}`, title],
    );
  const makeDue = async (subId: string) => {
    await sql.query(`UPDATE alert_subscriptions SET next_due_at = now() WHERE id = $1`, [subId]);
    await alerts.enqueueDue();
  };
  const DELIVERY = 'id status messageId attempts attemptLog { responseStatus error interrupted } lastError replays lastReplayedAt lastReplayedBy interruptedAttempts';
  const deliveriesOf = async (subId: string) => (await ok(`query($f: AlertDeliveryFilter) { alertDeliveries(filter: $f) { ${DELIVERY} } }`, { f: { subscriptionId: subId } })).alertDeliveries as any[];
  const subscribeWebhook = async (url: string, token = admin) =>
    (await ok('mutation($i: SubscribeAlertsInput!) { subscribeAlerts(input: $i) { secret subscription { id } } }', { i: { candidateId: candidate, channel: 'webhook', webhookUrl: url, frequency: 'daily', timeZone: 'UTC' } }, token))
      .subscribeAlerts as { secret: string; subscription: { id: string } };

  beforeAll(async () => {
    await smtp.start();
    db = await createTestDatabase('alerts_replay');
    ({ app, close } = await startInProcessApi(db, { withWorker: true, env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), ALERTS_RETRY_SCALE: '0.00002', ALERTS_WEBHOOK_TIMEOUT_MS: '1000', ALERTS_SEND_LEASE_MS: '3000', ALERTS_FROM: 'Matchlab Alerts <alerts@matchlab.test>' } }));
    alerts = app.get(AlertsService);
    admin = await loginAsAdmin(app);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    candidate = (await sql.query(`INSERT INTO candidates (source, external_id, name, email, time_zone, consent_alerts) VALUES ('test', 'c1', 'Ada', 'ada@example.org', 'UTC', true) RETURNING id::text AS id`)).rows[0].id;
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    for (const r of receivers) await r.close();
    await close?.();
    await db?.drop();
    await smtp.close();
  });

  let failedSub = '';
  let failed: any;
  let secret = '';
  let hook: WebhookReceiver;

  it('every attempt failing: the delivery fails after 8 attempts, the subscription is paused and its owner gets an email over SMTP (recorded)', async () => {
    await addJob('Replay Role');
    hook = await receiver(Array.from({ length: ALERT_MAX_ATTEMPTS }, () => 500));
    const created = await subscribeWebhook(hook.url);
    failedSub = created.subscription.id;
    secret = created.secret;
    await makeDue(failedSub);
    [failed] = await until('failed delivery', () => deliveriesOf(failedSub), (ds) => ds[0]?.status === 'failed', 30_000);
    expect(failed.attempts).toBe(ALERT_MAX_ATTEMPTS);
    expect(failed.attemptLog.map((a: any) => a.responseStatus)).toEqual(Array(ALERT_MAX_ATTEMPTS).fill(500));
    const sub = await alerts.get(failedSub);
    expect(sub.status).toBe('paused');
    expect(sub.statusReason).toBe(`paused after ${ALERT_MAX_ATTEMPTS} failed attempts of alert ${failed.id}: HTTP 500`);

    // The owner is the subscription's creator: the admin who signed in.
    const [notice] = await smtp.waitFor(1, 15_000, (m) => m.to.includes('admin@matchlab.local'));
    expect(notice!.parsed.subject).toBe(`Alert subscription ${failedSub} paused: deliveries failed`);
    expect(notice!.parsed.from?.text).toContain('alerts@matchlab.test');
    expect(notice!.parsed.text).toContain(`Endpoint: ${hook.url}`);
    expect(notice!.parsed.text).toContain(`Reason: ${sub.statusReason}`);
    expect(notice!.parsed.text).toContain(`matchlab alerts replay ${failed.id}`);
    expect(notice!.parsed.html).toContain(`Failed alert delivery: ${failed.id}`);
    const notices = (await ok('query($s: ID!) { alertOwnerNotices(subscriptionId: $s) { status recipient reason deliveryId messageId sentAt } }', { s: failedSub })).alertOwnerNotices;
    expect(notices).toEqual([{ status: 'sent', recipient: 'admin@matchlab.local', reason: sub.statusReason, deliveryId: failed.id, messageId: expect.any(String), sentAt: expect.any(String) }]);
    expect(notice!.messageId).toBe(`<${notices[0].messageId}>`);
    const view = (await ok('query($c: ID!) { alertSubscriptions(candidateId: $c) { id status ownerNotifiedAt } }', { c: candidate })).alertSubscriptions.find((s: any) => s.id === failedSub);
    expect(view.ownerNotifiedAt).not.toBeNull();
  });

  it('replay: refused while the subscription is paused; after resume the same message (same webhook-id) is retried until the fixed endpoint accepts it', async () => {
    const replay = (id: string) => gql(`mutation($id: ID!) { replayAlertDelivery(id: $id) { ${DELIVERY} } }`, { id });
    const paused = await replay(failed.id);
    expect(paused.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'NOT_REPLAYABLE' });
    expect(paused.errors?.[0]?.message).toContain(`subscription ${failedSub} is paused; resume it first`);

    const resumed = await ok('mutation($id: ID!) { resumeAlertSubscription(id: $id) { status statusReason } }', { id: failedSub });
    expect(resumed.resumeAlertSubscription).toEqual({ status: 'active', statusReason: null });
    // The endpoint is "fixed" but flaky: the replay's first attempt fails, the retry succeeds.
    hook.script.push(503);
    const queued = (await replay(failed.id)).data.replayAlertDelivery;
    expect(queued).toMatchObject({ id: failed.id, replays: 1, lastReplayedBy: 'admin@matchlab.local' });
    expect(['retrying', 'sent']).toContain(queued.status);

    const [d] = await until('replayed delivery sent', () => deliveriesOf(failedSub), (ds) => ds[0]?.status === 'sent', 20_000);
    expect(d.id).toBe(failed.id);
    expect(d.attempts).toBe(ALERT_MAX_ATTEMPTS + 2);
    expect(d.attemptLog.map((a: any) => a.responseStatus)).toEqual([...Array(ALERT_MAX_ATTEMPTS).fill(500), 503, 200]);
    expect(d.lastReplayedAt).not.toBeNull();
    expect(hook.requests).toHaveLength(ALERT_MAX_ATTEMPTS + 2);
    expect(new Set(hook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([failed.messageId]));
    expect(new Set(hook.requests.map((r) => r.body)).size).toBe(1);
    const last = hook.requests.at(-1)!;
    expect((new Webhook(secret).verify(last.body, last.headers as Record<string, string>) as any).data.jobs[0].title).toBe('Replay Role');
    expect((await alerts.get(failedSub)).status).toBe('active');

    // Only failed deliveries can be replayed; unknown ids are NOT_FOUND.
    const again = await replay(failed.id);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'NOT_REPLAYABLE' });
    expect(again.errors?.[0]?.message).toBe(`alert delivery ${failed.id} is sent; only failed deliveries can be replayed`);
    expect((await replay('987654')).errors?.[0]?.extensions?.reason).toBe('NOT_FOUND');
    expect((await replay('abc')).errors?.[0]?.extensions?.reason).toBe('NOT_FOUND');
  });

  it('410 Gone from an API key owned by a user: that user is notified', async () => {
    await addJob('Gone Role');
    const ops = (await sql.query(`INSERT INTO users (email, password_hash, role) VALUES ('ops@downstream.example', 'x', 'app') RETURNING id::text AS id`)).rows[0].id;
    const key = (await ok(`mutation { createApiKey(name: "downstream", role: app) { key apiKey { prefix } } }`)).createApiKey;
    await sql.query(`UPDATE api_keys SET user_id = $2 WHERE prefix = $1`, [key.apiKey.prefix, ops]);
    const gone = await receiver([410]);
    const { subscription } = await subscribeWebhook(gone.url, key.key);
    await makeDue(subscription.id);
    await until('gone', () => deliveriesOf(subscription.id), (ds) => ds[0]?.status === 'failed');
    const [mail] = await smtp.waitFor(1, 15_000, (m) => m.to.includes('ops@downstream.example'));
    expect(mail!.parsed.text).toContain('Reason: endpoint answered 410 Gone');
    expect((await alerts.ownerNotices(subscription.id)).map((n) => [n.status, n.recipient])).toEqual([['sent', 'ops@downstream.example']]);
  });

  it('no owner address (created from the CLI): nothing is mailed, the notice is recorded as no_recipient', async () => {
    await addJob('Orphan Role');
    const gone = await receiver([410]);
    const { subscription } = await alerts.subscribe({ candidateId: candidate, channel: 'webhook', webhookUrl: gone.url, frequency: 'daily', timeZone: 'UTC' }, 'cli:root');
    const before = smtp.mails.length;
    await makeDue(subscription.id);
    const [n] = await until('notice', () => alerts.ownerNotices(subscription.id), (ns) => ns[0]?.status === 'no_recipient');
    expect(n).toMatchObject({ recipient: null, error: `no email address is known for the subscription's creator "cli:root"`, reason: 'endpoint answered 410 Gone' });
    expect((await alerts.get(subscription.id)).status).toBe('paused');
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails.length).toBe(before);
  });

  it('an attempt whose run died mid-send is taken over once its in-flight marker is past the lease: logged as interrupted, sent again with the same webhook-id', async () => {
    await addJob('Interrupted Role');
    const r = await receiver([]);
    const { subscription } = await subscribeWebhook(r.url);
    await makeDue(subscription.id);
    const [sent] = await until('sent', () => deliveriesOf(subscription.id), (ds) => ds[0]?.status === 'sent');
    expect(r.requests).toHaveLength(1);
    // As if attempt 2 had just been handed to the endpoint by a run that then died: retrying, marker set now.
    await sql.query(`UPDATE alert_deliveries SET status = 'retrying', sent_at = NULL, finished_at = NULL, next_attempt_at = now(), sending_at = clock_timestamp() WHERE id = $1`, [sent.id]);
    // The dead run's own job, run again (as BullMQ does with a stalled job) while the marker is fresh, stands back.
    const queue = app.get<Queue>(getQueueToken(QueueNames.alerts));
    const job = await queue.add('attempt', { deliveryId: sent.id, attempt: 2 }, { jobId: `alert-attempt-${sent.id}-2` });
    await until('dead run job done', async () => job.getState(), (st) => st === 'completed' || st === 'failed');
    expect((await queue.getJob(job.id!))?.returnvalue).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/^another run has been sending this alert since /) });
    expect(r.requests).toHaveLength(1);
    // Past the 3 s lease, the retry poll takes the attempt over under a job id of its own.
    const [d] = await until('taken over', () => deliveriesOf(subscription.id), (ds) => ds[0]?.status === 'sent' && ds[0]?.interruptedAttempts === 1, 20_000);
    expect(d.attempts).toBe(2);
    expect(d.attemptLog.map((a: any) => [a.responseStatus, a.interrupted])).toEqual([[200, false], [null, true], [200, false]]);
    expect(d.attemptLog[1].error).toMatch(/^interrupted: /);
    expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([sent.messageId, sent.messageId]);
  });
});
