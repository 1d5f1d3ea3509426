import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { RegistryService } from '@app/registry';
import { SimulatorService } from '@app/simulator';
import { TrainingService } from '@app/training';
import pg from 'pg';
import { createApiApp } from '../../../apps/api/src/main.js';
import { runCliCaptured } from '../../../apps/cli/src/run-cli-captured.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { RetrainingService } from './retraining.service.js';

const DAY = 86_400_000;
/** A simulated market of the last 14 days, so a run "now" holds out its last days. */
const START = new Date(Math.floor(Date.now() / DAY) * DAY - 14 * DAY);
const RUN_FIELDS = `id model trigger triggerDetail status progress { percent phase } steps { name status jobs detail startedAt finishedAt }
  asOf championVersion trainingJobId version candidateEvaluationId championEvaluationId challengerSet error errorCode createdBy
  gate { allowed reason metric candidate champion maxDrop difference ciLow ciHigh pValue }`;
const ALS = { factors: 8, iterations: 5 };

/**
 * Continuous learning end to end on a real database and the real queues (API + worker in this process): a scheduled
 * retrain that fails at training leaves the champion untouched; a triggered one goes train → evaluate (new version and
 * champion on the latest temporal split) → gate → challenger alias, each step a queued job recorded in the lineage.
 */
