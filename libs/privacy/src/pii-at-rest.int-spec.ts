import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AlertsService } from '@app/alerts';
import { ComputeService } from '@app/features';
import { ImportService, normalizeText } from '@app/ingest';
import { CandidateService } from '@app/market';
import { PiiCipher } from '@app/pii';
import { SimulatorService } from '@app/simulator';
import { SnapshotService } from '@app/training';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AlertEmailEncryption1764201000000 } from '../../../migrations/1764201000000-AlertEmailEncryption.js';
import { runCliCaptured } from '../../../apps/cli/src/run-cli-captured.js';
import { SmtpSink } from '../../../e2e/support/alert-sinks.js';
import { graphql, graphqlData, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { ErasureService } from './erasure.service.js';
import { PiiMaintenanceService } from './pii-maintenance.service.js';

const RUN = String(Date.now() % 100_000).padStart(5, '0');
const NAME = `Ottoline Cryptwell ${RUN}`;
const EMAIL = `ottoline.cryptwell.${RUN}@pii.example`;
const RESUME = `Ottoline builds quaternionic xylographs ${RUN} in Rust and Postgres.`;
const LEGACY_NAME = `Legacy Plainman ${RUN}`;
const LEGACY_EMAIL = `legacy.plainman.${RUN}@pii.example`;
const LEGACY_RESUME = `Legacy resume zymurgical ${RUN}`;
const SUB_EMAIL = `ottoline.alerts.${RUN}@pii.example`;
const BAD_EMAIL = `ottoline.invalid.${RUN}@pii`;
const SUPPRESSED_EMAIL = `ottoline.bounced.${RUN}@pii.example`;
const NEEDLES = [NAME, EMAIL, RESUME, LEGACY_NAME, LEGACY_EMAIL, LEGACY_RESUME, 'xylographs', 'zymurgical', SUB_EMAIL, BAD_EMAIL, SUPPRESSED_EMAIL].map((s) => s.toLowerCase());

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const K1 = `k1:${key(11)}`;
const K2 = `k2:${key(22)}`;

/** Every text-like column of every public table that contains one of the needles (plaintext PII). */
async function scanPlaintext(sql: pg.Client): Promise<{ hits: string[]; columns: number }> {
  const cols = (await sql.query(
    `SELECT c.table_name AS t, c.column_name AS c FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`,
  )).rows as Array<{ t: string; c: string }>;
  const hits: string[] = [];
  for (const { t, c } of cols) {
    const n = (await sql.query(`SELECT count(*)::int AS n FROM "${t}" WHERE ${NEEDLES.map((_, i) => `strpos(lower("${c}"::text), $${i + 1}) > 0`).join(' OR ')}`, NEEDLES)).rows[0].n as number;
    if (n > 0) hits.push(`${t}.${c}`);
  }
  return { hits, columns: cols.length };
}

/**
 * PII at rest, end to end on a real database: written through the normal paths (import, simulator), read back through
 * GraphQL (admin: plaintext; analyst: masked), the feature store, the training snapshot and the export; legacy rows
 * encrypted by `encrypt-existing`; key rotation with the CLI, the old key removed, and the typed errors.
 */
describe('candidate PII encrypted at rest (envelopes, blind index, rotation)', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let admin: string;
  let id: string;
  let legacyId: string;
  let subId: string;
  let legacySubId: string;
  const smtp = new SmtpSink();

  const cli = (args: string[], keys: string) => runCliCaptured(args, { ...env, PII_KEYS: keys });

  beforeAll(async () => {
    await smtp.start();
    db = await createTestDatabase('pii_at_rest');
    env = appEnv(db, { PII_KEYS: K1, PII_INDEX_KEY: key(33) });
    ({ app, close } = await startInProcessApi(db, { env: { QUEUE_PREFIX: env['QUEUE_PREFIX']!, PII_KEYS: K1, PII_INDEX_KEY: key(33), SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) } }));
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    admin = await loginAsAdmin(app);
  }, 180_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
    await smtp.close();
  });

  it('the import and the simulator store envelopes, a blind index and a keyed content hash: no plaintext name, email or resume anywhere', async () => {
    const imports = app.get(ImportService);
    const c = await imports.importBatch('candidates', [{ external_id: 'ott-1', name: NAME, email: EMAIL.toUpperCase(), desired_titles: ['Data engineer'], skills: ['rust'], consent_training: true }], { source: 'crm' });
    expect(c).toMatchObject({ status: 'completed', inserted: 1 });
    // a re-import of the same row changes nothing (the envelopes differ each time; the keyed digests do not)
    expect(await imports.importBatch('candidates', [{ external_id: 'ott-1', name: NAME, email: EMAIL.toUpperCase(), desired_titles: ['Data engineer'], skills: ['rust'], consent_training: true }], { source: 'crm' })).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const r = await imports.importBatch('resumes', [{ external_id: 'ott-r1', candidate_external_id: 'ott-1', text: RESUME }], { source: 'crm' });
    expect(r).toMatchObject({ status: 'completed', inserted: 1 });
    // the same resume text under another id is still found as a duplicate (through the keyed hash)
    expect(await imports.importBatch('resumes', [{ external_id: 'ott-r2', candidate_external_id: 'ott-1', text: RESUME }], { source: 'crm' })).toMatchObject({ inserted: 0, duplicates: 1 });
    await new SimulatorService(app.get(DataSource)).simulateMarket({ seed: 3, candidates: 20, jobs: 30, days: 2 });

    const row = (await sql.query(`SELECT id::text AS id, name, email, name_enc, email_enc, email_index FROM candidates WHERE external_id = 'ott-1'`)).rows[0];
    id = row.id;
    expect(row).toMatchObject({ name: null, email: null });
    expect(row.name_enc).toMatch(/^pii1\.k1\./);
    expect(row.email_index).toMatch(/^[0-9a-f]{64}$/);
    const resume = (await sql.query(`SELECT text, text_enc, content_hash FROM resumes WHERE external_id = 'ott-r1'`)).rows[0];
    expect(resume.text).toBeNull();
    expect(resume.text_enc).toMatch(/^pii1\.k1\./);
    // keyed: not the plain SHA-1 of the normalised text
    const plainHash = createHash('sha1').update(normalizeText(RESUME)).digest('hex');
    expect(resume.content_hash).not.toBe(plainHash);
    expect(resume.content_hash).toBe(new PiiCipher([{ id: 'k1', key: Buffer.alloc(32, 11) }], Buffer.alloc(32, 33)).contentHash(plainHash));
    const sim = (await sql.query(`SELECT count(*)::int AS n, count(name)::int AS plain, count(name_enc)::int AS enc FROM candidates WHERE source <> 'crm'`)).rows[0];
    expect(sim).toEqual({ n: 20, plain: 0, enc: 20 });

    const scan = await scanPlaintext(sql);
    expect(scan.columns).toBeGreaterThan(100);
    expect(scan.hits).toEqual([]);
  }, 120_000);

  it('reads: plaintext for pii:read (GraphQL, export, blind-index lookup, training snapshot, features), masked for an analyst', async () => {
    const q = `query($id: ID!) { candidate(id: $id) { name email resumes { text } } }`;
    expect((await graphqlData<any>(app, q, { id }, admin)).candidate).toEqual({ name: NAME, email: EMAIL.toLowerCase(), resumes: [{ text: RESUME }] });
    const analyst = (await graphqlData<any>(app, `mutation { createApiKey(name: "pii-analyst", role: analyst) { key } }`, {}, admin)).createApiKey.key;
    expect((await graphqlData<any>(app, q, { id }, analyst)).candidate).toEqual({ name: '•••', email: '•••', resumes: [{ text: '•••' }] });
    const sims = (await graphqlData<any>(app, `{ candidates(filter: { source: "simulator" }, limit: 3) { items { name email } } }`, {}, admin)).candidates.items;
    for (const s of sims) expect(s.email).toMatch(/@/);

    expect((await app.get(CandidateService).findByEmail(`  ${EMAIL.toUpperCase()} `)).map((c) => c.id)).toEqual([id]);
    expect(await app.get(CandidateService).findByEmail('nobody@pii.example')).toEqual([]);

    const doc = (await app.get(ErasureService).export(id, 'test')) as any;
    expect(doc.candidate).toMatchObject({ name: NAME, email: EMAIL.toLowerCase() });
    expect(doc.candidate).not.toHaveProperty('name_enc');
    expect(doc.resumes.map((r: any) => r.text)).toEqual([RESUME]);

    expect((await app.get(SnapshotService, { strict: false }).candidateRow(id))!.resume).toBe(RESUME);

    // the feature store tokenises the decrypted resume: the candidate's text vector holds the resume's rare word
    await app.get(ComputeService, { strict: false }).compute({ views: ['candidate_text'] });
    const tfidf = (await sql.query(
      `SELECT f."values" AS v FROM feature_rows f JOIN feature_definitions d ON d.id = f.view_version_id WHERE d.name = 'candidate_text' AND f.entity_key = $1 ORDER BY f.event_time DESC LIMIT 1`, [id])).rows[0]?.v;
    expect(tfidf).toBeDefined();
    // [tfidf, token_count]: titles ×2 (4) + skills rust, postgres (2) = 6 without the resume; the resume adds its words
    expect(tfidf[1]).toBeGreaterThanOrEqual(6 + 5);
  }, 120_000);

  it('alert subscription addresses and the suppression list: envelope + blind index, no plaintext in any table or idempotency record; mailed to the right address; decrypted only for pii:read', async () => {
    const post = (input: Record<string, unknown>, idemKey: string) =>
      request(app.getHttpServer()).post('/graphql').set('authorization', `Bearer ${admin}`).set('idempotency-key', idemKey)
        .send({ query: 'mutation($i: SubscribeAlertsInput!) { subscribeAlerts(input: $i) { subscription { id email } } }', variables: { i: input } });
    const input = { candidateId: id, channel: 'email', email: ` ${SUB_EMAIL.toUpperCase()}`, frequency: 'daily', timeZone: 'UTC' };
    const first = await post(input, `pii-sub-${RUN}`);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.subscribeAlerts.subscription.email).toBe(SUB_EMAIL);
    subId = first.body.data.subscribeAlerts.subscription.id;
    // the idempotency record is sealed: a replay decrypts it
    const again = await post(input, `pii-sub-${RUN}`);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.data).toEqual(first.body.data);
    // an INVALID_EMAIL error quotes the address: kept sealed too, replayed as the same error
    const bad = await post({ ...input, email: BAD_EMAIL }, `pii-bad-${RUN}`);
    expect(bad.body.errors?.[0]?.extensions?.reason).toBe('INVALID_EMAIL');
    expect((await post({ ...input, email: BAD_EMAIL }, `pii-bad-${RUN}`)).body.errors?.[0]?.message).toBe(bad.body.errors[0].message);
    const alerts = app.get(AlertsService, { strict: false });
    await alerts.suppress(SUPPRESSED_EMAIL.toUpperCase(), 'complaint', `feedback loop report for <${SUPPRESSED_EMAIL}>`);

    const cipher = new PiiCipher([{ id: 'k1', key: Buffer.alloc(32, 11) }], Buffer.alloc(32, 33));
    const row = (await sql.query(`SELECT email, email_enc, email_index FROM alert_subscriptions WHERE id = $1`, [subId])).rows[0];
    expect(row).toEqual({ email: null, email_enc: expect.stringMatching(/^pii1\.k1\./), email_index: cipher.emailIndex(SUB_EMAIL) });
    const sup = (await sql.query(`SELECT email, email_enc, detail FROM alert_suppressions WHERE email_index = $1`, [cipher.emailIndex(SUPPRESSED_EMAIL)])).rows;
    expect(sup).toEqual([{ email: null, email_enc: expect.stringMatching(/^pii1\.k1\./), detail: 'feedback loop report for <<recipient>>' }]);
    expect(await alerts.isSuppressed(` ${SUPPRESSED_EMAIL}`)).toBe(true);

    // an alert reaches the address on a real SMTP server
    await sql.query(`UPDATE candidates SET consent_alerts = true WHERE id = $1`, [id]);
    await sql.query(
      `INSERT INTO jobs (source, external_id, title, normalized_title, description, skills, city, country, remote, posted_at, content_hash)
       VALUES ('test', 'pii-j1', 'Envelope Engineer', 'envelope engineer', 'desc', '{rust}', 'Berlin', 'DE', false, now() - interval '1 minute', md5('pii-j1') || '00000000')`,
    );
    const due: Date = (await sql.query(`UPDATE alert_subscriptions SET next_due_at = date_trunc('milliseconds', now()) WHERE id = $1 RETURNING next_due_at`, [subId])).rows[0].next_due_at;
    expect(await alerts.processAlert(subId, due.getTime())).toMatchObject({ outcome: 'sent' });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual([SUB_EMAIL]);
    expect(mail!.messageId).toBe(`<msg_alert_${subId}_${due.getTime()}@matchlab.alerts>`);

    // nothing in the clear: every text column of every table (delivery rows, idempotency records in kv_entries without Redis) …
    expect((await scanPlaintext(sql)).hits).toEqual([]);
    // … and the idempotency records in Redis (when the store is Redis): sealed, naming only the candidate id
    const records: string[] = [];
    if (env['REDIS_URL']) {
      const redis = new Redis(env['REDIS_URL']);
      try {
        const keys = await redis.keys(`${env['QUEUE_PREFIX']}:alerts:idem:*`);
        records.push(...((await redis.mget(keys.length ? keys : ['-'])).filter((v): v is string => !!v)));
      } finally {
        redis.disconnect();
      }
    } else {
      records.push(...(await sql.query(`SELECT value FROM kv_entries WHERE key LIKE '%:alerts:idem:%'`)).rows.map((r) => r.value as string));
    }
    expect(records).toHaveLength(2);
    for (const v of records) for (const n of NEEDLES) expect(v.toLowerCase()).not.toContain(n);
    expect(records.every((v) => v.includes(`"candidateId":"${id}"`) && /"sealed":"pii1\.k1\./.test(v))).toBe(true);

    // reads: the alert API and pii:read roles get the address, an analyst the mask (nothing decrypted for them)
    expect((await graphqlData<any>(app, `query($id: ID!) { alertSubscription(id: $id) { email } }`, { id: subId }, admin)).alertSubscription.email).toBe(SUB_EMAIL);
    expect((await graphqlData<any>(app, `query($c: ID!) { alertSubscriptions(candidateId: $c) { email } }`, { c: id }, admin)).alertSubscriptions).toEqual([{ email: SUB_EMAIL }]);
    const analyst = (await graphqlData<any>(app, `mutation { createApiKey(name: "pii-alerts-analyst", role: analyst) { key } }`, {}, admin)).createApiKey.key;
    expect((await graphqlData<any>(app, `query($id: ID!) { alertSubscription(id: $id) { email } }`, { id: subId }, analyst)).alertSubscription.email).toBe('•••');
    expect(((await app.get(ErasureService).export(id, 'test')) as any).alertSubscriptions.map((s: any) => s.email)).toEqual([SUB_EMAIL]);
  }, 120_000);

  it('encrypt-existing moves rows written before encryption into envelopes (and keys their content hash); readers used the legacy plaintext meanwhile', async () => {
    legacyId = (await sql.query(`INSERT INTO candidates (source, external_id, name, email) VALUES ('crm', 'legacy-1', $1, $2) RETURNING id::text AS id`, [LEGACY_NAME, LEGACY_EMAIL])).rows[0].id;
    await sql.query(`INSERT INTO resumes (source, external_id, candidate_id, text, content_hash) VALUES ('crm', 'legacy-r1', $1, $2, repeat('e', 40))`, [legacyId, LEGACY_RESUME]);
    // an alert subscription and a suppression entry from before AlertEmailEncryption1764201000000
    legacySubId = (await sql.query(`INSERT INTO alert_subscriptions (candidate_id, channel, email, frequency, send_hour, time_zone, created_by) VALUES ($1, 'email', $2, 'daily', 8, 'UTC', 'test') RETURNING id::text AS id`, [legacyId, LEGACY_EMAIL])).rows[0].id;
    await sql.query(`INSERT INTO alert_suppressions (email, reason) VALUES ($1, 'manual')`, [LEGACY_EMAIL]);
    const alerts = app.get(AlertsService, { strict: false });
    const subQ = `query($id: ID!) { alertSubscription(id: $id) { email } }`;
    expect((await graphqlData<any>(app, subQ, { id: legacySubId }, admin)).alertSubscription.email).toBe(LEGACY_EMAIL);
    expect(await alerts.isSuppressed(LEGACY_EMAIL)).toBe(true);
    const q = `query($id: ID!) { candidate(id: $id) { name email resumes { text } } }`;
    expect((await graphqlData<any>(app, q, { id: legacyId }, admin)).candidate).toEqual({ name: LEGACY_NAME, email: LEGACY_EMAIL, resumes: [{ text: LEGACY_RESUME }] });

    const before = await cli(['pii', 'status', '--json'], K1);
    expect(JSON.parse(before.stdout).plaintext).toEqual({ candidates: 1, resumes: 1, alertSubscriptions: 1, alertSuppressions: 1 });
    const enc = await cli(['pii', 'encrypt-existing', '--json'], K1);
    expect(enc.code).toBe(0);
    expect(JSON.parse(enc.stdout)).toEqual({ candidates: 1, resumes: 1, alertSubscriptions: 1, alertSuppressions: 1 });
    expect((await scanPlaintext(sql)).hits).toEqual([]);
    expect((await sql.query(`SELECT email, email_index FROM alert_subscriptions WHERE id = $1`, [legacySubId])).rows[0]).toEqual({ email: null, email_index: new PiiCipher([{ id: 'k1', key: Buffer.alloc(32, 11) }], Buffer.alloc(32, 33)).emailIndex(LEGACY_EMAIL) });
    expect((await graphqlData<any>(app, subQ, { id: legacySubId }, admin)).alertSubscription.email).toBe(LEGACY_EMAIL);
    expect(await alerts.isSuppressed(LEGACY_EMAIL)).toBe(true);
    expect((await sql.query(`SELECT content_hash FROM resumes WHERE external_id = 'legacy-r1'`)).rows[0].content_hash).not.toBe('e'.repeat(40));
    expect((await graphqlData<any>(app, q, { id: legacyId }, admin)).candidate).toEqual({ name: LEGACY_NAME, email: LEGACY_EMAIL, resumes: [{ text: LEGACY_RESUME }] });
    expect((await app.get(CandidateService).findByEmail(LEGACY_EMAIL)).map((c) => c.id)).toEqual([legacyId]);
  }, 60_000);

  it('rotation: rotate-keys re-wraps every envelope under k2, k1 can then be removed and everything still reads; a missing or wrong key is a typed error', async () => {
    const total = Number((await sql.query(
      `SELECT (SELECT count(name_enc) + count(email_enc) FROM candidates) + (SELECT count(text_enc) FROM resumes) + (SELECT count(email_enc) FROM alert_subscriptions) + (SELECT count(email_enc) FROM alert_suppressions) AS n`)).rows[0].n);
    const dataParts = (await sql.query(`SELECT split_part(text_enc, '.', 5) AS body FROM resumes ORDER BY id`)).rows.map((r) => r.body);

    const rotated = await cli(['pii', 'rotate-keys', '--json'], `${K2},${K1}`);
    expect(rotated.code).toBe(0);
    const out = JSON.parse(rotated.stdout);
    expect(out.rewrapped).toBe(total);
    expect(out.status).toMatchObject({ activeKeyId: 'k2', notActive: 0, removableKeyIds: ['k1'], missingKeyIds: [] });
    expect(Object.keys(out.status.envelopes)).toEqual(['k2']);
    // only the wrapped data keys changed
    expect((await sql.query(`SELECT split_part(text_enc, '.', 5) AS body FROM resumes ORDER BY id`)).rows.map((r) => r.body)).toEqual(dataParts);
    const human = await cli(['pii', 'rotate-keys'], `${K2},${K1}`);
    expect(human.stdout).toContain('re-wrapped 0 envelopes under key k2');
    expect(human.stdout).toContain('no envelope names k1: safe to remove from PII_KEYS');

    // k1 removed from the ring: still readable
    const exported = await cli(['candidates', 'export', id], K2);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout).candidate).toMatchObject({ name: NAME, email: EMAIL.toLowerCase() });
    const status = JSON.parse((await cli(['pii', 'status', '--json'], K2)).stdout);
    expect(status).toMatchObject({ activeKeyId: 'k2', notActive: 0, missingKeyIds: [], plaintext: { candidates: 0, resumes: 0, alertSubscriptions: 0, alertSuppressions: 0 } });
    expect(status.envelopes.k2).toMatchObject({ 'alert_subscriptions.email_enc': 2, 'alert_suppressions.email_enc': 2 });

    // only the retired key: the envelopes name k2, which is not in the ring
    const missing = await cli(['candidates', 'export', id], K1);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^matchlab: UNKNOWN_KEY: envelope is wrapped with key "k2", which is not in the key ring/);
    expect(JSON.parse((await cli(['pii', 'status', '--json'], K1)).stdout).missingKeyIds).toEqual(['k2']);
    // the API still configured with k1 alone: a typed GraphQL error, not a crash or garbage
    const viaApi = await graphql<any>(app, `query($id: ID!) { candidate(id: $id) { name } }`, { id }, admin);
    expect(viaApi.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'UNKNOWN_KEY' });
    // a wrong key under the right id
    const wrong = await cli(['candidates', 'export', id], `k2:${key(99)}`);
    expect(wrong.stderr).toMatch(/^matchlab: DECRYPT_FAILED: /);
    // a malformed ring: one clear line
    const bad = await cli(['pii', 'status'], 'k2:short');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('matchlab: config: PII_KEYS must be id:base64key[,id:base64key…] with 32-byte keys: key k2: must be 32 bytes (base64), got 3');
  }, 120_000);

  it('decrypt-existing (before reverting the migration) writes the plaintext back with the plain content hash; encrypt-existing undoes it', async () => {
    const ds = app.get(PiiMaintenanceService)['db' as never] as DataSource;
    const maintenance = new PiiMaintenanceService(ds, { pii: { keys: [{ id: 'k2', key: Buffer.alloc(32, 22) }], indexKey: Buffer.alloc(32, 33) } } as never);
    const migration = new AlertEmailEncryption1764201000000();
    const withRunner = async (fn: (q: ReturnType<DataSource['createQueryRunner']>) => Promise<void>) => {
      const q = ds.createQueryRunner();
      try {
        await fn(q);
      } finally {
        await q.release();
      }
    };
    // the migration's down refuses while envelopes exist (it cannot read the keys)
    await withRunner(async (q) => expect(migration.down(q)).rejects.toThrow(/run `matchlab pii decrypt-existing` first/));
    const d = await maintenance.decryptExisting();
    expect(d).toMatchObject({ alertSubscriptions: 2, alertSuppressions: 2 });
    expect((await sql.query(`SELECT email, email_enc, email_index FROM alert_subscriptions WHERE id = $1`, [subId])).rows[0]).toEqual({ email: SUB_EMAIL, email_enc: null, email_index: null });
    expect((await sql.query(`SELECT count(*)::int AS n FROM alert_suppressions WHERE email IN ($1, $2) AND email_index IS NULL`, [SUPPRESSED_EMAIL, LEGACY_EMAIL])).rows[0].n).toBe(2);
    // then down and up work (the plaintext columns hold everything again)
    await withRunner(async (q) => {
      await migration.down(q);
      await migration.up(q);
    });
    expect(d.candidates).toBeGreaterThanOrEqual(22);
    expect((await sql.query(`SELECT name, email, name_enc FROM candidates WHERE id = $1`, [id])).rows[0]).toEqual({ name: NAME, email: EMAIL.toLowerCase(), name_enc: null });
    expect((await sql.query(`SELECT count(*)::int AS n FROM resumes WHERE text_enc IS NOT NULL`)).rows[0].n).toBe(0);
    const e = await maintenance.encryptExisting();
    expect(e).toEqual(d);
    expect((await scanPlaintext(sql)).hits).toEqual([]);
  }, 60_000);
});
