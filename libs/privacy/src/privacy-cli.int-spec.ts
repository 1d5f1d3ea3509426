import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AuthService } from '@app/auth';
import { RegistryService } from '@app/registry';
import pg from 'pg';
import { runCliCaptured } from '../../../apps/cli/src/run-cli-captured.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';

/** The audit log of sensitive actions through the services and the API, and the privacy CLI in this process. */
describe('audit log and the privacy CLI (candidates forget | export, audit)', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let admin: string;
  let candidate: string;

  /** The matchlab CLI in this process, against the test database, with stdout and stderr captured. */
  const cli = (args: string[]) => runCliCaptured(args, env);
  const audit = async (filter: Record<string, string>) =>
    (await graphql<any>(app, `query($f: AuditFilterInput) { auditLog(filter: $f) { totalCount items { actor action subject detail } } }`, { f: filter }, admin)).data.auditLog;

  beforeAll(async () => {
    db = await createTestDatabase('privacy_cli');
    env = appEnv(db);
    ({ app, close } = await startInProcessApi(db, { env: { QUEUE_PREFIX: env['QUEUE_PREFIX']! } }));
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    admin = await loginAsAdmin(app);
    candidate = (await sql.query(`INSERT INTO candidates (source, external_id, name, email, consent_alerts) VALUES ('crm', 'cli-1', 'Cli Person', 'cli.person@example.org', true) RETURNING id::text AS id`)).rows[0].id;
    await sql.query(`INSERT INTO resumes (source, external_id, candidate_id, text, content_hash) VALUES ('crm', 'cli-r1', $1, 'Resume of Cli Person', repeat('d', 40))`, [candidate]);
  }, 180_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('records promotions and rollbacks (in the alias move), API key creation and revocation, and user creation', async () => {
    const registry = app.get(RegistryService);
    await registry.registerModel({ name: 'jobs-audit', strategy: 'popularity', owner: 'test' });
    for (const w of ['w1', 'w2']) await registry.createVersion('jobs-audit', { artifact: Buffer.from(w), artifactFormat: 'test/1', params: {}, dataset: {}, codeVersion: 'abc', trainingSeconds: 1, createdBy: 'test' });
    await registry.setAlias('jobs-audit', 'champion', 1, { actor: 'alice@example.org', reason: 'first' });
    await registry.setAlias('jobs-audit', 'champion', 2, { actor: 'alice@example.org', reason: 'better' });
    await registry.rollbackAlias('jobs-audit', 'champion', { actor: 'bob@example.org', reason: 'regression' });
    const promos = await audit({ subject: 'model:jobs-audit/champion' });
    expect(promos.items.map((e: any) => [e.action, e.actor, JSON.parse(e.detail).toVersion])).toEqual([
      ['model.rollback', 'bob@example.org', 1],
      ['model.promote', 'alice@example.org', 2],
      ['model.promote', 'alice@example.org', 1],
    ]);
    expect(JSON.parse(promos.items[1].detail)).toMatchObject({ fromVersion: 1, reason: 'better' });

    const created = await graphql<any>(app, `mutation { createApiKey(name: "downstream", role: app) { apiKey { prefix } } }`, {}, admin);
    const prefix = created.data.createApiKey.apiKey.prefix as string;
    await graphql(app, `mutation($p: String!) { revokeApiKey(prefix: $p) }`, { p: prefix }, admin);
    const keys = await audit({ subject: `api_key:${prefix}` });
    expect(keys.items.map((e: any) => [e.action, e.actor])).toEqual([['api_key.revoke', 'admin@matchlab.local'], ['api_key.create', 'admin@matchlab.local']]);
    expect(JSON.parse(keys.items[1].detail)).toEqual({ role: 'app', name: 'downstream' });
    // the key itself is never in the log
    expect(JSON.stringify(keys)).not.toContain('mlk_');

    const user = await app.get(AuthService).createUser('pm@example.org', 'pm-password-1', 'analyst', 'admin@matchlab.local');
    expect((await audit({ subject: `user:${user.id}` })).items).toEqual([expect.objectContaining({ action: 'user.create', actor: 'admin@matchlab.local', detail: '{"role":"analyst"}' })]);
    // filters combine; an unknown action matches nothing
    expect((await audit({ action: 'model.promote', actor: 'alice@example.org' })).totalCount).toBe(2);
    expect((await audit({ action: 'no.such.action' })).totalCount).toBe(0);
  });

  it('CLI: candidates export prints the JSON document; candidates forget erases and prints the counts; audit lists both', async () => {
    const exp = await cli(['candidates', 'export', candidate]);
    expect(exp.code).toBe(0);
    const doc = JSON.parse(exp.stdout);
    expect(doc.candidate).toMatchObject({ id: candidate, name: 'Cli Person', email: 'cli.person@example.org' });
    expect(doc.resumes[0].text).toBe('Resume of Cli Person');

    const bad = await cli(['candidates', 'forget', 'abc']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_INPUT: candidate id must be numeric/);

    const forget = await cli(['candidates', 'forget', candidate, '--reason', 'ticket 7', '--json']);
    expect(forget.code).toBe(0);
    const r = JSON.parse(forget.stdout);
    expect(r.removed).toMatchObject({ candidates: 1, resumes: 1 });
    expect((await sql.query(`SELECT count(*)::int AS n FROM candidates WHERE id = $1`, [candidate])).rows[0].n).toBe(0);
    const tomb = (await sql.query(`SELECT ref_hash, actor, reason FROM candidate_erasures WHERE id = $1`, [r.erasureId])).rows[0];
    expect(tomb).toMatchObject({ actor: expect.stringMatching(/^cli:/), reason: 'ticket 7' });
    expect(tomb.ref_hash).toMatch(/^[0-9a-f]{64}$/);

    const again = await cli(['candidates', 'forget', candidate]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/NOT_FOUND: candidate \d+ not found/);

    const list = await cli(['audit', '--subject', `erasure:${r.erasureId}`, '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).items.map((e: any) => e.action).sort()).toEqual(['candidate.delete', 'candidate.export']);
    const human = await cli(['audit', '--action', 'candidate.delete']);
    expect(human.stdout).toMatch(new RegExp(`candidate\\.delete\\s+erasure:${r.erasureId}\\s+cli:`));
    expect((await cli(['audit', '--limit', '0'])).code).toBe(1);
  });
});
