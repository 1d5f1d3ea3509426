import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { evaluateLists, type RankedListRow } from '@app/evaluation';
import { loadRecommender } from '@app/recsys';
import { RegistryService } from '@app/registry';
import { SimulatorService } from '@app/simulator';
import { TrainingService } from '@app/training';
import { execFile } from 'node:child_process';
import pg from 'pg';
import { createApiApp } from '../../../apps/api/src/main.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';

const START = new Date('2026-06-01T00:00:00Z');
const CUTOFF = new Date('2026-06-08T00:00:00Z');
const KS = [5, 10, 20];
const EVAL_FIELDS = `id status errorCode error version mode shards k attachedToVersion durationSeconds
  progress { percent phase shards shardsDone users usersDone }
  protocol { split cutoff n testRatio seed threshold excludeTraining gain grades { type grade } }
  dataset { asOf fingerprint interactions trainInteractions testInteractions users catalogue versionCutoff }
  metrics { name value ciLow ciHigh users }`;

/**
 * Evaluation jobs end to end on a real database: a small simulated market, two registered versions (popularity and
 * ALS), evaluations through GraphQL, the evaluation queue and the worker processor (in this process).
 */
describe('offline evaluation jobs (queue, worker, stored results, comparison)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let token: string;
  let sql: pg.Client;
  let env: NodeJS.ProcessEnv;
  const gql = (query: string, vars: Record<string, unknown> = {}, as = token) => graphql<any>(app, query, vars, as);

  const start = async (input: Record<string, unknown>) => {
    const res = await gql(`mutation($input: StartEvaluationInput!) { startEvaluation(input: $input) { id status } }`, { input });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.startEvaluation.id as string;
  };
  const wait = async (id: string, until: (e: any) => boolean = (e) => e.status !== 'queued' && e.status !== 'running', timeoutMs = 60_000): Promise<any> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const res = await gql(`query($id: ID!) { evaluation(id: $id) { ${EVAL_FIELDS} } }`, { id });
      const e = res.data?.evaluation;
      if (e && until(e)) return e;
      if (Date.now() > end) throw new Error(`evaluation ${id} did not reach the state in time: ${JSON.stringify(e ?? res.errors)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const userValues = async (id: string) =>
    Object.fromEntries((await sql.query(`SELECT metric, "values" FROM evaluation_user_values WHERE evaluation_id = $1 ORDER BY metric`, [id])).rows.map((r) => [r.metric, r.values.map(Number)]));

  beforeAll(async () => {
    db = await createTestDatabase('evaluation_jobs');
    env = appEnv(db); // one queue prefix for the in-process worker and the CLI
    const created = await createApiApp({ withWorker: true, schemaFile: false, env });
    await created.app.init();
    app = created.app;
    close = async () => {
      await created.app.close();
      await created.runtime.endpoint.close();
    };
    token = await loginAsAdmin(app);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await app.get(SimulatorService, { strict: false }).simulateMarket({ seed: 31, candidates: 150, jobs: 300, days: 10, start: START });
    const registry = app.get(RegistryService, { strict: false });
    const training = app.get(TrainingService, { strict: false });
    for (const [name, strategy, params] of [['pop', 'popularity', {}], ['als', 'als', { factors: 8, iterations: 5 }]] as const) {
      await registry.registerModel({ name, strategy, owner: 'test' });
      const job = await training.startTraining({ model: name, params, cutoff: CUTOFF, validationFraction: 0 }, 'test', { enqueue: false });
      const r = await training.runInProcess(job.id);
      expect(r).toMatchObject({ status: 'completed', version: 1 });
    }
  }, 180_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  let popSingle: any;
  let popSharded: any;
  let als: any;

  it('stores metrics equal to ranking the split directly with the artifact, and attaches the headline metrics to the version', async () => {
    popSingle = await wait(await start({ modelRef: 'pop/1', k: KS }));
    expect(popSingle).toMatchObject({ status: 'completed', version: 1, mode: 'artifact', shards: 1, k: KS, attachedToVersion: true, progress: { percent: 100, phase: 'done' } });
    expect(popSingle.protocol).toMatchObject({ split: 'temporal', cutoff: CUTOFF.toISOString(), excludeTraining: true, gain: 'linear', threshold: 1 });
    expect(popSingle.dataset).toMatchObject({ versionCutoff: CUTOFF.toISOString(), users: expect.any(Number) });
    expect(popSingle.dataset.users).toBeGreaterThan(20);

    // The same numbers from scratch: SQL rows, the temporal cut, best grade per pair, training items out of the
    // ranking and the targets, the artifact loaded from its bytes, metrics by evaluateLists in user id order.
    const rows = (await sql.query(`SELECT i.candidate_id::text AS u, i.job_id::text AS j, i.type, i.occurred_at AS at FROM interactions i
      JOIN candidates c ON c.id = i.candidate_id WHERE c.consent_training AND i.type IN ('click', 'save', 'apply')`)).rows;
    const grade: Record<string, number> = { click: 1, save: 2, apply: 3 };
    const train = new Map<string, Set<string>>(), test = new Map<string, Map<string, number>>();
    for (const r of rows) {
      if (r.at < CUTOFF) {
        if (!train.has(r.u)) train.set(r.u, new Set());
        train.get(r.u)!.add(r.j);
      } else {
        if (!test.has(r.u)) test.set(r.u, new Map());
        test.get(r.u)!.set(r.j, Math.max(test.get(r.u)!.get(r.j) ?? 0, grade[r.type]!));
      }
    }
    const artifact = (await sql.query(`SELECT a.content FROM model_versions v JOIN models m ON m.id = v.model_id JOIN model_artifacts a ON a.sha256 = v.artifact_sha256 WHERE m.name = 'pop' AND v.version = 1`)).rows[0].content;
    const rec = await loadRecommender(artifact);
    const jobIndex = new Map(rec.catalog.jobIds!.map((j, i) => [j, i]));
    const lists: RankedListRow[] = [];
    for (const u of [...test.keys()].sort((a, b) => Number(a) - Number(b))) {
      const seen = train.get(u) ?? new Set<string>();
      const relevant = Object.fromEntries([...test.get(u)!].filter(([j]) => !seen.has(j)));
      if (Object.keys(relevant).length === 0) continue;
      const index = rec.catalog.candidateIds!.indexOf(u);
      expect(index).toBeGreaterThanOrEqual(0); // every simulated candidate existed at training time
      const ranked = rec.recommend(index, 20, { now: CUTOFF.getTime() / 1000, applyPreferences: false, applied: [...seen].map((j) => jobIndex.get(j)!).filter((j) => j !== undefined) });
      lists.push({ user: u, ranked: ranked.map((s) => rec.catalog.jobIds![s.job]!), relevant });
    }
    const direct = evaluateLists(lists, { ks: KS, graded: true, gain: 'linear' });
    expect(popSingle.dataset.users).toBe(direct.users);
    const stored = Object.fromEntries(popSingle.metrics.map((m: any) => [m.name, m]));
    for (const k of KS) {
      for (const m of ['precision', 'recall', 'map', 'ndcg', 'mrr', 'hit_rate']) {
        const name = `${m}@${k}`;
        expect({ name, value: stored[name].value, ci: [stored[name].ciLow, stored[name].ciHigh] }).toEqual({ name, value: direct.metrics[name], ci: direct.ci[name] });
      }
    }
    // Per-user values stored for paired comparisons, in user id order.
    const perUser = await userValues(popSingle.id);
    const n = direct.perUserValues.users.length;
    const c = direct.perUserValues.columns.indexOf('ndcg@10');
    expect(perUser['ndcg@10']).toEqual(Array.from(direct.perUserValues.values.subarray(c * n, (c + 1) * n)));
    const version = (await sql.query(`SELECT v.metrics FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'pop' AND v.version = 1`)).rows[0];
    expect(version.metrics['ndcg@10']).toBe(stored['ndcg@10'].value);
    expect(version.metrics['map@10']).toBe(stored['map@10'].value);
    expect(version.metrics['evaluation_users']).toBe(direct.users);
  });

  it('4 shards give exactly the single-shard result (values, intervals, per-user vectors)', async () => {
    const id = await start({ modelRef: 'pop/1', k: KS, shards: 4 });
    popSharded = await wait(id);
    expect(popSharded).toMatchObject({ status: 'completed', shards: 4, progress: { percent: 100, shardsDone: 4 } });
    expect(popSharded.metrics).toEqual(popSingle.metrics);
    // Same data, read a moment later: only the as-of time differs.
    expect({ ...popSharded.dataset, asOf: null }).toEqual({ ...popSingle.dataset, asOf: null });
    expect(await userValues(id)).toEqual(await userValues(popSingle.id));
    const job = await gql(`query($id: ID!) { evaluationJob(id: $id) { status progress { percent } shards { shard status users doneUsers worker seconds } } }`, { id });
    expect(job.data.evaluationJob.shards).toHaveLength(4);
    expect(job.data.evaluationJob.shards.every((s: any) => s.status === 'completed' && s.users === s.doneUsers && s.worker)).toBe(true);
    expect(job.data.evaluationJob.shards.reduce((t: number, s: any) => t + s.users, 0)).toBe(popSingle.dataset.users);
  });

  it('compares two versions on the same split: difference of the stored means, paired CI and a p-value in [0, 1]', async () => {
    als = await wait(await start({ modelRef: 'als/1', k: KS, shards: 2 }));
    expect(als.status).toBe('completed');
    const res = await gql(`query($a: ID!, $b: ID!) { compareEvaluations(a: $a, b: $b) { users method a { id } b { id } metrics { name a b difference ciLow ciHigh pValue users } } }`, { a: popSingle.id, b: als.id });
    expect(res.errors).toBeUndefined();
    const cmp = res.data.compareEvaluations;
    expect(cmp.users).toBe(popSingle.dataset.users);
    expect(cmp.method).toContain('sign-flip');
    const byName = (list: any[]) => Object.fromEntries(list.map((m) => [m.name, m]));
    const a = byName(popSingle.metrics), b = byName(als.metrics);
    expect(cmp.metrics.map((m: any) => m.name)).toContain('ndcg@10');
    for (const m of cmp.metrics) {
      expect(m.difference).toBeCloseTo(b[m.name].value - a[m.name].value, 12);
      expect(m.a).toBeCloseTo(a[m.name].value, 12);
      expect(m.pValue).toBeGreaterThan(0);
      expect(m.pValue).toBeLessThanOrEqual(1);
      expect(m.ciLow).toBeLessThanOrEqual(m.difference + 1e-12);
      expect(m.ciHigh).toBeGreaterThanOrEqual(m.difference - 1e-12);
    }
    const self = await gql(`query($a: ID!) { compareEvaluations(a: $a, b: $a, metrics: ["ndcg@10"]) { metrics { difference pValue } } }`, { a: popSingle.id });
    expect(self.data.compareEvaluations.metrics).toEqual([{ difference: 0, pValue: 1 }]);
    const list = await gql(`{ evaluations(filter: { model: "pop" }, limit: 1) { totalCount items { id model } } }`);
    expect(list.data.evaluations).toEqual({ totalCount: 2, items: [{ id: popSharded.id, model: 'pop' }] });
    const byDataset = await gql(`query($d: String) { evaluations(filter: { dataset: $d }) { totalCount } }`, { d: popSingle.dataset.fingerprint.slice(0, 16) });
    expect(byDataset.data.evaluations.totalCount).toBe(3);
  });

  it('leave-last-n refits the version on the training side; different splits are INCOMPARABLE', async () => {
    const refit = await wait(await start({ modelRef: 'pop/1', k: [10], split: { kind: 'leave_last_n', n: 2 }, shards: 2 }));
    expect(refit).toMatchObject({ status: 'completed', mode: 'refit', attachedToVersion: false, protocol: { split: 'leave_last_n', n: 2, cutoff: null } });
    expect(refit.metrics.find((m: any) => m.name === 'ndcg@10').value).toBeGreaterThan(0);
    const res = await gql(`query($a: ID!, $b: ID!) { compareEvaluations(a: $a, b: $b) { users } }`, { a: popSingle.id, b: refit.id });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INCOMPARABLE' });
    expect(res.errors?.[0]?.message).toContain('split temporal');
  });

  it('cancellation stops a running evaluation: cancelled, no results, the remaining shards never run', async () => {
    const id = await start({ modelRef: 'als/1', k: KS, shards: 64 });
    const mid = await wait(id, (e) => e.status === 'running' && e.progress.phase === 'shards' && e.progress.shardsDone >= 1, 60_000);
    expect(mid.progress.percent).toBeGreaterThan(5);
    expect(mid.progress.percent).toBeLessThan(95);
    const res = await gql(`mutation($id: ID!) { cancelEvaluation(id: $id) { status errorCode } }`, { id });
    expect(res.data.cancelEvaluation).toEqual({ status: 'cancelled', errorCode: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 1500));
    const after = await wait(id);
    expect(after).toMatchObject({ status: 'cancelled', metrics: [] });
    const shards = (await sql.query(`SELECT status, count(*)::int AS n FROM evaluation_shards WHERE evaluation_id = $1 GROUP BY status`, [id])).rows;
    const count = Object.fromEntries(shards.map((r) => [r.status, r.n]));
    expect(count['running'] ?? 0).toBe(0);
    expect(count['cancelled']).toBeGreaterThan(0);
    expect(count['completed'] ?? 0).toBeLessThan(64);
    expect(await userValues(id)).toEqual({});
    const again = await gql(`mutation($id: ID!) { cancelEvaluation(id: $id) { status } }`, { id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    const cmp = await gql(`query($a: ID!, $b: ID!) { compareEvaluations(a: $a, b: $b) { users } }`, { a: popSingle.id, b: id });
    expect(cmp.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'NOT_COMPLETED' });
  });

  it('matchlab evaluate run --follow, show, list and compare (built CLI)', async () => {
    // Asynchronously: with embedded PGlite the database is served by this test process.
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile('node', ['dist/apps/cli/src/main.js', ...args], { env, encoding: 'utf8', timeout: 90_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const noAlias = await gql(`mutation { startEvaluation(input: { modelRef: "als@champion" }) { id } }`);
    expect(noAlias.errors?.[0]).toMatchObject({ message: 'model als has no alias champion', extensions: { code: 'NOT_FOUND' } });
    expect((await gql(`mutation { setAlias(input: { model: "als", alias: "champion", version: 1 }) { gateReason } }`)).errors).toBeUndefined();
    const ok = await cli(['evaluate', 'run', '--model', 'als@champion', '--k', '5,10,20', '--shards', '3', '--follow', '--json']);
    expect(ok.code).toBe(0);
    const e = JSON.parse(ok.stdout);
    expect(e).toMatchObject({ status: 'completed', model: 'als', version: 1, modelRef: 'als@champion', shards: 3, runMode: expect.stringMatching(/^(worker|in-process)$/) });
    expect(e.metrics).toEqual(als.metrics); // same split and users as the 2-shard GraphQL run
    const shown = await cli(['evaluate', 'show', e.id]);
    expect(shown.stdout).toMatch(/^evaluation \S+: als\/1 \(als, artifact\) temporal \(cutoff 2026-06-08T00:00:00.000Z\), completed/);
    expect(shown.stdout).toMatch(/ndcg@10\s+0\.\d{4}\s+\[0\.\d{4}, 0\.\d{4}\]/);
    const cmp = JSON.parse((await cli(['evaluate', 'compare', popSingle.id, e.id, '--metrics', 'ndcg@10', '--json'])).stdout);
    const ndcg = (list: any[]) => list.find((m) => m.name === 'ndcg@10').value;
    expect(cmp.metrics).toHaveLength(1);
    expect(cmp.metrics[0].difference).toBeCloseTo(ndcg(e.metrics) - ndcg(popSingle.metrics), 12);
    const bad = await cli(['evaluate', 'run', '--model', 'pop/1', '--k', '10,0']);
    expect([bad.code, bad.stderr]).toEqual([1, 'matchlab: k must be integers in 1..200, got 0\n']);
  }, 120_000);

  it('bad input is a typed error: unknown model, k <= 0, leakage, unknown metric; analysts read but cannot start', async () => {
    const q = `mutation($input: StartEvaluationInput!) { startEvaluation(input: $input) { id } }`;
    const unknown = await gql(q, { input: { modelRef: 'nope/1' } });
    expect(unknown.errors?.[0]).toMatchObject({ message: 'model nope not found', extensions: { code: 'NOT_FOUND' } });
    const k0 = await gql(q, { input: { modelRef: 'pop/1', k: [10, 0] } });
    expect(k0.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' });
    const leak = await gql(q, { input: { modelRef: 'pop/1', split: { cutoff: '2026-06-05T00:00:00Z' } } });
    expect(leak.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'LEAKAGE' });
    const metric = await gql(q, { input: { modelRef: 'pop/1', metrics: ['ndcg', 'accuracy'] } });
    expect(metric.errors?.[0]?.message).toContain('unknown metric "accuracy"');
    const ref = await gql(q, { input: { modelRef: 'pop@Champ!' } });
    expect(ref.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const missing = await gql(`{ evaluation(id: "nope") { id } }`);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const key = (await gql('mutation { createApiKey(name: "analyst", role: analyst) { key } }')).data.createApiKey.key;
    expect((await gql(`{ evaluations { totalCount } }`, {}, key)).data.evaluations.totalCount).toBeGreaterThanOrEqual(4);
    expect((await gql(q, { input: { modelRef: 'pop/1' } }, key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(`{ evaluations { totalCount } }`, {}, '')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
