import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AlertsService } from '@app/alerts';
import { ComputeService, OnlineService, PUSH_VIEWS } from '@app/features';
import { KeyValueStore } from '@app/kv';
import { PiiCipher } from '@app/pii';
import { SnapshotService } from '@app/training';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { createApiApp } from '../../../apps/api/src/main.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { redisUrlOrSkip } from '../../../e2e/support/services.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';

/**
 * A distinctive id (no other number in the test data looks like it), name and addresses, fresh per run (Redis is shared
 * between runs), so a scan for them finds only this candidate.
 */
const RUN = String(Date.now() % 100_000).padStart(5, '0');
const ID = `87654${RUN}`;
const NAME = `Zelda Quixotic-Forgetme ${RUN}`;
const EMAIL = `zelda.forgetme.${RUN}@privacy.example`;
const ALT_EMAIL = `zq.alerts.${RUN}@privacy.example`;
const KEEP = '7123456001';
const TOKEN = new RegExp(`(^|[^0-9])${ID}([^0-9]|$)`);

interface Hit { where: string; what: string }

/**
 * Scans every column of every table and view of the public schema whose type can hold the candidate (text, varchar,
 * char, json, jsonb, arrays, bigint/integer/numeric) for the candidate's id, email (both addresses) and name.
 */
async function scanPostgres(sql: pg.Client): Promise<{ hits: Hit[]; columns: number; tables: number }> {
  const cols = (await sql.query(
    `SELECT c.table_name AS t, c.column_name AS c, c.data_type AS ty FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bigint', 'integer', 'numeric', 'USER-DEFINED')
      ORDER BY c.table_name, c.ordinal_position`,
  )).rows as Array<{ t: string; c: string; ty: string }>;
  const hits: Hit[] = [];
  for (const { t, c, ty } of cols) {
    const col = `"${c}"`;
    const numeric = ty === 'bigint' || ty === 'integer' || ty === 'numeric';
    const q = numeric
      ? `SELECT count(*)::int AS n FROM "${t}" WHERE ${col} = $1::numeric`
      : `SELECT count(*)::int AS n FROM "${t}" WHERE ${col}::text ~ $1 OR strpos(lower(${col}::text), $2) > 0 OR strpos(lower(${col}::text), $3) > 0 OR strpos(lower(${col}::text), $4) > 0`;
    const params = numeric ? [ID] : [TOKEN.source, EMAIL, ALT_EMAIL, NAME.toLowerCase()];
    const n = (await sql.query(q, params)).rows[0].n as number;
    if (n > 0) hits.push({ where: `${t}.${c}`, what: `${n} row(s)` });
  }
  return { hits, columns: cols.length, tables: new Set(cols.map((x) => x.t)).size };
}

/** Every key in Redis (names and values of every type) containing the id, an email or the name; pipelined per SCAN batch. */
async function scanRedis(url: string): Promise<{ hits: Hit[]; keys: number }> {
  const redis = new Redis(url);
  const hits: Hit[] = [];
  let keys = 0;
  const has = (s: string) => TOKEN.test(s) || s.toLowerCase().includes(EMAIL) || s.toLowerCase().includes(ALT_EMAIL) || s.toLowerCase().includes(NAME.toLowerCase());
  try {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'COUNT', 2000);
      cursor = next;
      keys += batch.length;
      const types = ((await redis.pipeline(batch.map((k) => ['type', k])).exec()) ?? []).map(([, t]) => String(t));
      const read = redis.pipeline();
      batch.forEach((k, i) => {
        const t = types[i];
        if (t === 'string') read.get(k);
        else if (t === 'hash') read.hgetall(k);
        else if (t === 'list') read.lrange(k, 0, -1);
        else if (t === 'set') read.smembers(k);
        else if (t === 'zset') read.zrange(k, 0, -1);
        else if (t === 'stream') read.xrange(k, '-', '+');
        else read.exists(k);
      });
      const values = (await read.exec()) ?? [];
      batch.forEach((k, i) => {
        if (has(k)) hits.push({ where: k, what: 'key name' });
        else if (has(JSON.stringify(values[i]?.[1] ?? null))) hits.push({ where: k, what: `${types[i]} value` });
      });
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return { hits, keys };
}

