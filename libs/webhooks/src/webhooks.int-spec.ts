import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { RegistryService } from '@app/registry';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { verifySignature } from './signing.js';

const RETRY_BASE_MS = 200;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A real HTTP endpoint on a free port: answers with the scripted statuses in order, then 200. */
class Receiver {
  readonly requests: Received[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly script: Array<number | { status: number; headers: Record<string, string> }> = []) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body, at: Date.now() });
        const next = this.script.shift() ?? 200;
        const { status, headers } = typeof next === 'number' ? { status: next, headers: {} } : next;
        res.writeHead(status, headers).end(status >= 400 ? 'receiver says no' : 'ok');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async waitFor(n: number, timeoutMs = 15_000): Promise<Received[]> {
    const end = Date.now() + timeoutMs;
    while (this.requests.length < n) {
      if (Date.now() > end) throw new Error(`receiver got ${this.requests.length} of ${n} requests in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.requests;
  }

  payloads(): Array<{ type: string; timestamp: string; data: Record<string, unknown> }> {
    return this.requests.map((r) => JSON.parse(r.body));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

// The API with its in-process worker (dispatch trigger, webhooks processor) against a fresh database; receivers are
// real HTTP servers in this process. Runs on PostgreSQL + Redis and on embedded PGlite with the Postgres queue.
describe('registry webhooks', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let registry: RegistryService;
  let admin: string;
  let sql: pg.Client;
  const receivers: Receiver[] = [];
  const receiver = async (script?: ConstructorParameters<typeof Receiver>[0]) => {
    const r = await new Receiver(script).start();
    receivers.push(r);
    return r;
  };
  const gql = <T = any>(query: string, vars: Record<string, unknown> = {}, token = admin) => graphql<T>(app, query, vars, token);
  const createWebhook = async (input: Record<string, unknown>) => {
    const res = await gql('mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url events models enabled secretHint } } }', { input });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.createWebhook as { secret: string; webhook: { id: string; url: string; events: string[]; models: string[]; enabled: boolean; secretHint: string } };
  };
  const deliveries = async (webhookId: string) => {
    const res = await gql('query($id: ID!) { webhookDeliveries(webhookId: $id) { id messageId eventType model status attempts responseStatus lastError payload attemptLog { responseStatus error durationMs } finishedAt } }', { id: webhookId });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.webhookDeliveries as any[];
  };
  const waitDeliveries = async (webhookId: string, until: (ds: any[]) => boolean, timeoutMs = 15_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const ds = await deliveries(webhookId);
      if (until(ds)) return ds;
      if (Date.now() > end) throw new Error(`deliveries of webhook ${webhookId} did not reach the state: ${JSON.stringify(ds)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const newVersion = (n: number, ndcg: number) =>
    registry.createVersion('jobs-als', { artifact: Buffer.from(`weights-${n}-${Date.now()}`), artifactFormat: 'test/1', params: { n }, dataset: {}, codeVersion: 'abc', trainingSeconds: 1, metrics: { 'ndcg@10': ndcg }, createdBy: 'test' });

  beforeAll(async () => {
    db = await createTestDatabase('webhooks');
    ({ app, close } = await startInProcessApi(db, { withWorker: true, env: { WEBHOOK_RETRY_BASE_MS: String(RETRY_BASE_MS), WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_TIMEOUT_MS: '3000' } }));
    registry = app.get(RegistryService);
    admin = await loginAsAdmin(app);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await registry.registerModel({ name: 'jobs-als', strategy: 'als', owner: 'test' });
    await newVersion(1, 0.3);
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    for (const r of receivers) await r.close();
    await close?.();
    await db?.drop();
  });

  let promotions: Receiver;
  let promotionsHook: { id: string; secret: string };
  let flaky: Receiver;
  let flakyHook: { id: string; secret: string };

  it('an alias promotion produces one signed delivery that the receiver verifies with its secret', async () => {
    promotions = await receiver();
    const created = await createWebhook({ url: promotions.url, events: ['alias.moved'], description: 'deploy bot' });
    promotionsHook = { id: created.webhook.id, secret: created.secret };
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.webhook).toMatchObject({ url: promotions.url, events: ['alias.moved'], models: [], enabled: true, secretHint: `${created.secret.slice(0, 10)}…` });
    // The secret is shown once: listing gives the hint only.
    const listed = await gql('{ webhooks { id secretHint } }');
    expect(JSON.stringify(listed.data)).not.toContain(created.secret);

    const move = await gql('mutation { setAlias(input: { model: "jobs-als", alias: "champion", version: 1, reason: "first champion" }) { gateReason } }');
    expect(move.errors).toBeUndefined();
    const [req] = await promotions.waitFor(1);
    // Verified by the reference implementation of the spec, and by the recipe in the README.
    const payload = new Webhook(created.secret).verify(req!.body, req!.headers as Record<string, string>) as any;
    expect(verifySignature(created.secret, req!.headers, req!.body)).toBe(true);
    expect(verifySignature(created.secret, req!.headers, req!.body.replace('first champion', 'forged'))).toBe(false);
    expect(payload).toEqual({
      type: 'alias.moved',
      timestamp: expect.any(String),
      data: { eventId: req!.headers['webhook-id'], model: 'jobs-als', alias: 'champion', action: 'set', version: 1, fromVersion: null, toVersion: 1, actor: 'admin@matchlab.local', reason: 'first champion', experimentKey: null },
    });
    expect(req!.headers['webhook-id']).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(Math.abs(Number(req!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(Math.abs(Date.parse(payload.timestamp) - Date.now())).toBeLessThan(60_000);

    const [d] = await waitDeliveries(promotionsHook.id, (ds) => ds[0]?.status === 'succeeded');
    expect(d).toMatchObject({ messageId: req!.headers['webhook-id'], eventType: 'alias.moved', model: 'jobs-als', status: 'succeeded', attempts: 1, responseStatus: 200, lastError: null, payload: req!.body });
    expect(promotions.requests).toHaveLength(1);
  });

  it('a receiver that answers 500 twice then 200 is retried with growing delays and logged with attempts=3', async () => {
    flaky = await receiver([500, 500, 200]);
    const created = await createWebhook({ url: flaky.url });
    flakyHook = { id: created.webhook.id, secret: created.secret };
    await newVersion(2, 0.1);
    const reqs = await flaky.waitFor(3);
    expect(new Set(reqs.map((r) => r.headers['webhook-id'])).size).toBe(1); // the same message id on every retry
    expect(new Set(reqs.map((r) => r.body)).size).toBe(1);
    for (const r of reqs) expect(new Webhook(created.secret).verify(r.body, r.headers as Record<string, string>)).toMatchObject({ type: 'version.created', data: { model: 'jobs-als', version: 2, actor: 'test' } });
    // Exponential backoff: base, then 5 × base (±10% jitter).
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(RETRY_BASE_MS * 0.9);
    expect(reqs[2]!.at - reqs[1]!.at).toBeGreaterThanOrEqual(RETRY_BASE_MS * 5 * 0.9);
    const [d] = await waitDeliveries(flakyHook.id, (ds) => ds[0]?.status === 'succeeded');
    expect(d).toMatchObject({ eventType: 'version.created', status: 'succeeded', attempts: 3, responseStatus: 200, lastError: null });
    expect(d.attemptLog.map((a: any) => [a.responseStatus, a.error])).toEqual([[500, 'HTTP 500: receiver says no'], [500, 'HTTP 500: receiver says no'], [200, null]]);
    // The alias-only subscription did not get the version event.
    expect(promotions.payloads().map((p) => p.type)).toEqual(['alias.moved']);
  });

  it('a disabled subscription gets nothing; event-type and model filters are respected', async () => {
    const disabledRx = await receiver();
    const disabled = await createWebhook({ url: disabledRx.url });
    const off = await gql('mutation($id: ID!) { disableWebhook(id: $id, reason: "maintenance") { enabled disabledReason } }', { id: disabled.webhook.id });
    expect(off.data.disableWebhook).toEqual({ enabled: false, disabledReason: 'disabled by admin@matchlab.local: maintenance' });
    const archivesRx = await receiver();
    const archives = await createWebhook({ url: archivesRx.url, events: ['version.archived'], models: ['jobs-als'] });
    const otherModelRx = await receiver();
    await createWebhook({ url: otherModelRx.url, models: ['other-model'] });

    const archived = await gql('mutation { archiveModelVersion(model: "jobs-als", version: 2) { status } }');
    expect(archived.errors).toBeUndefined();
    const [a] = await archivesRx.waitFor(1);
    expect(new Webhook(archives.secret).verify(a!.body, a!.headers as Record<string, string>)).toMatchObject({ type: 'version.archived', data: { model: 'jobs-als', version: 2, actor: 'admin@matchlab.local' } });
    await flaky.waitFor(4); // the catch-all subscription got the same event: fan-out for it is over

    await newVersion(3, 0.35);
    await gql('mutation { setAlias(input: { model: "jobs-als", alias: "champion", version: 3 }) { gateReason } }');
    await promotions.waitFor(2);
    await flaky.waitFor(6);
    expect(flaky.payloads().slice(3).map((p) => p.type)).toEqual(['version.archived', 'version.created', 'alias.moved']);
    expect(archivesRx.requests).toHaveLength(1);
    expect(disabledRx.requests).toHaveLength(0);
    expect(otherModelRx.requests).toHaveLength(0);
    expect(await deliveries(disabled.webhook.id)).toEqual([]);

    // Enabled again, it receives what happens from then on.
    await gql('mutation($id: ID!) { enableWebhook(id: $id) { enabled } }', { id: disabled.webhook.id });
    await gql('mutation { rollbackAlias(model: "jobs-als", alias: "champion", reason: "regression") { version } }');
    const [back] = await disabledRx.waitFor(1);
    expect(JSON.parse(back!.body)).toMatchObject({ type: 'alias.moved', data: { action: 'rollback', fromVersion: 3, toVersion: 1, reason: 'regression' } });
  });

  it('410 Gone disables the endpoint; a redirect is a failed attempt and is not followed', async () => {
    const gone = await receiver([410]);
    const goneHook = await createWebhook({ url: gone.url, events: ['version.created'] });
    const target = await receiver();
    const redirecting = await receiver([302, 302, 302].map(() => ({ status: 302, headers: { location: target.url } })));
    const redirectHook = await createWebhook({ url: redirecting.url, events: ['version.created'] });
    await newVersion(4, 0.2);
    const [g] = await waitDeliveries(goneHook.webhook.id, (ds) => ds[0]?.status === 'failed');
    expect(g).toMatchObject({ attempts: 1, responseStatus: 410 });
    const hook = await gql('query($id: ID!) { webhook(id: $id) { enabled disabledReason } }', { id: goneHook.webhook.id });
    expect(hook.data.webhook).toEqual({ enabled: false, disabledReason: 'endpoint answered 410 Gone' });
    const [r] = await waitDeliveries(redirectHook.webhook.id, (ds) => ds[0]?.status === 'failed');
    expect(r).toMatchObject({ attempts: 3, responseStatus: 302, lastError: expect.stringContaining('HTTP 302') });
    expect(redirecting.requests).toHaveLength(3);
    expect(target.requests).toHaveLength(0);
  });

  it('events are written in the transaction of the change: a refused promotion records none', async () => {
    const count = async () => Number((await sql.query('SELECT count(*)::int AS n FROM registry_events')).rows[0].n);
    const before = await count();
    const refused = await gql('mutation { setAlias(input: { model: "jobs-als", alias: "champion", version: 4 }) { gateReason } }');
    expect(refused.errors?.[0]?.extensions?.reason).toBe('GATE_REFUSED');
    expect(await count()).toBe(before);
    const types = (await sql.query('SELECT type, count(*)::int AS n FROM registry_events GROUP BY type ORDER BY type')).rows;
    expect(types).toEqual([
      { type: 'alias.moved', n: 3 },
      { type: 'model.registered', n: 1 },
      { type: 'version.archived', n: 1 },
      { type: 'version.created', n: 4 },
    ]);
  });

  it('validates URL, event types and secrets with typed errors, and checks permissions', async () => {
    const bad = async (input: Record<string, unknown>) => (await gql('mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }', { input })).errors?.[0];
    expect(await bad({ url: 'ftp://example.com/x' })).toMatchObject({ message: 'webhook URL must use http or https, got ftp', extensions: { code: 'BAD_USER_INPUT' } });
    expect(await bad({ url: 'https://example.com', events: ['alias.moved', 'alias.deleted'] })).toMatchObject({ message: expect.stringContaining('unknown event type "alias.deleted"'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(await bad({ url: 'https://example.com', secret: 'hunter2' })).toMatchObject({ message: 'secret: the secret must start with whsec_', extensions: { code: 'BAD_USER_INPUT' } });
    const own = await createWebhook({ url: 'https://example.com/own', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    expect(own.secret).toBe('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    await gql('mutation($id: ID!) { disableWebhook(id: $id) { enabled } }', { id: own.webhook.id });
    const missing = await gql('{ webhookDeliveries(webhookId: "999999") { id } }');
    expect(missing.errors?.[0]).toMatchObject({ message: 'webhook 999999 not found', extensions: { code: 'NOT_FOUND' } });

    const key = async (role: string) => (await gql(`mutation { createApiKey(name: "${role}", role: ${role}) { key } }`)).data.createApiKey.key as string;
    const engineer = await key('ml_engineer');
    expect((await gql('{ webhooks { id } }', {}, engineer)).data?.webhooks.length).toBeGreaterThan(0);
    expect((await gql('mutation { createWebhook(input: { url: "https://example.com" }) { secret } }', {}, engineer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql('{ webhooks { id } }', {}, await key('analyst'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(app, '{ webhooks { id } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
