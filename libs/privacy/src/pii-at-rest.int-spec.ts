import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ComputeService } from '@app/features';
import { ImportService, normalizeText } from '@app/ingest';
import { CandidateService } from '@app/market';
import { PiiCipher } from '@app/pii';
import { SimulatorService } from '@app/simulator';
import { SnapshotService } from '@app/training';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { runCliCaptured } from '../../../apps/cli/src/run-cli-captured.js';
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
const NEEDLES = [NAME, EMAIL, RESUME, LEGACY_NAME, LEGACY_EMAIL, LEGACY_RESUME, 'xylographs', 'zymurgical'].map((s) => s.toLowerCase());

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

  const cli = (args: string[], keys: string) => runCliCaptured(args, { ...env, PII_KEYS: keys });

  beforeAll(async () => {
    db = await createTestDatabase('pii_at_rest');
    env = appEnv(db, { PII_KEYS: K1, PII_INDEX_KEY: key(33) });
    ({ app, close } = await startInProcessApi(db, { env: { QUEUE_PREFIX: env['QUEUE_PREFIX']!, PII_KEYS: K1, PII_INDEX_KEY: key(33) } }));
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    admin = await loginAsAdmin(app);
  }, 180_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
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

  it('encrypt-existing moves rows written before encryption into envelopes (and keys their content hash); readers used the legacy plaintext meanwhile', async () => {
    legacyId = (await sql.query(`INSERT INTO candidates (source, external_id, name, email) VALUES ('crm', 'legacy-1', $1, $2) RETURNING id::text AS id`, [LEGACY_NAME, LEGACY_EMAIL])).rows[0].id;
    await sql.query(`INSERT INTO resumes (source, external_id, candidate_id, text, content_hash) VALUES ('crm', 'legacy-r1', $1, $2, repeat('e', 40))`, [legacyId, LEGACY_RESUME]);
    const q = `query($id: ID!) { candidate(id: $id) { name email resumes { text } } }`;
    expect((await graphqlData<any>(app, q, { id: legacyId }, admin)).candidate).toEqual({ name: LEGACY_NAME, email: LEGACY_EMAIL, resumes: [{ text: LEGACY_RESUME }] });

    const before = await cli(['pii', 'status', '--json'], K1);
    expect(JSON.parse(before.stdout).plaintext).toEqual({ candidates: 1, resumes: 1 });
    const enc = await cli(['pii', 'encrypt-existing', '--json'], K1);
    expect(enc.code).toBe(0);
    expect(JSON.parse(enc.stdout)).toEqual({ candidates: 1, resumes: 1 });
    expect((await scanPlaintext(sql)).hits).toEqual([]);
    expect((await sql.query(`SELECT content_hash FROM resumes WHERE external_id = 'legacy-r1'`)).rows[0].content_hash).not.toBe('e'.repeat(40));
    expect((await graphqlData<any>(app, q, { id: legacyId }, admin)).candidate).toEqual({ name: LEGACY_NAME, email: LEGACY_EMAIL, resumes: [{ text: LEGACY_RESUME }] });
    expect((await app.get(CandidateService).findByEmail(LEGACY_EMAIL)).map((c) => c.id)).toEqual([legacyId]);
  }, 60_000);

  it('rotation: rotate-keys re-wraps every envelope under k2, k1 can then be removed and everything still reads; a missing or wrong key is a typed error', async () => {
    const total = Number((await sql.query(`SELECT (SELECT count(name_enc) + count(email_enc) FROM candidates) + (SELECT count(text_enc) FROM resumes) AS n`)).rows[0].n);
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
    expect(status).toMatchObject({ activeKeyId: 'k2', notActive: 0, missingKeyIds: [], plaintext: { candidates: 0, resumes: 0 } });

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
    const maintenance = new PiiMaintenanceService(app.get(PiiMaintenanceService)['db' as never], { pii: { keys: [{ id: 'k2', key: Buffer.alloc(32, 22) }], indexKey: Buffer.alloc(32, 33) } } as never);
    const d = await maintenance.decryptExisting();
    expect(d.candidates).toBeGreaterThanOrEqual(22);
    expect((await sql.query(`SELECT name, email, name_enc FROM candidates WHERE id = $1`, [id])).rows[0]).toEqual({ name: NAME, email: EMAIL.toLowerCase(), name_enc: null });
    expect((await sql.query(`SELECT count(*)::int AS n FROM resumes WHERE text_enc IS NOT NULL`)).rows[0].n).toBe(0);
    const e = await maintenance.encryptExisting();
    expect(e).toEqual(d);
    expect((await scanPlaintext(sql)).hits).toEqual([]);
  }, 60_000);
});
