import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { RegistryService } from './registry.service.js';

describe('model registry', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let registry: RegistryService;
  let admin: string;

  const version = (v: number, ndcg?: number) =>
    registry.createVersion('jobs-als', {
      artifact: Buffer.from(`weights-${v}`),
      artifactFormat: 'test/1',
      params: { factors: 8 * v },
      dataset: { until: '2026-11-01T00:00:00Z', interactions: 1000 * v },
      codeVersion: 'abc123',
      trainingSeconds: 1.5,
      metrics: ndcg === undefined ? {} : { 'ndcg@10': ndcg },
      createdBy: 'test',
    });

  beforeAll(async () => {
    db = await createTestDatabase('registry');
    ({ app, close } = await startInProcessApi(db));
    registry = app.get(RegistryService);
    admin = await loginAsAdmin(app);
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('registers a model and numbers immutable versions 1, 2, 3 with lineage', async () => {
    const res = await graphql<any>(app, 'mutation { registerModel(input: { name: "jobs-als", strategy: "als", gate: { maxDrop: 0.01 } }) { name owner gate } }', {}, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data.registerModel.owner).toBe('admin@matchlab.local');
    const versions = [await version(1, 0.3), await version(2, 0.25), await version(3, 0.31)];
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    const v2 = await graphql<any>(app, '{ modelVersion(ref: "jobs-als/2") { version params dataset codeVersion artifactSha256 metrics { name value } } }', {}, admin);
    expect(v2.data.modelVersion).toMatchObject({ version: 2, params: '{"factors":16}', codeVersion: 'abc123', metrics: [{ name: 'ndcg@10', value: 0.25 }] });
    expect(v2.data.modelVersion.artifactSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a duplicate model name and an alias with invalid characters', async () => {
    const dup = await graphql(app, 'mutation { registerModel(input: { name: "jobs-als", strategy: "als" }) { name } }', {}, admin);
    expect(dup.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const bad = await graphql(app, 'mutation { setAlias(input: { model: "jobs-als", alias: "Champ ion!", version: 1 }) { gateReason } }', {}, admin);
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(bad.errors?.[0]?.message).toContain('invalid characters');
  });

  it('promotes through the gate, refuses a worse version with the reason, rolls back, and keeps the history', async () => {
    const set = `mutation($v: Int!) { setAlias(input: { model: "jobs-als", alias: "champion", version: $v, reason: "test" }) { gateReason version { version aliases } } }`;
    const first = await graphql<any>(app, set, { v: 1 }, admin);
    expect(first.data.setAlias).toEqual({ gateReason: 'alias champion is unset; first promotion', version: { version: 1, aliases: ['champion'] } });

    const worse = await graphql<any>(app, set, { v: 2 }, admin);
    expect(worse.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'GATE_REFUSED' });
    expect(worse.errors?.[0]?.message).toContain("ndcg@10 0.2500 is below the champion's 0.3000 by 0.0500 (allowed drop 0.0100)");

    const better = await graphql<any>(app, set, { v: 3 }, admin);
    expect(better.data.setAlias.version.version).toBe(3);

    const rolledBack = await graphql<any>(app, 'mutation { rollbackAlias(model: "jobs-als", alias: "champion", reason: "bad online metrics") { version } }', {}, admin);
    expect(rolledBack.data.rollbackAlias.version).toBe(1);
    expect((await registry.resolve('jobs-als@champion')).version.version).toBe(1);

    const history = await graphql<any>(app, '{ aliasHistory(model: "jobs-als", alias: "champion") { fromVersion toVersion action actor reason } }', {}, admin);
    expect(history.data.aliasHistory).toEqual([
      { fromVersion: null, toVersion: 1, action: 'set', actor: 'admin@matchlab.local', reason: 'test' },
      { fromVersion: 1, toVersion: 3, action: 'set', actor: 'admin@matchlab.local', reason: 'test' },
      { fromVersion: 3, toVersion: 1, action: 'rollback', actor: 'admin@matchlab.local', reason: 'bad online metrics' },
    ]);
  });

  it('answers what the alias pointed at at an earlier time', async () => {
    const rows = await registry.aliasHistory('jobs-als', 'champion');
    const secondMove = rows[1]!.at;
    expect(await registry.aliasAt('jobs-als', 'champion', new Date(secondMove.getTime()))).toBe(3);
    expect(await registry.aliasAt('jobs-als', 'champion', new Date(rows[0]!.at.getTime() - 1000))).toBeNull();
  });

  it('keeps the alias history append-only at the database level', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await expect(c.query('DELETE FROM model_alias_history')).rejects.toThrow('append-only');
    await expect(c.query("UPDATE model_alias_history SET reason = 'x'")).rejects.toThrow('append-only');
    await c.end();
  });

  it('archives a version no alias holds, then refuses to promote or serve it; refuses to archive the champion', async () => {
    const held = await graphql(app, 'mutation { archiveModelVersion(model: "jobs-als", version: 1) { status } }', {}, admin);
    expect(held.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const archived = await graphql<any>(app, 'mutation { archiveModelVersion(model: "jobs-als", version: 2) { status archivedAt } }', {}, admin);
    expect(archived.data.archiveModelVersion.status).toBe('archived');
    const promote = await graphql(app, 'mutation { setAlias(input: { model: "jobs-als", alias: "challenger", version: 2 }) { gateReason } }', {}, admin);
    expect(promote.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'ARCHIVED' });
    const { version: v2 } = await registry.resolve('jobs-als/2');
    await expect(registry.loadArtifact(v2)).rejects.toMatchObject({ code: 'ARCHIVED' });
  });

  it('verifies the artifact checksum on load and names a corrupt artifact', async () => {
    const { version: v3 } = await registry.resolve('jobs-als/3');
    expect((await registry.loadArtifact(v3)).toString()).toBe('weights-3');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query("UPDATE model_artifacts SET content = 'tampered' WHERE sha256 = $1", [v3.artifactSha256]);
    await c.end();
    await expect(registry.loadArtifact(v3)).rejects.toMatchObject({ code: 'CORRUPT_ARTIFACT', message: expect.stringContaining('checksum mismatch') });
  });

  it('registers several versions all or nothing: a veto inside the transaction leaves no version, artifact or event', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const counts = async () => (await c.query(`SELECT (SELECT count(*) FROM model_versions)::int AS versions, (SELECT count(*) FROM model_artifacts)::int AS artifacts, (SELECT count(*) FROM registry_events)::int AS events`)).rows[0];
    const before = await counts();
    const trial = (t: number) => ({ artifact: Buffer.from(`trial-${t}`), artifactFormat: 'test/1', params: { t }, dataset: {}, codeVersion: 'abc123', trainingSeconds: 1, createdBy: 'test', tags: { search: 's1' } });
    let seen: number[] = [];
    await expect(registry.createVersions('jobs-als', [trial(1), trial(2), trial(3)], { inTransaction: async (_tx, vs) => { seen = vs.map((v) => v.version); throw new Error('cancelled while registering'); } })).rejects.toThrow('cancelled while registering');
    expect(seen).toEqual([4, 5, 6]);
    expect(await counts()).toEqual(before);
    const ok = await registry.createVersions('jobs-als', [trial(1), trial(2), trial(3)]);
    expect(ok.map((v) => v.version)).toEqual([4, 5, 6]);
    expect(await counts()).toEqual({ versions: before.versions + 3, artifacts: before.artifacts + 3, events: before.events + 3 });
    await c.end();
  });

  it('lets an analyst read the registry but not promote', async () => {
    const key = (await graphql<any>(app, 'mutation { createApiKey(name: "pm", role: analyst) { key } }', {}, admin)).data.createApiKey.key;
    const read = await graphql<any>(app, '{ models { name aliases { alias version } versions { version status } } }', {}, key);
    expect(read.data.models[0].aliases).toEqual([{ alias: 'champion', version: 1 }]);
    const promote = await graphql(app, 'mutation { setAlias(input: { model: "jobs-als", alias: "champion", version: 3 }) { gateReason } }', {}, key);
    expect(promote.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