describe('retraining policies and runs (scheduler, queue, train → evaluate → gate → challenger)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let token: string;
  let sql: pg.Client;
  let env: NodeJS.ProcessEnv;
  const gql = (query: string, vars: Record<string, unknown> = {}) => graphql<any>(app, query, vars, token);
  const aliases = async () => Object.fromEntries((await sql.query(`SELECT a.alias, v.version FROM model_aliases a JOIN models m ON m.id = a.model_id JOIN model_versions v ON v.id = a.version_id WHERE m.name = 'jobs-als'`)).rows.map((r) => [r.alias, r.version]));
  const versionCount = async () => Number((await sql.query(`SELECT count(*)::int AS n FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'jobs-als'`)).rows[0].n);
  const waitRun = async (find: () => Promise<any>, timeoutMs = 120_000): Promise<any> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = await find();
      if (r && r.status !== 'queued' && r.status !== 'running') return r;
      if (Date.now() > end) throw new Error(`retrain run did not end in time: ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  const runs = async () => (await gql(`query { retrainRuns(model: "jobs-als") { ${RUN_FIELDS} } }`)).data.retrainRuns as any[];
  const setPolicy = async (input: Record<string, unknown>) => gql(`mutation($input: SetRetrainPolicyInput!) { setRetrainPolicy(input: $input) { model enabled schedule { cron intervalMinutes } strategy params holdoutDays metric maxDrop trainingWindowDays nextRunAt } }`, { input: { model: 'jobs-als', ...input } });

  beforeAll(async () => {
    db = await createTestDatabase('retraining');
    env = appEnv(db);
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
    await app.get(SimulatorService, { strict: false }).simulateMarket({ seed: 41, candidates: 150, jobs: 300, days: 14, start: START });
    const registry = app.get(RegistryService, { strict: false });
    const training = app.get(TrainingService, { strict: false });
    await registry.registerModel({ name: 'jobs-als', strategy: 'als', owner: 'test' });
    // the champion: trained on the first five days
    const job = await training.startTraining({ model: 'jobs-als', params: ALS, cutoff: new Date(START.getTime() + 5 * DAY), validationFraction: 0 }, 'test', { enqueue: false });
    expect(await training.runInProcess(job.id)).toMatchObject({ status: 'completed', version: 1 });
    await registry.setAlias('jobs-als', 'champion', 1, { actor: 'test' });
  }, 180_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('refuses bad policies and runs without a policy with typed errors', async () => {
    const noPolicy = await gql(`mutation { triggerRetrain(model: "jobs-als") { id } }`);
    expect(noPolicy.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'NO_POLICY' });
    const badCron = await setPolicy({ schedule: { cron: '61 * * * *' } });
    expect(badCron.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT', details: { field: 'schedule.cron' } });
    const badParams = await setPolicy({ schedule: { intervalMinutes: 60 }, params: '{"factors": -1}' });
    expect(badParams.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'params' } });
    const badMetric = await setPolicy({ schedule: { intervalMinutes: 60 }, evaluation: { metric: 'auc' } });
    expect(badMetric.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'evaluation.metric' } });
    const unknownModel = await gql(`mutation { setRetrainPolicy(input: { model: "nope", schedule: { intervalMinutes: 60 } }) { model } }`);
    expect(unknownModel.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a scheduled retrain whose training fails records the failure and leaves the champion untouched', async () => {
    const before = await versionCount();
    // EASE refuses, at fit time, more jobs with interactions than maxItems: a real training failure
    const res = await setPolicy({ schedule: { cron: '* * * * * *' }, strategy: 'ease', params: '{"maxItems": 1}', evaluation: { holdoutDays: 3 } });
    expect(res.errors).toBeUndefined();
    expect(res.data.setRetrainPolicy).toMatchObject({ enabled: true, schedule: { cron: '* * * * * *', intervalMinutes: null }, strategy: 'ease', holdoutDays: 3, metric: 'ndcg@10' });
    const run = await waitRun(async () => (await runs()).find((r) => r.trigger === 'schedule'), 60_000);
    // stop the every-second schedule before anything else
    expect((await setPolicy({ enabled: false, schedule: { cron: '* * * * * *' }, strategy: 'ease', params: '{"maxItems": 1}' })).data.setRetrainPolicy).toMatchObject({ enabled: false, nextRunAt: null });
    await waitRun(async () => (await runs()).find((r) => r.status === 'queued' || r.status === 'running') ?? { status: 'none' });

    expect(run).toMatchObject({ status: 'failed', errorCode: 'TRAINING_FAILED', challengerSet: false, championVersion: 1, version: null, gate: null });
    expect(JSON.parse(run.triggerDetail)).toMatchObject({ scheduler: 'retrain:jobs-als' });
    expect(run.error).toMatch(/INVALID_PARAMS/);
    expect(run.steps.map((s: any) => [s.name, s.status])).toEqual([['train', 'failed'], ['evaluate', 'skipped'], ['gate', 'skipped']]);
    const tj = (await sql.query(`SELECT status, error_code, created_by FROM training_jobs WHERE id = $1`, [run.trainingJobId])).rows[0];
    expect(tj).toEqual({ status: 'failed', error_code: 'INVALID_PARAMS', created_by: `retrain:${run.id}` });
    expect(run.steps[0].jobs).toEqual([run.trainingJobId]);
    // champion untouched: same version, no alias move; nothing registered
    expect(await aliases()).toEqual({ champion: 1 });
    const history = (await sql.query(`SELECT alias, to_version FROM model_alias_history h JOIN models m ON m.id = h.model_id WHERE m.name = 'jobs-als' ORDER BY h.id`)).rows;
    expect(history).toEqual([{ alias: 'champion', to_version: 1 }]);
    expect(await versionCount()).toBe(before);
  }, 90_000);

  it('a triggered retrain trains on fresh data, evaluates it and the champion on the latest split, and sets challenger when the gate passes', async () => {
    const res = await setPolicy({ schedule: { cron: '0 3 1 1 *' }, strategy: 'als', params: JSON.stringify(ALS), evaluation: { holdoutDays: 3, metric: 'ndcg@10' }, gate: { maxDrop: 1 } });
    expect(res.errors).toBeUndefined();
    expect(new Date(res.data.setRetrainPolicy.nextRunAt).getUTCMonth()).toBe(0); // next 1 January, 03:00 UTC
    const started = await gql(`mutation { triggerRetrain(model: "jobs-als") { id status trigger } }`);
    expect(started.errors).toBeUndefined();
    const id = started.data.triggerRetrain.id;
    expect(started.data.triggerRetrain).toMatchObject({ trigger: 'manual' });
    const again = await gql(`mutation { triggerRetrain(model: "jobs-als") { id } }`);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' }); // one active run per model

    const seen = new Set<string>();
    const run = await waitRun(async () => {
      const r = (await gql(`query($id: ID!) { retrainRun(id: $id) { ${RUN_FIELDS} } }`, { id })).data.retrainRun;
      seen.add(r.progress.phase.split(':')[0]);
      return r;
    });
    expect(run).toMatchObject({ status: 'challenger', challengerSet: true, championVersion: 1, version: 2, progress: { percent: 100, phase: 'done' }, error: null });
    expect(seen.has('train') || seen.has('evaluate')).toBe(true);
    expect(run.steps.map((s: any) => [s.name, s.status])).toEqual([['train', 'completed'], ['evaluate', 'completed'], ['gate', 'completed']]);
    expect(run.steps[1].jobs).toEqual([run.candidateEvaluationId, run.championEvaluationId]);

    // train: the new version was trained before asOf − 3 days, by a queued training job, with lineage tags
    const asOf = new Date(run.asOf).getTime();
    const v2 = (await sql.query(`SELECT v.dataset, v.tags, v.metrics, v.training_job_id FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'jobs-als' AND v.version = 2`)).rows[0];
    expect(new Date(v2.dataset.cutoff).getTime()).toBe(asOf - 3 * DAY);
    expect(v2.training_job_id).toBe(run.trainingJobId);
    expect(v2.tags).toMatchObject({ retrainRun: id, retrainTrigger: 'manual', parentChampion: '1', retrainEvaluation: run.candidateEvaluationId, retrainChampionEvaluation: run.championEvaluationId, retrainGate: 'passed', trainingJob: run.trainingJobId });

    // evaluate: both on the same temporal split [asOf − 3 d, asOf), the champion's artifact as it is
    const evals = (await sql.query(`SELECT id, version, status, mode, protocol, dataset_fingerprint, users_fingerprint, results, attached_to_version FROM evaluations WHERE id = ANY($1) ORDER BY version`, [[run.candidateEvaluationId, run.championEvaluationId]])).rows;
    expect(evals.map((e) => [e.version, e.status, e.mode, e.attached_to_version])).toEqual([[1, 'completed', 'artifact', false], [2, 'completed', 'artifact', true]]);
    expect(evals[0].protocol.split).toEqual({ kind: 'temporal', cutoff: asOf - 3 * DAY });
    expect(evals[1].protocol).toEqual(evals[0].protocol);
    expect(evals[1].dataset_fingerprint).toBe(evals[0].dataset_fingerprint);
    const ndcg = (e: any) => e.results.find((m: any) => m.name === 'ndcg@10').value;
    expect(run.gate).toMatchObject({ metric: 'ndcg@10', maxDrop: 1, champion: ndcg(evals[0]), candidate: ndcg(evals[1]), allowed: true });
    expect(run.gate.difference).toBeCloseTo(ndcg(evals[1]) - ndcg(evals[0]), 6); // same users in both: paired mean difference
    expect(v2.metrics['ndcg@10']).toBe(ndcg(evals[1])); // attached to the new version, not to the champion

    // gate → challenger; the champion alias never moves
    expect(await aliases()).toEqual({ champion: 1, challenger: 2 });
    const moves = (await sql.query(`SELECT alias, to_version, actor, reason FROM model_alias_history h JOIN models m ON m.id = h.model_id WHERE m.name = 'jobs-als' ORDER BY h.id`)).rows;
    expect(moves.map((m) => [m.alias, m.to_version])).toEqual([['champion', 1], ['challenger', 2]]);
    expect(moves[1]).toMatchObject({ actor: `retrain:${id}`, reason: expect.stringContaining(`retrain run ${id} (manual)`) });
  }, 150_000);

  it('the gate decides by its rule on the two evaluations: a refused version stays registered without an alias', async () => {
    // popularity against the ALS champion with no drop allowed
    expect((await setPolicy({ schedule: { cron: '0 3 1 1 *' }, strategy: 'popularity', params: '{}', evaluation: { holdoutDays: 3 }, gate: { maxDrop: 0 } })).errors).toBeUndefined();
    const svc = app.get(RetrainingService, { strict: false });
    const started = await svc.trigger('jobs-als', 'manual', 'test');
    const run = await waitRun(() => svc.get(started.id));
    const g = run.gate!;
    expect(g.maxDrop).toBe(0);
    expect(g.allowed).toBe(g.candidate! >= g.champion!);
    expect(run.status).toBe(g.allowed ? 'challenger' : 'rejected');
    const a = await aliases();
    expect(a['champion']).toBe(1);
    expect(a['challenger']).toBe(g.allowed ? run.version : 2);
    const tags = (await sql.query(`SELECT v.tags FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'jobs-als' AND v.version = $1`, [run.version])).rows[0].tags;
    expect(tags.retrainGate).toBe(g.allowed ? 'passed' : 'refused');
  }, 150_000);

  it('drift in a policy\'s features triggers a run (once while one is active)', async () => {
    expect((await setPolicy({ schedule: { cron: '0 3 1 1 *' }, strategy: 'als', params: JSON.stringify(ALS), evaluation: { holdoutDays: 3 }, gate: { maxDrop: 1 }, drift: { service: 'job_alert_ranker', features: ['candidate_engagement.clicks_7d'] } })).errors).toBeUndefined();
    const svc = app.get(RetrainingService, { strict: false });
    const rows = [
      { service: 'job_alert_ranker', feature: 'candidate_engagement.clicks_7d', drifted: true },
      { service: 'job_alert_ranker', feature: 'job_freshness.age_days', drifted: true },
      { service: 'other', feature: 'candidate_engagement.clicks_7d', drifted: true },
    ];
    expect(await svc.onDrift(rows.slice(1))).toEqual([]); // drifted features the policy does not list
    const started = await svc.onDrift(rows);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ trigger: 'drift', triggerDetail: { service: 'job_alert_ranker', features: ['candidate_engagement.clicks_7d'] } });
    expect(await svc.onDrift(rows)).toEqual([]); // a run is already under way
    const run = await waitRun(() => svc.get(started[0]!.id));
    expect(run.status).toBe('challenger');
    expect(await svc.onDrift(rows)).toEqual([]); // finished, but within the cooldown
    expect((await aliases())).toMatchObject({ champion: 1, challenger: run.version });
  }, 150_000);

  it('CLI: retrain set | run --in-process | list', async () => {
    /** The matchlab CLI in this process, against the test database, with stdout and stderr captured. */
    const cli = (args: string[]) => runCliCaptured(args, env);
    const set = await cli(['retrain', 'set', '--model', 'jobs-als', '--cron', '0 3 1 1 *', '--strategy', 'als', '--params', JSON.stringify(ALS), '--holdout-days', '3', '--max-drop', '1', '--json']);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ model: 'jobs-als', enabled: true, schedule: { cron: '0 3 1 1 *' }, strategy: 'als', evaluation: { holdoutDays: 3, metric: 'ndcg@10' }, gate: { maxDrop: 1 } });
    const bad = await cli(['retrain', 'set', '--model', 'jobs-als', '--cron', '61 * * * *']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^matchlab: schedule\.cron: "61 \* \* \* \*" is not a valid cron pattern/);
    const run = await cli(['retrain', 'run', '--model', 'jobs-als', '--in-process', '--json']);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r).toMatchObject({ trigger: 'manual', status: 'challenger', challengerSet: true, championVersion: 1, createdBy: expect.stringMatching(/^cli:/) });
    expect(r.id).toMatch(/^local-/);
    expect(r.steps.map((s: any) => s.status)).toEqual(['completed', 'completed', 'completed']);
    expect((await aliases())).toMatchObject({ champion: 1, challenger: r.version });
    const list = await cli(['retrain', 'list', '--model', 'jobs-als', '--json']);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ id: r.id, status: 'challenger' });
    const human = await cli(['retrain', 'list']);
    expect(human.stdout).toMatch(/^jobs-als: cron "0 3 1 1 \*", als, hold-out 3 d, ndcg@10$/m); // set replaces the whole policy: no drift trigger now
  }, 150_000);
});
