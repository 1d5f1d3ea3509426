import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PiiCipher } from '@app/pii';
import pg from 'pg';
import { SmtpSink, until, WebhookReceiver } from '../../../../e2e/support/alert-sinks.js';
import { startInProcessApi } from '../../../../e2e/support/in-process-api.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';
import { runCliCaptured } from '../run-cli-captured.js';

// The CLI (run in this process, as `matchlab` would with the same environment) manages alert subscriptions, queues due
// alerts and replays a failed delivery; a worker booted in this process delivers them to a real HTTP receiver and a
// real SMTP server.
describe('matchlab alerts (CLI)', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let candidate = '';
  const smtp = new SmtpSink();
  const hook = new WebhookReceiver([410]);
  const run = (args: string[]) => runCliCaptured(args, env);
  const json = async (args: string[]) => {
    const r = await run([...args, '--json']);
    if (r.code !== 0) throw new Error(`matchlab ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  // Waiting polls the database (each CLI call boots a Nest context); the CLI then shows it.
  const deliveryStatus = async (sub: string) => (await sql.query(`SELECT status FROM alert_deliveries WHERE subscription_id = $1 ORDER BY id DESC LIMIT 1`, [sub])).rows[0]?.status as string | undefined;
  const makeDue = (sub: string) => sql.query(`UPDATE alert_subscriptions SET next_due_at = now() WHERE id = $1`, [sub]);

  beforeAll(async () => {
    await smtp.start();
    await hook.start();
    db = await createTestDatabase('cli_alerts');
    env = appEnv(db);
    ({ close } = await startInProcessApi(db, { withWorker: true, env: { QUEUE_PREFIX: env['QUEUE_PREFIX']!, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), ALERTS_RETRY_SCALE: '0.0001' } }));
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    candidate = (await sql.query(`INSERT INTO candidates (source, external_id, name, email, time_zone, consent_alerts) VALUES ('test', 'c1', 'Ada', 'ada@example.org', 'UTC', true) RETURNING id::text AS id`)).rows[0].id;
    await sql.query(
      `INSERT INTO jobs (source, external_id, title, normalized_title, description, skills, city, country, remote, posted_at, content_hash)
       VALUES ('test', 'j1', 'CLI Engineer', 'cli engineer', 'desc', '{typescript}', 'Berlin', 'DE', false, now() - interval '1 minute', md5('j1') || '00000000')`,
    );
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await hook.close();
    await close?.();
    await db?.drop();
    await smtp.close();
  });

  it('subscribe, run-due, a 410 pauses the webhook (owner unknown: recorded), replay refused until resume, then delivered with the same webhook-id', async () => {
    const sub = await json(['alerts', 'subscribe', '--candidate', candidate, '--webhook-url', hook.url, '--time-zone', 'Europe/Berlin', '--send-hour', '8', '--keywords', 'cli']);
    expect(sub).toMatchObject({ candidateId: candidate, channel: 'webhook', webhookUrl: hook.url, status: 'active', sendHour: 8, timeZone: 'Europe/Berlin', secret: expect.stringMatching(/^whsec_/), filters: { keywords: ['cli'] } });
    expect((await run(['alerts', 'list', '--candidate', candidate])).stdout).toMatch(new RegExp(`^\\s*${sub.id}  active\\s+candidate ${candidate}  webhook ${hook.url}  daily at 08:00 Europe/Berlin`));

    await makeDue(sub.id);
    expect(await json(['alerts', 'run-due'])).toEqual({ queued: 1 });
    await until('failed', () => deliveryStatus(sub.id), (st) => st === 'failed', 60_000, 100);
    const [failed] = await json(['alerts', 'deliveries', '--subscription', sub.id]);
    expect(failed).toMatchObject({ attempts: 1, responseStatus: 410, replays: 0 });
    expect((await sql.query(`SELECT status, status_reason FROM alert_subscriptions WHERE id = $1`, [sub.id])).rows).toEqual([{ status: 'paused', status_reason: 'endpoint answered 410 Gone' }]);
    // Created from the CLI: no owner address is known, which is recorded (and logged) instead of a mail.
    const notices = await json(['alerts', 'notices', sub.id]);
    expect(notices).toEqual([expect.objectContaining({ status: 'no_recipient', recipient: null, reason: 'endpoint answered 410 Gone' })]);

    const refused = await run(['alerts', 'replay', failed.id]);
    expect(refused).toMatchObject({ code: 1, stderr: `matchlab: NOT_REPLAYABLE: alert delivery ${failed.id}: subscription ${sub.id} is paused; resume it first (matchlab alerts resume ${sub.id})\n` });
    expect((await run(['alerts', 'resume', sub.id])).stdout).toMatch(new RegExp(`^subscription ${sub.id} active, next alert \\d{4}-`));
    expect((await run(['alerts', 'replay', failed.id])).stdout).toBe(`delivery ${failed.id} queued again (replay 1, message ${failed.messageId}); a worker delivers it\n`);
    await until('replayed', () => deliveryStatus(sub.id), (st) => st === 'sent', 60_000, 100);
    const human = (await run(['alerts', 'deliveries', '--subscription', sub.id])).stdout;
    expect(human).toMatch(new RegExp(`^\\s*${failed.id}  \\S+  subscription ${sub.id}  webhook sent\\s+attempts 2  items 1  ${failed.messageId}  replays 1\\n$`));
    expect(hook.requests.map((r) => [r.headers['webhook-id'], JSON.parse(r.body).data.jobs[0].title])).toEqual([
      [failed.messageId, 'CLI Engineer'],
      [failed.messageId, 'CLI Engineer'],
    ]);

    expect((await run(['alerts', 'unsubscribe', sub.id])).stdout).toBe(`subscription ${sub.id} unsubscribed\n`);
    expect((await run(['alerts', 'pause', sub.id])).stderr).toBe(`matchlab: CONFLICT: subscription ${sub.id} is unsubscribed; create a new one\n`);
  }, 300_000);

  it('an email subscription made with the CLI is mailed once run-due queues it', async () => {
    // A job the candidate has not been sent yet (the webhook alert above sent the first one).
    await sql.query(
      `INSERT INTO jobs (source, external_id, title, normalized_title, description, skills, city, country, remote, posted_at, content_hash)
       VALUES ('test', 'j2', 'Mail Engineer', 'mail engineer', 'desc', '{typescript}', 'Berlin', 'DE', false, now() - interval '1 minute', md5('j2') || '00000000')`,
    );
    const sub = await json(['alerts', 'subscribe', '--candidate', candidate, '--email', 'cli@example.org', '--frequency', 'weekly', '--weekday', '1', '--quiet', '22-7']);
    expect(sub).toMatchObject({ channel: 'email', email: 'cli@example.org', frequency: 'weekly', sendWeekday: 1, quietStart: 22, quietEnd: 7, secret: null });
    await makeDue(sub.id);
    expect(await json(['alerts', 'run-due'])).toEqual({ queued: 1 });
    const [mail] = await smtp.waitFor(1, 60_000);
    expect(mail!.to).toEqual(['cli@example.org']);
    expect(mail!.parsed.text).toContain('Mail Engineer');
    expect(mail!.parsed.text).not.toContain('CLI Engineer');
  }, 180_000);

  it('names bad input with its code in one line and exits 1', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['alerts', 'subscribe', '--candidate', candidate, '--email', 'not-an-address'], /^matchlab: INVALID_EMAIL: /],
      [['alerts', 'subscribe', '--candidate', candidate, '--email', 'a@example.org', '--time-zone', 'Moon/Base'], /^matchlab: UNKNOWN_TIME_ZONE: /],
      [['alerts', 'subscribe', '--candidate', candidate, '--webhook-url', 'http://hooks.example.com/x'], /^matchlab: INVALID_WEBHOOK_URL: /],
      [['alerts', 'subscribe', '--candidate', candidate, '--email', 'a@example.org', '--webhook-url', 'https://example.com'], /^matchlab: INVALID_INPUT: give exactly one of --email and --webhook-url\n$/],
      [['alerts', 'subscribe', '--candidate', candidate, '--email', 'a@example.org', '--send-hour', 'nine'], /^matchlab: INVALID_INPUT: --send-hour must be an integer/],
      [['alerts', 'replay', '999999'], /^matchlab: NOT_FOUND: alert delivery 999999 not found\n$/],
      [['alerts', 'deliveries', '--limit', '0'], /^matchlab: INVALID_INPUT: --limit must be an integer 1–500, got "0"\n$/],
    ];
    for (const [args, stderr] of cases) {
      const r = await run(args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 1, stderr: expect.stringMatching(stderr) });
    }
    expect((await sql.query(`SELECT count(*)::int AS n FROM alert_subscriptions WHERE email_index = $1 OR email = 'a@example.org'`, [(await PiiCipher.current()).emailIndex('a@example.org')])).rows[0].n).toBe(0);
  }, 240_000);
});
