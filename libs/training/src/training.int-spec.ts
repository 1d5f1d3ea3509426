import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { startApi, type ApiProcess } from '../test/api-process.js';
import { FIXTURE_END, insertMarket } from '../test/market-fixture.js';

const JOB_FIELDS = 'id status errorCode error version result progress { percent phase iteration iterations loss trial trials } logs';
/** ALS settings that take minutes (factors 256, 100 CG steps, 1000 iterations): for cancellation and timeout. */
const SLOW_ALS = '{"factors":256,"cgSteps":100,"iterations":1000}';

// Runs the built API with its in-process worker (`--with-worker`) as a child process: the same code path as
// `npm start`, with fits on worker threads.
describe('training jobs, hyperparameter search and serving on the market tables', () => {
  let db: TestDatabase;
  let api: ApiProcess;
  let admin: string;
  let sql: pg.Client;
  const cutoff = FIXTURE_END.toISOString();

  const gql = (query: string, vars: Record<string, unknown> = {}) => api.gql(query, vars, admin);
  const waitJob = async (id: string, until: (j: any) => boolean, timeoutMs = 60_000): Promise<any> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const res = await gql(`query($id: ID!) { trainingJob(id: $id, logLines: 50) { ${JOB_FIELDS} } }`, { id });
      const job = res.data?.trainingJob;
      if (job && until(job)) return job;
      if (Date.now() > end) throw new Error(`job ${id} did not reach the state in time: ${JSON.stringify(job ?? res.errors)}\napi output:\n${api.proc.output().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const start = async (input: Record<string, unknown>) => {
    const res = await gql(`mutation($input: StartTrainingInput!) { startTraining(input: $input) { id status } }`, { input });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.startTraining.id as string;
  };
  const versionRow = async (model: string, version: number) =>
    (await sql.query(`SELECT v.* FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = $1 AND v.version = $2`, [model, version])).rows[0];
  const versionCount = async (model: string) => Number((await sql.query('SELECT count(*)::int AS n FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = $1', [model])).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('training');
    await insertMarket(db.url);
    api = await startApi(appEnv(db), ['--with-worker']);
    admin = await api.login();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    for (const [name, strategy] of [['pop', 'popularity'], ['als', 'als']]) {
      const r = await gql(`mutation { registerModel(input: { name: "${name}", strategy: "${strategy}" }) { name } }`);
      expect(r.errors).toBeUndefined();
    }
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    await api?.stop();
    await db?.drop();
  });

  it('trains a popularity model from the market tables and registers it with lineage and validation metrics', async () => {
    const id = await start({ model: 'pop', cutoff });
    const job = await waitJob(id, (j) => j.status !== 'queued' && j.status !== 'running');
    expect(job).toMatchObject({ status: 'completed', version: 1, errorCode: null, progress: { percent: 100, phase: 'done' } });
    expect(job.logs.join('\n')).toContain('snapshot:');

    // Reference counts straight from SQL: consenting candidates, jobs posted before the cut-off, non-impression interactions before it.
    const expected = (await sql.query(`
      SELECT (SELECT count(*) FROM interactions i JOIN candidates c ON c.id = i.candidate_id WHERE c.consent_training AND i.type <> 'impression' AND i.occurred_at < $1)::int AS interactions,
             (SELECT count(*) FROM candidates WHERE consent_training)::int AS candidates,
             (SELECT count(*) FROM jobs WHERE posted_at < $1)::int AS jobs`, [cutoff])).rows[0];
    expect(expected.candidates).toBe(35);
    const version = await versionRow('pop', 1);
    expect(version.dataset).toMatchObject({ cutoff, rows: expected, consent: 'candidates.consent_training = true', weights: { apply: 3, save: 2, click: 1, dismiss: 0 } });
    expect(version.dataset['interactionTypes']).toEqual(['apply', 'click', 'dismiss', 'save']);
    expect(version.params).toEqual({ halfLifeDays: null, binary: true });
    expect(version.code_version).toBe(execFileSync('git', ['rev-parse', 'HEAD']).toString().trim());
    expect(version.training_job_id).toBe(id);
    expect(version.training_seconds).toBeGreaterThan(0);
    expect(version.metrics['ndcg@10']).toBeGreaterThanOrEqual(0);
    expect(version.metrics['ndcg@10']).toBeLessThanOrEqual(1);
    expect(version.metrics['validation_users']).toBeGreaterThan(0);
  });

  it('trains ALS with per-iteration progress and loss, and registers the parameters it used', async () => {
    const id = await start({ model: 'als', params: '{"factors":8,"iterations":6,"trackLoss":true}', cutoff });
    const job = await waitJob(id, (j) => j.status !== 'queued' && j.status !== 'running');
    expect(job.status).toBe('completed');
    const version = await versionRow('als', job.version);
    expect(version.params).toMatchObject({ factors: 8, iterations: 6, trackLoss: true, regularization: 0.05 });
    expect(version.strategy).toBe('als');
    expect(version.dataset).toMatchObject({ cutoff, validation: { fraction: 0.1 } });
    expect(Object.keys(version.metrics)).toEqual(expect.arrayContaining(['ndcg@10', 'recall@10']));
    const row = (await sql.query('SELECT progress FROM training_jobs WHERE id = $1', [id])).rows[0];
    expect(row.progress).toMatchObject({ phase: 'done', percent: 100 });
    // the final progress report keeps the last iteration and its loss
    expect(row.progress.iteration).toBe(6);
    expect(row.progress.loss).toBeGreaterThan(0);
  });

  it('a cancelled job registers nothing: the running fit stops and a waiting job is removed from the queue', async () => {
    const before = await versionCount('als');
    const running = await start({ model: 'als', params: SLOW_ALS, cutoff, validationFraction: 0 });
    const waiting = await start({ model: 'als', params: '{"factors":4,"iterations":2}', cutoff });
    await waitJob(running, (j) => j.status === 'running' && (j.progress.iteration ?? 0) >= 1, 60_000);
    const w = await gql(`mutation($id: ID!) { cancelTraining(id: $id) { status errorCode } }`, { id: waiting });
    expect(w.data.cancelTraining).toEqual({ status: 'cancelled', errorCode: 'CANCELLED' });
    const t0 = Date.now();
    const r = await gql(`mutation($id: ID!) { cancelTraining(id: $id) { status } }`, { id: running });
    expect(r.errors).toBeUndefined();
    const done = await waitJob(running, (j) => j.status !== 'running', 30_000);
    expect(done).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED', version: null });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await versionCount('als')).toBe(before);
    const again = await gql(`mutation($id: ID!) { cancelTraining(id: $id) { status } }`, { id: running });
    expect(again.errors?.[0]?.message).toBe(`training job ${running} is already cancelled`);
  });

  it('a job over its time limit stops with TIMEOUT and registers nothing', async () => {
    const before = await versionCount('als');
    const id = await start({ model: 'als', params: SLOW_ALS, cutoff, validationFraction: 0, timeoutSeconds: 2 });
    const done = await waitJob(id, (j) => j.status === 'failed' || j.status === 'completed', 60_000);
    expect(done).toMatchObject({ status: 'failed', errorCode: 'TIMEOUT', version: null });
    expect(await versionCount('als')).toBe(before);
  });

  it('bad parameters, an unknown strategy and an unknown model are typed errors naming the problem', async () => {
    const bad = await gql(`mutation { startTraining(input: { model: "als", params: "{\\"factors\\": -1}" }) { id } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_PARAMS' });
    expect(bad.errors?.[0]?.message).toContain('invalid parameter factors');
    const unknownKey = await gql(`mutation { startTraining(input: { model: "als", params: "{\\"factorz\\": 3}" }) { id } }`);
    expect(unknownKey.errors?.[0]?.extensions?.reason).toBe('INVALID_PARAMS');
    const strategy = await gql(`mutation { startTraining(input: { model: "als", strategy: "deep-magic" }) { id } }`);
    expect(strategy.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_STRATEGY' });
    expect(strategy.errors?.[0]?.message).toContain('unknown strategy "deep-magic"');
    const model = await gql(`mutation { startTraining(input: { model: "nope" }) { id } }`);
    expect(model.errors?.[0]).toMatchObject({ message: 'model nope not found', extensions: { code: 'NOT_FOUND' } });
    const json = await gql(`mutation { startTraining(input: { model: "als", params: "{factors" }) { id } }`);
    expect(json.errors?.[0]?.message).toContain('params is not valid JSON');
    expect(await sql.query(`SELECT count(*)::int AS n FROM training_jobs WHERE status = 'queued'`).then((r) => r.rows[0].n)).toBe(0);
  });

  it('an empty training set fails the job with EMPTY_TRAINING_SET and no version', async () => {
    const before = await versionCount('pop');
    const id = await start({ model: 'pop', cutoff: '2020-01-01T00:00:00Z' });
    const done = await waitJob(id, (j) => j.status === 'failed' || j.status === 'completed');
    expect(done).toMatchObject({ status: 'failed', errorCode: 'EMPTY_TRAINING_SET', version: null });
    expect(done.error).toContain('no positive interactions before 2020-01-01T00:00:00.000Z');
    expect(await versionCount('pop')).toBe(before);
  });

  it('a grid search registers every trial tagged with the search and reports the best by validation NDCG@10', async () => {
    const before = await versionCount('als');
    const res = await gql(`mutation($input: StartHyperparameterSearchInput!) { startHyperparameterSearch(input: $input) { id } }`, {
      input: { model: 'als', method: 'grid', space: JSON.stringify({ factors: [2, 16], regularization: [0.01, 1] }), params: '{"iterations":4}', cutoff, validationFraction: 0.2 },
    });
    expect(res.errors).toBeUndefined();
    const id = res.data.startHyperparameterSearch.id;
    const done = await waitJob(id, (j) => j.status !== 'queued' && j.status !== 'running', 120_000);
    expect(done.status).toBe('completed');
    expect(await versionCount('als')).toBe(before + 4);
    const trials = (await sql.query(`SELECT v.version, v.params, v.metrics, v.tags FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'als' AND v.tags->>'search' = $1 ORDER BY v.version`, [id])).rows;
    expect(trials).toHaveLength(4);
    expect(trials.map((t) => [t.params.factors, t.params.regularization, t.params.iterations])).toEqual([[2, 0.01, 4], [2, 1, 4], [16, 0.01, 4], [16, 1, 4]]);
    const best = trials.reduce((a, b) => (b.metrics['ndcg@10'] > a.metrics['ndcg@10'] ? b : a));
    expect(done.version).toBe(best.version);
    expect(JSON.parse(done.result).best).toMatchObject({ version: best.version, metric: 'ndcg@10', value: best.metrics['ndcg@10'] });
    expect(best.tags.best).toBe('true');
    expect(trials.filter((t) => t.tags.best === 'true')).toHaveLength(1);
  });

  const startSearch = async (input: Record<string, unknown>) => {
    const res = await gql(`mutation($input: StartHyperparameterSearchInput!) { startHyperparameterSearch(input: $input) { id } }`, { input });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.startHyperparameterSearch.id as string;
  };
  const searchVersions = async (id: string) => Number((await sql.query(`SELECT count(*)::int AS n FROM model_versions WHERE tags->>'search' = $1 OR training_job_id = $1`, [id])).rows[0].n);

  it('a hyperparameter search cancelled after its first trial registers none of its trials', async () => {
    const before = await versionCount('als');
    const events = Number((await sql.query(`SELECT count(*)::int AS n FROM registry_events WHERE type = 'version.created'`)).rows[0].n);
    // Trial 1 is quick, trial 2 (256 factors, 100 CG steps, 1000 iterations) takes minutes.
    const id = await startSearch({ model: 'als', method: 'grid', space: JSON.stringify({ factors: [2, 256] }), params: '{"iterations":1000,"cgSteps":100}', cutoff, validationFraction: 0.2 });
    const midway = await waitJob(id, (j) => j.status !== 'queued' && ((j.progress.trial ?? 0) >= 2 || j.status !== 'running'), 90_000);
    expect(midway).toMatchObject({ status: 'running', progress: { trial: 2, trials: 2 } });
    expect(midway.logs.join('\n')).toContain('trial 1/2 {"factors":2');
    const r = await gql(`mutation($id: ID!) { cancelTraining(id: $id) { status } }`, { id });
    expect(r.errors).toBeUndefined();
    const done = await waitJob(id, (j) => j.status !== 'running', 30_000);
    expect(done).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED', version: null });
    expect(await versionCount('als')).toBe(before);
    expect(await searchVersions(id)).toBe(0);
    expect(Number((await sql.query(`SELECT count(*)::int AS n FROM registry_events WHERE type = 'version.created'`)).rows[0].n)).toBe(events);
  }, 150_000);

  it('a search whose job was cancelled elsewhere while it trained rolls its registration back', async () => {
    const before = await versionCount('als');
    const id = await startSearch({ model: 'als', method: 'grid', space: JSON.stringify({ factors: [2, 4] }), params: '{"iterations":300,"cgSteps":50}', cutoff, validationFraction: 0.2 });
    await waitJob(id, (j) => j.status === 'running', 30_000);
    // Another process finished the row (as a cancel from another node, or a redelivered stalled job, would): the
    // trials are trained, but registering them together with the job's completion must not happen.
    await sql.query(`UPDATE training_jobs SET status = 'cancelled', error = 'cancelled elsewhere', error_code = 'CANCELLED' WHERE id = $1`, [id]);
    const end = Date.now() + 60_000;
    while (!(await sql.query('SELECT logs FROM training_jobs WHERE id = $1', [id])).rows[0].logs.some((l: string) => l.includes('no longer running'))) {
      if (Date.now() > end) throw new Error(`search did not reach registration: ${api.proc.output().slice(-2000)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(await versionCount('als')).toBe(before);
    expect(await searchVersions(id)).toBe(0);
    expect((await sql.query('SELECT status, error FROM training_jobs WHERE id = $1', [id])).rows[0]).toEqual({ status: 'cancelled', error: 'cancelled elsewhere' });
  }, 90_000);

  it('serving returns the same ranking as the recommender loaded directly, with the version that served it', async () => {
    const set = await gql(`mutation { setAlias(input: { model: "als", alias: "champion", version: 1 }) { gateReason } }`);
    expect(set.errors).toBeUndefined();
    const candidates = (await sql.query(`SELECT id::text FROM candidates WHERE consent_training ORDER BY id LIMIT 5`)).rows.map((r) => r.id as string);
    // Asynchronously: with embedded PGlite the database is served by this very process.
    const directOut = (await promisify(execFile)('node', ['libs/training/test/direct-rank.mjs', db.url, 'als', '1', '5', ...candidates])).stdout;
    const directAll = JSON.parse(/^RESULT (.*)$/m.exec(directOut)![1]!) as Record<string, Array<{ id: string; score: number }>>;
    for (const cid of candidates) {
      const res = await gql(`query($c: ID!) { recommend(candidateId: $c, k: 5, modelRef: "als@champion") { model version strategy items { position score job { id title } } } }`, { c: cid });
      expect(res.errors).toBeUndefined();
      const direct = directAll[cid]!;
      expect(direct).toHaveLength(5);
      expect(res.data.recommend).toMatchObject({ model: 'als', version: 1, strategy: 'als' });
      expect(res.data.recommend.items.map((i: any) => i.job.id)).toEqual(direct.map((s) => s.id));
      expect(res.data.recommend.items.map((i: any) => i.position)).toEqual([1, 2, 3, 4, 5]);
      res.data.recommend.items.forEach((i: any, t: number) => expect(i.score).toBeCloseTo(direct[t]!.score, 5));
    }
    // A candidate without training consent is not in the model; it is served from its features, not refused.
    const outsider = (await sql.query(`SELECT id::text FROM candidates WHERE NOT consent_training LIMIT 1`)).rows[0].id;
    const res = await gql(`query($c: ID!) { recommend(candidateId: $c, k: 3, modelRef: "pop/1") { version items { position } } }`, { c: outsider });
    expect(res.data.recommend.items).toHaveLength(3);
    const missing = await gql(`{ recommend(candidateId: "999999", modelRef: "pop/1") { version } }`);
    expect(missing.errors?.[0]).toMatchObject({ message: 'candidate 999999 not found', extensions: { code: 'NOT_FOUND' } });
    const badRef = await gql(`{ recommend(candidateId: "1", modelRef: "pop@Champ!") { version } }`);
    expect(badRef.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lists jobs across the process and refuses training to an analyst', async () => {
    const list = await gql(`{ trainingJobs(limit: 100) { id status model } }`);
    expect(list.data.trainingJobs.length).toBeGreaterThanOrEqual(7);
    const key = (await gql('mutation { createApiKey(name: "pm", role: analyst) { key } }')).data.createApiKey.key;
    const refused = await api.gql(`mutation { startTraining(input: { model: "pop" }) { id } }`, {}, key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await api.gql(`{ recommend(candidateId: "1", k: 2, modelRef: "pop/1") { version } }`, {}, key);
    expect(allowed.data.recommend.version).toBe(1);
  });
});