describe('privacy: right to be forgotten leaves nothing of the candidate in Postgres or Redis; consent is respected', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let admin: string;
  let redisUrl: string | undefined;
  let prefix: string;
  let jobs: string[];
  let exposureSeq: string;

  beforeAll(async () => {
    // With Redis: online features and key-value records live there and the scan covers every key; without it
    // (embedded) they live in Postgres tables, which the table scan covers. MATCHLAB_REQUIRE_SERVICES=1 demands Redis.
    redisUrl = redisUrlOrSkip('the Redis half of the privacy erasure scan');
    db = await createTestDatabase('privacy');
    const env = appEnv(db);
    prefix = env['QUEUE_PREFIX']!;
    const created = await createApiApp({ withWorker: false, schemaFile: false, env });
    await created.app.init();
    app = created.app;
    close = async () => {
      await created.app.close();
      await created.runtime.endpoint.close();
    };
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    admin = await loginAsAdmin(app);

    // ---- the market: a company, jobs, the candidate (everywhere) and a bystander who must stay untouched
    const company = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme') RETURNING id`)).rows[0].id;
    jobs = [];
    for (let i = 0; i < 4; i++) {
      jobs.push((await sql.query(
        `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, country, posted_at, content_hash)
         VALUES ('t', $1, $2, $3, $3, 'Build things', ARRAY['python','sql'], 'Berlin', 'DE', now() - interval '2 days', repeat('a', 40)) RETURNING id::text AS id`,
        [`j${i}`, company, `Data engineer ${i}`],
      )).rows[0].id);
    }
    await sql.query(
      `INSERT INTO candidates (id, source, external_id, name, email, city, country, desired_titles, skills, years_experience, consent_alerts, consent_training, time_zone, created_at, updated_at)
       VALUES ($1, 'crm', 'ext-zelda', $2, $3, 'Berlin', 'DE', ARRAY['data engineer'], ARRAY['python'], 4, true, true, 'Europe/Berlin', now() - interval '20 days', now() - interval '20 days'),
              ($4, 'crm', 'ext-keep', 'Bystander Person', 'keep@example.org', 'Berlin', 'DE', ARRAY['data engineer'], ARRAY['sql'], 2, false, false, 'UTC', now() - interval '20 days', now() - interval '20 days')`,
      [ID, NAME, EMAIL, KEEP],
    );
    await sql.query(`INSERT INTO resumes (source, external_id, candidate_id, category, text, parsed_skills, content_hash) VALUES ('crm', 'r-zelda', $1, 'data', $2, ARRAY['python'], repeat('b', 40))`, [ID, `${NAME}\n${EMAIL}\nPython and SQL for 4 years.`]);
    await sql.query(`INSERT INTO resumes (source, external_id, candidate_id, category, text, parsed_skills, content_hash) VALUES ('crm', 'r-keep', $1, 'data', 'SQL person', ARRAY['sql'], repeat('c', 40))`, [KEEP]);
    for (const [i, type] of (['impression', 'click', 'apply', 'save'] as const).entries()) {
      await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at, ranking_id, position) VALUES ($1, $2, $3, $4, now() - interval '1 day', 'rk-zelda', $5)`, [`ev-z-${i}`, ID, jobs[i % jobs.length], type, i]);
      await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ($1, $2, $3, $4, now() - interval '1 day')`, [`ev-k-${i}`, KEEP, jobs[i % jobs.length], type]);
    }
    // a profile edit: the profile-change log and the activity outbox
    await sql.query(`UPDATE candidates SET skills = ARRAY['python','spark'] WHERE id = $1`, [ID]);
    // simulator truth
    const market = (await sql.query(`INSERT INTO sim_markets (seed, model_version, candidates, jobs, companies, days, start_at) VALUES (7, 1, 2, 4, 1, 1, now()) RETURNING id`)).rows[0].id;
    await sql.query(`INSERT INTO sim_candidate_truth (candidate_id, market_id, occupation, skills, seniority_level, salary_expectation_usd, lat, lon, remote_preference, latent) VALUES ($1, $2, 'data', ARRAY['python'], 2, 70000, 52.5, 13.4, 'no', ARRAY[0.1,0.2])`, [ID, market]);

    // protected attributes (fairness audits), stored with consent
    await sql.query(`INSERT INTO candidate_protected_attributes (candidate_id, attribute, value, consent_at) VALUES ($1, 'gender', 'female', now()), ($2, 'gender', 'male', now())`, [ID, KEEP]);

    // ---- features: computed and materialised by the feature store (online: Redis when configured, else Postgres)
    await app.get(ComputeService, { strict: false }).compute({ views: [...PUSH_VIEWS, 'candidate_job_match'] });
    const online = app.get(OnlineService, { strict: false });
    for (const v of [...PUSH_VIEWS, 'candidate_job_match']) await online.materialize(v);

    // ---- experiments: an assignment and a logged ranking with its exposures
    const exp = (await sql.query(
      `INSERT INTO experiments (key, owner, variants, coverage, primary_metric) VALUES ('privacy-exp', 'test', '[{"key":"control","weight":0.5},{"key":"b","weight":0.5}]', 1, 'click_rate') RETURNING id`,
    )).rows[0].id;
    await sql.query(`INSERT INTO experiment_assignments (experiment_id, unit_id, phase, variant) VALUES ($1, $2, 1, 'b'), ($1, $3, 1, 'control')`, [exp, ID, KEEP]);
    exposureSeq = (await sql.query(`INSERT INTO experiment_rankings (ranking_id, experiment_id, phase, unit_id, variant, items, served_at) VALUES ('rk-zelda', $1, 1, $2, 'b', 2, now()) RETURNING seq::text AS seq`, [exp, ID])).rows[0].seq;
    await sql.query(`INSERT INTO experiment_exposures (ranking_seq, position, job_id, score) VALUES ($1, 0, $2, 0.9), ($1, 1, $3, 0.8)`, [exposureSeq, jobs[0], jobs[1]]);
    await sql.query(`INSERT INTO ranking_logs (ranking_id, candidate_id, channel, pipeline, config, stages, items) VALUES ('rk-zelda', $1, 'api', 'default', '{}', '[]', $2)`, [ID, JSON.stringify([{ jobId: jobs[0], position: 0 }])]);

    // ---- alerts: a subscription made through the API with an Idempotency-Key (its record lands in the key-value store),
    // a delivery, the sent-jobs ledger, and a suppression entry of one of the addresses
    const sub = await request(app.getHttpServer()).post('/graphql').set('authorization', `Bearer ${admin}`).set('idempotency-key', 'privacy-sub-1')
      .send({ query: `mutation($c: ID!, $e: String) { subscribeAlerts(input: { candidateId: $c, channel: "email", email: $e, frequency: "daily", timeZone: "Europe/Berlin" }) { subscription { id } } }`, variables: { c: ID, e: ALT_EMAIL } });
    expect(sub.body.errors).toBeUndefined();
    const subId = sub.body.data.subscribeAlerts.subscription.id as string;
    const delivery = (await sql.query(
      `INSERT INTO alert_deliveries (subscription_id, candidate_id, channel, due_at, window_start, window_end, status, message_id, ranking_id, items, body)
       VALUES ($1, $2, 'email', now(), now() - interval '1 day', now(), 'sent', 'msg_privacy', 'rk-zelda-alert', $3, NULL) RETURNING id`,
      [subId, ID, JSON.stringify([{ jobId: jobs[2], position: 0, score: 1, title: 'Data engineer 2', company: 'Acme', location: 'Berlin' }])],
    )).rows[0].id;
    await sql.query(`INSERT INTO alert_sent_jobs (candidate_id, job_id, delivery_id, position) VALUES ($1, $2, $3, 0)`, [ID, jobs[2], delivery]);
    await app.get(AlertsService, { strict: false }).suppress(EMAIL, 'complaint', 'test');
    // a pub/sub message naming the candidate (kept in kv_messages without Redis)
    await app.get(KeyValueStore, { strict: false }).publish('matchlab:candidate-activity', JSON.stringify({ candidateIds: [ID], kinds: ['interaction'], at: new Date().toISOString() }));

    // ---- PII read by an admin (audited) and an export (audited)
    const read = await graphql<any>(app, `query($id: ID!) { candidate(id: $id) { name email resumes { text } } }`, { id: ID }, admin);
    expect(read.data.candidate.name).toBe(NAME);
    await new Promise((r) => setTimeout(r, 300)); // the PII-read entries are written ~50 ms after the reads
  }, 240_000);

  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('export returns everything held about the candidate as JSON, and is audited', async () => {
    const res = await graphql<any>(app, `query($id: ID!) { exportCandidateData(id: $id) }`, { id: ID }, admin);
    expect(res.errors).toBeUndefined();
    const doc = JSON.parse(res.data.exportCandidateData);
    expect(doc.candidate).toMatchObject({ id: ID, name: NAME, email: EMAIL, consent_alerts: true });
    expect(doc.resumes).toHaveLength(1);
    expect(doc.resumes[0].text).toContain('Python and SQL');
    expect(doc.interactions.map((i: any) => i.type).sort()).toEqual(['apply', 'click', 'impression', 'save']);
    expect(doc.features.offline.length).toBeGreaterThan(0);
    expect(doc.features.offline.map((f: any) => f.view)).toEqual(expect.arrayContaining(['candidate_engagement', 'candidate_profile']));
    if (!redisUrl) expect(doc.features.online.length).toBeGreaterThan(0);
    expect(doc.alertSubscriptions).toHaveLength(1);
    expect(doc.alertSubscriptions[0].email).toBe(ALT_EMAIL);
    expect(doc.alertSubscriptions[0]).not.toHaveProperty('webhook_secret');
    expect(doc.alertDeliveries).toHaveLength(1);
    expect(doc.alertSentJobs).toHaveLength(1);
    expect(doc.experimentAssignments).toEqual([expect.objectContaining({ experiment: 'privacy-exp', variant: 'b' })]);
    expect(doc.rankingLogs).toHaveLength(1);
    expect(doc.protectedAttributes).toEqual([expect.objectContaining({ attribute: 'gender', value: 'female' })]);
    const audit = await graphql<any>(app, `{ auditLog(filter: { action: "candidate.export" }) { totalCount items { actor subject detail } } }`, {}, admin);
    expect(audit.data.auditLog.items[0]).toMatchObject({ subject: `candidate:${ID}`, actor: 'admin@matchlab.local' });
    expect(JSON.parse(audit.data.auditLog.items[0].detail).sections.interactions).toBe(4);
    const piiReads = await graphql<any>(app, `query($s: String) { auditLog(filter: { action: "pii.read", subject: $s }) { items { detail } } }`, { s: `candidate:${ID}` }, admin);
    expect(piiReads.data.auditLog.items).toHaveLength(1); // one entry per candidate and response
    expect(JSON.parse(piiReads.data.auditLog.items[0].detail).fields).toEqual(['email', 'name', 'resume.text']);
  });

  it('an analyst cannot delete, export or read the audit log (FORBIDDEN), and sees PII masked', async () => {
    const key = (await graphql<any>(app, `mutation { createApiKey(name: "pm", role: analyst) { key } }`, {}, admin)).data.createApiKey.key;
    for (const q of [`mutation { deleteCandidate(id: "${ID}") { erasureId } }`, `{ exportCandidateData(id: "${ID}") }`, `{ auditLog { totalCount } }`]) {
      const r = await graphql(app, q, {}, key);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const masked = await graphql<any>(app, `query($id: ID!) { candidate(id: $id) { name email resumes { text } } }`, { id: ID }, key);
    expect(masked.data.candidate).toEqual({ name: '•••', email: '•••', resumes: [{ text: '•••' }] });
  });

  it('consent: an alert for a candidate without consent_alerts is not sent; the delivery records why', async () => {
    const alerts = app.get(AlertsService, { strict: false });
    const { subscription } = await alerts.subscribe({ candidateId: KEEP, channel: 'email', email: 'keep@example.org', frequency: 'daily', timeZone: 'UTC' } as never, 'test');
    const due = new Date(Date.now() - 1000);
    await sql.query(`UPDATE alert_subscriptions SET next_due_at = $2 WHERE id = $1`, [subscription.id, due]);
    const r = await alerts.processAlert(subscription.id, due.getTime());
    expect(r).toMatchObject({ outcome: 'suppressed', reason: expect.stringContaining('consent') });
    const row = (await sql.query(`SELECT status, last_error, sent_at FROM alert_deliveries WHERE subscription_id = $1`, [subscription.id])).rows[0];
    expect(row).toMatchObject({ status: 'suppressed', sent_at: null });
    expect(row.last_error).toMatch(/not consented to alerts/);
    expect((await sql.query(`SELECT count(*)::int AS n FROM alert_sent_jobs WHERE candidate_id = $1`, [KEEP])).rows[0].n).toBe(0);
  });

  it('consent: the training snapshot leaves out candidates without consent_training (and their interactions)', async () => {
    const { snapshot, info } = await app.get(SnapshotService, { strict: false }).build({ cutoff: new Date() });
    const ids = (snapshot.candidates ?? []).map((c) => c.id);
    expect(ids).toContain(ID);
    expect(ids).not.toContain(KEEP);
    expect(info.rows.candidates).toBe(1);
    expect(info.consent).toBe('candidates.consent_training = true');
  });

  it('deleteCandidate removes the candidate everywhere: a scan of every public table and every Redis key finds nothing', async () => {
    const before = await scanPostgres(sql);
    const redisBefore = redisUrl ? await scanRedis(redisUrl) : null;
    const tablesBefore = new Set(before.hits.map((h) => h.where.split('.')[0]));
    process.stdout.write(`privacy scan before deletion: ${before.tables} tables / ${before.columns} columns scanned; candidate found in ${tablesBefore.size} tables: ${[...tablesBefore].sort().join(', ')}` +
      (redisBefore ? `; Redis: ${redisBefore.keys} keys scanned, ${redisBefore.hits.length} hold the candidate (${redisBefore.hits.map((h) => h.where.replace(prefix, '<prefix>')).join(', ')})` : '; Redis: not configured (online store and key-value store on Postgres)') + '\n');
    // the scan sees the candidate wherever it was seeded (so its "nothing found" afterwards means something)
    // (the suppression entry is keyed by the address's blind index and holds the address only as an envelope, so a
    // plaintext scan does not see it: it is counted by index here, and in `removed` below)
    const pii = app.get(PiiCipher, { strict: false });
    expect((await sql.query(`SELECT count(*)::int AS n FROM alert_suppressions WHERE email_index = $1`, [pii.emailIndex(EMAIL)])).rows[0].n).toBe(1);
    for (const t of ['candidates', 'resumes', 'interactions', 'feature_rows', 'alert_subscriptions', 'alert_deliveries', 'alert_sent_jobs', 'experiment_assignments', 'experiment_rankings', 'ranking_logs', 'candidate_activity', 'candidate_profile_changes', 'sim_candidate_truth', 'candidate_protected_attributes', 'audit_log']) {
      expect([...tablesBefore]).toContain(t);
    }
    if (redisBefore) {
      expect(redisBefore.hits.some((h) => h.where.includes(':fs:'))).toBe(true);
      expect(redisBefore.hits.some((h) => h.where.includes(':alerts:idem:'))).toBe(true);
    } else {
      for (const t of ['feature_online', 'kv_entries', 'kv_messages']) expect([...tablesBefore]).toContain(t);
    }
    const keepBefore = (await sql.query(`SELECT (SELECT count(*) FROM interactions WHERE candidate_id = $1)::int AS i, (SELECT count(*) FROM resumes WHERE candidate_id = $1)::int AS r, (SELECT count(*) FROM experiment_assignments WHERE unit_id = $1::text)::int AS a, (SELECT count(*) FROM candidate_protected_attributes WHERE candidate_id = $1)::int AS p`, [KEEP])).rows[0];

    const res = await graphql<any>(app, `mutation($id: ID!) { deleteCandidate(id: $id, reason: "data subject request") { erasureId removed { table rows } } }`, { id: ID }, admin);
    expect(res.errors).toBeUndefined();
    const removed = Object.fromEntries(res.data.deleteCandidate.removed.map((r: any) => [r.table, r.rows]));
    process.stdout.write(`privacy erasure ${res.data.deleteCandidate.erasureId} removed: ${JSON.stringify(removed)}\n`);
    expect(removed).toMatchObject({ candidates: 1, resumes: 1, interactions: 4, alert_subscriptions: 1, alert_deliveries: 1, alert_sent_jobs: 1, alert_suppressions: 1, experiment_assignments: 1, experiment_rankings: 1, experiment_exposures: 2, ranking_logs: 1, candidate_protected_attributes: 1 });

    const after = await scanPostgres(sql);
    const redisAfter = redisUrl ? await scanRedis(redisUrl) : null;
    process.stdout.write(`privacy scan after deletion: ${after.columns} columns, ${after.hits.length} hits${redisAfter ? `; Redis ${redisAfter.keys} keys, ${redisAfter.hits.length} hits` : ''}\n`);
    expect(after.hits).toEqual([]);
    expect((await sql.query(`SELECT count(*)::int AS n FROM alert_suppressions WHERE email_index = ANY($1)`, [[pii.emailIndex(EMAIL), pii.emailIndex(ALT_EMAIL)]])).rows[0].n).toBe(0);
    if (redisAfter) expect(redisAfter.hits).toEqual([]);
    // exposure rows carry no candidate column: gone with their ranking
    expect((await sql.query(`SELECT count(*)::int AS n FROM experiment_exposures WHERE ranking_seq = $1`, [exposureSeq])).rows[0].n).toBe(0);
    // the bystander keeps everything
    const keepAfter = (await sql.query(`SELECT (SELECT count(*) FROM interactions WHERE candidate_id = $1)::int AS i, (SELECT count(*) FROM resumes WHERE candidate_id = $1)::int AS r, (SELECT count(*) FROM experiment_assignments WHERE unit_id = $1::text)::int AS a, (SELECT count(*) FROM candidate_protected_attributes WHERE candidate_id = $1)::int AS p`, [KEEP])).rows[0];
    expect(keepAfter).toEqual(keepBefore);
    expect(keepAfter.i).toBe(4);
    // feature_rows stays append-only outside an erasure
    await expect(sql.query(`DELETE FROM feature_rows WHERE entity_key = $1`, [KEEP])).rejects.toThrow(/append-only/);
    // the audit trail keeps who erased (pseudonymous subject), and earlier entries point at the tombstone
    const audit = await graphql<any>(app, `{ auditLog(filter: { action: "candidate.delete" }) { items { actor subject detail } } }`, {}, admin);
    expect(audit.data.auditLog.items[0]).toMatchObject({ actor: 'admin@matchlab.local', subject: `erasure:${res.data.deleteCandidate.erasureId}` });
    const pseudonymous = await graphql<any>(app, `query($s: String) { auditLog(filter: { subject: $s }) { items { action } } }`, { s: `erasure:${res.data.deleteCandidate.erasureId}` }, admin);
    expect(pseudonymous.data.auditLog.items.map((i: any) => i.action).sort()).toEqual(['candidate.delete', 'candidate.export', 'pii.read']);
    // a second delete and an export of the erased candidate: NOT_FOUND
    expect((await graphql(app, `mutation { deleteCandidate(id: "${ID}") { erasureId } }`, {}, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql(app, `{ exportCandidateData(id: "${ID}") }`, {}, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await graphql(app, `{ exportCandidateData(id: "x'; DROP TABLE candidates") }`, {}, admin)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }, 300_000);
});
