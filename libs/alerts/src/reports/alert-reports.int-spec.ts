import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { AuthService } from '@app/auth';
import { graphql, loginAsAdmin } from '../../../../e2e/support/graphql-client.js';
import { startInProcessApi } from '../../../../e2e/support/in-process-api.js';
import { createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';

const DAY_MS = 86_400_000;
const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

// The read-only alert reports on a real database: rows are written with SQL as the alert worker writes them.
describe('alert reports (console lists and the PM overview)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let admin: string;
  let analyst: string;
  let sql: pg.Client;
  const subs: string[] = [];
  const deliveries: string[] = [];
  const now = Date.now();
  const today = utcDay(now);
  const yesterday = utcDay(now - DAY_MS);

  const ask = async (token: string, query: string, variables: Record<string, unknown> = {}) => graphql<any>(app, query, variables, token);
  const ok = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
    const res = await ask(token, query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };

  beforeAll(async () => {
    db = await createTestDatabase('alert_reports');
    ({ app, close } = await startInProcessApi(db));
    admin = await loginAsAdmin(app);
    await app.get(AuthService, { strict: false }).createUser('analyst@example.org', 'analyst-password-1', 'analyst');
    analyst = (await graphql<any>(app, 'mutation { login(email: "analyst@example.org", password: "analyst-password-1") { token } }')).data.login.token;
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const company = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme') RETURNING id`)).rows[0].id;
    const job = (await sql.query(
      `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, posted_at, content_hash) VALUES ('t', 'j1', $1, 'Engineer', 'engineer', now(), repeat('a', 40)) RETURNING id::text AS id`,
      [company],
    )).rows[0].id;
    const cand = (await sql.query(`INSERT INTO candidates (source, external_id, name, email, time_zone, consent_alerts) VALUES ('t', 'c1', 'C', 'c1@example.org', 'UTC', true) RETURNING id::text AS id`)).rows[0].id;
    // Subscriptions: email daily active, email weekly paused, webhook instant active, email daily unsubscribed.
    for (const [channel, frequency, status] of [['email', 'daily', 'active'], ['email', 'weekly', 'paused'], ['webhook', 'instant', 'active'], ['email', 'daily', 'unsubscribed']]) {
      const r = await sql.query(
        `INSERT INTO alert_subscriptions (candidate_id, channel, email, webhook_url, webhook_secret, frequency, send_hour, send_weekday, time_zone, status, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, 9, $7, 'UTC', $8, 'test') RETURNING id::text AS id`,
        [cand, channel, channel === 'email' ? 'reader@example.org' : null, channel === 'webhook' ? 'https://hooks.example.org/a' : null, channel === 'webhook' ? 'whsec_x' : null, frequency, frequency === 'weekly' ? 1 : null, status],
      );
      subs.push(r.rows[0].id);
    }
    // Deliveries of subscription 1: control and treatment alerts sent today and yesterday, a failed one, a pending one,
    // and one sent 40 days ago (outside a 30-day overview).
    const rows: Array<[string, number, string | null, string | null, number]> = [
      // status, sentAt, experiment, variant, items
      ['sent', now - DAY_MS, 'exp1', 'control', 3],
      ['sent', now - DAY_MS, 'exp1', 'treatment', 2],
      ['sent', now - 60_000, 'exp1', 'control', 3],
      ['sent', now - 60_000, 'exp1', 'control', 1],
      ['sent', now - 60_000, 'exp1', 'treatment', 2],
      ['sent', now - 60_000, null, null, 4],
      ['failed', now - 60_000, null, null, 0],
      ['pending', now - 60_000, null, null, 0],
      ['sent', now - 40 * DAY_MS, 'exp1', 'control', 3],
    ];
    for (const [i, [status, at, exp, variant, items]] of rows.entries()) {
      const itemList = Array.from({ length: items }, (_, p) => ({ jobId: job, position: p + 1, score: 1 - p / 10, title: 'Engineer', company: 'Acme', location: null }));
      const log = status === 'failed' ? [{ at: new Date(at).toISOString(), status: 500, error: 'HTTP 500', durationMs: 12 }, { at: new Date(at + 5000).toISOString(), status: 503, error: 'HTTP 503', durationMs: 9 }] : [];
      const r = await sql.query(
        `INSERT INTO alert_deliveries (subscription_id, candidate_id, channel, due_at, window_start, window_end, status, message_id, ranking_id, experiment_key, variant, items, attempts, attempt_log, sent_at, created_at)
         VALUES ($1, $2, 'email', $3, $3, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11::jsonb, $12, $3) RETURNING id::text AS id`,
        [subs[0], cand, new Date(at - i), status, `msg_${i}`, `rank-${i}`, exp, variant, JSON.stringify(itemList), log.length, JSON.stringify(log), status === 'sent' ? new Date(at) : null],
      );
      deliveries.push(r.rows[0].id);
    }
    // Clicks and applies through the alerts' ranking ids: delivery 0 (yesterday, control) clicked twice and applied;
    // delivery 2 (today, control) clicked; delivery 4 (today, treatment) applied only; delivery 8 (40 days ago) clicked.
    const events: Array<[number, string]> = [[0, 'click'], [0, 'click'], [0, 'apply'], [2, 'click'], [2, 'impression'], [4, 'apply'], [8, 'click']];
    for (const [n, [d, type]] of events.entries()) {
      await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at, ranking_id, source) VALUES ($1, $2, $3, $4, now(), $5, 'alert')`, [`e${n}`, cand, job, type, `rank-${d}`]);
    }
  }, 300_000); // embedded PGlite boots and migrates slowly on a loaded machine

  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('lists subscriptions newest first with filters by channel, status and frequency, paged with totalCount', async () => {
    const list = async (filter: Record<string, unknown> | null, offset = 0, limit = 50) =>
      (await ok(admin, `query($f: AlertSubscriptionListFilter, $o: Int, $l: Int) { alertSubscriptionList(filter: $f, offset: $o, limit: $l) { totalCount items { id channel frequency status email } } }`, { f: filter, o: offset, l: limit })).alertSubscriptionList;
    const all = await list(null);
    expect(all.totalCount).toBe(4);
    expect(all.items.map((s: any) => s.id)).toEqual([...subs].reverse());
    expect((await list({ channel: 'webhook' })).items.map((s: any) => s.id)).toEqual([subs[2]]);
    expect((await list({ status: 'active' })).items.map((s: any) => s.id)).toEqual([subs[2], subs[0]]);
    expect((await list({ frequency: 'daily', status: 'unsubscribed' })).items.map((s: any) => s.id)).toEqual([subs[3]]);
    const page2 = await list(null, 1, 2);
    expect(page2.totalCount).toBe(4);
    expect(page2.items.map((s: any) => s.id)).toEqual([subs[2], subs[1]]);
    expect(all.items.find((s: any) => s.id === subs[0]).email).toBe('reader@example.org');
    const bad = await ask(admin, `{ alertSubscriptionList(filter: { status: "sleeping" }) { totalCount } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('masks subscription emails for an analyst, who may read but not pause', async () => {
    const list = (await ok(analyst, `{ alertSubscriptionList { items { id email webhookUrl } } }`)).alertSubscriptionList.items;
    expect(list.find((s: any) => s.id === subs[0]).email).toBe('•••');
    expect(list.find((s: any) => s.id === subs[2]).webhookUrl).toBe('https://hooks.example.org/a');
    expect((await ok(analyst, `query($id: ID!) { alertSubscription(id: $id) { email status } }`, { id: subs[1] })).alertSubscription).toEqual({ email: '•••', status: 'paused' });
    const pause = await ask(analyst, `mutation($id: ID!) { updateAlertSubscription(id: $id, input: { status: "paused" }) { status } }`, { id: subs[0] });
    expect(pause.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('pages the delivery log with a status filter and shows one delivery with its attempt log', async () => {
    const log = async (filter: Record<string, unknown> | null, offset = 0, limit = 50) =>
      (await ok(admin, `query($f: AlertDeliveryListFilter, $o: Int, $l: Int) { alertDeliveryLog(filter: $f, offset: $o, limit: $l) { totalCount items { id status variant } } }`, { f: filter, o: offset, l: limit })).alertDeliveryLog;
    const all = await log(null);
    expect(all.totalCount).toBe(9);
    expect(all.items.map((d: any) => d.id)).toEqual([...deliveries].reverse());
    expect((await log({ status: 'failed' })).items.map((d: any) => d.id)).toEqual([deliveries[6]]);
    expect((await log({ status: 'sent' })).totalCount).toBe(7);
    expect((await log({ experimentKey: 'exp1' }, 0, 2)).items.map((d: any) => d.id)).toEqual([deliveries[8], deliveries[4]]);
    const one = (await ok(analyst, `query($id: ID!) { alertDelivery(id: $id) { status attempts lastError attemptLog { responseStatus error durationMs } } }`, { id: deliveries[6] })).alertDelivery;
    expect(one).toMatchObject({ status: 'failed', attempts: 2 });
    expect(one.attemptLog).toEqual([{ responseStatus: 500, error: 'HTTP 500', durationMs: 12 }, { responseStatus: 503, error: 'HTTP 503', durationMs: 9 }]);
    expect((await ask(admin, `{ alertDeliveryLog(filter: { status: "lost" }) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await ask(admin, `{ alertDelivery(id: "999999") { id } }`)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('counts alerts sent, clicked and applied per day and variant over the window (the PM overview)', async () => {
    const o = (await ok(analyst, `{ alertOverview(days: 30) { sent failed activeSubscriptions pausedSubscriptions opensTracked days { day experimentKey variant sent items clicked applied clicks applies } } }`)).alertOverview;
    expect(o).toMatchObject({ sent: 6, failed: 1, activeSubscriptions: 2, pausedSubscriptions: 1, opensTracked: false });
    const row = (day: string, variant: string | null) => o.days.find((d: any) => d.day === day && d.variant === variant);
    expect(row(yesterday, 'control')).toEqual({ day: yesterday, experimentKey: 'exp1', variant: 'control', sent: 1, items: 3, clicked: 1, applied: 1, clicks: 2, applies: 1 });
    expect(row(yesterday, 'treatment')).toEqual({ day: yesterday, experimentKey: 'exp1', variant: 'treatment', sent: 1, items: 2, clicked: 0, applied: 0, clicks: 0, applies: 0 });
    expect(row(today, 'control')).toEqual({ day: today, experimentKey: 'exp1', variant: 'control', sent: 2, items: 4, clicked: 1, applied: 0, clicks: 1, applies: 0 });
    expect(row(today, 'treatment')).toEqual({ day: today, experimentKey: 'exp1', variant: 'treatment', sent: 1, items: 2, clicked: 0, applied: 1, clicks: 0, applies: 1 });
    expect(row(today, null)).toEqual({ day: today, experimentKey: null, variant: null, sent: 1, items: 4, clicked: 0, applied: 0, clicks: 0, applies: 0 });
    expect(o.days).toHaveLength(5); // the 40-day-old alert is outside the window
    expect(o.days.map((d: any) => d.day)).toEqual([yesterday, yesterday, today, today, today]);
    const short = (await ok(admin, `{ alertOverview(days: 1) { sent days { day } } }`)).alertOverview;
    expect(short.sent).toBe(4);
    expect((await ask(admin, `{ alertOverview(days: 0) { sent } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
