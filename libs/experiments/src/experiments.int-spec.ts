import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { RegistryService } from '@app/registry';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { bucketOf } from './assignment.js';
import { ExperimentsService } from './experiments.service.js';
import { insertUnitsAndJobs } from '../test/experiment-fixture.js';

const EXP_FIELDS = 'key status phase coverage variants { key weight modelRef killed } namespace { name start end } decision decisionVariant promotedVersion';

// The API with its in-process worker (exposure processor) on a fresh database: PostgreSQL + Redis in CI,
// embedded PGlite with the Postgres queue backend otherwise.
describe('experiments', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let admin: string;
  let sql: pg.Client;
  let service: ExperimentsService;
  const candidates: string[] = [];
  const jobs: string[] = [];
  const gql = <T = any>(query: string, vars: Record<string, unknown> = {}) => graphql<T>(app, query, vars, admin);
  const ok = async (query: string, vars: Record<string, unknown> = {}) => {
    const res = await gql(query, vars);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data as any;
  };
  const reason = async (query: string, vars: Record<string, unknown> = {}) => {
    const res = await gql(query, vars);
    expect(res.data ?? null).toBeNull();
    return { code: res.errors?.[0]?.extensions?.code, reason: res.errors?.[0]?.extensions?.reason, message: res.errors?.[0]?.message };
  };
  const create = (input: Record<string, unknown>) => gql(`mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { ${EXP_FIELDS} } }`, { i: input });
  const abInput = (key: string, over: Record<string, unknown> = {}) => ({
    key,
    hypothesis: 'ALS beats popularity on click rate',
    variants: [
      { key: 'control', weight: 0.5, modelRef: 'jobs-pop@champion' },
      { key: 'treatment', weight: 0.5, modelRef: 'jobs-pop/2' },
    ],
    primaryMetric: 'click_rate',
    guardrailMetrics: ['dismiss_rate'],
    ...over,
  });
  const waitRankings = async (n: number, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      await service.flush();
      const c = Number((await sql.query('SELECT count(*) FROM experiment_rankings')).rows[0].count);
      if (c >= n) return c;
      if (Date.now() > end) throw new Error(`${c} of ${n} rankings written in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('experiments');
    ({ app, close } = await startInProcessApi(db, { withWorker: true }));
    admin = await loginAsAdmin(app);
    service = app.get(ExperimentsService);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const rows = await insertUnitsAndJobs(sql, { jobs: 20, candidates: 40 });
    jobs.push(...rows.jobs);
    candidates.push(...rows.candidates);
    const registry = app.get(RegistryService);
    await registry.registerModel({ name: 'jobs-pop', strategy: 'popularity', owner: 'test' });
    // Version 2 is worse offline than the champion (version 1): only a concluded experiment gets it through the gate.
    for (const [n, ndcg] of [[1, 0.3], [2, 0.2]] as const) {
      await registry.createVersion('jobs-pop', { artifact: Buffer.from(`w${n}`), artifactFormat: 'test/1', params: {}, dataset: {}, codeVersion: 'x', trainingSeconds: 1, metrics: { 'ndcg@10': ndcg }, createdBy: 'test' });
    }
    await registry.setAlias('jobs-pop', 'champion', 1, { actor: 'test' });
    await expect(registry.setAlias('jobs-pop', 'champion', 2, { actor: 'test' })).rejects.toMatchObject({ code: 'GATE_REFUSED' });
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('refuses bad definitions with typed codes and writes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [abInput('bad-weights', { variants: [{ key: 'a', weight: 0.5, modelRef: 'jobs-pop@champion' }, { key: 'b', weight: 0.6, modelRef: 'jobs-pop/2' }] }), 'WEIGHTS_NOT_SUMMING_TO_ONE'],
      [abInput('bad-metric', { primaryMetric: 'revenue' }), 'UNKNOWN_METRIC'],
      [abInput('bad-guardrail', { guardrailMetrics: ['nps'] }), 'UNKNOWN_METRIC'],
      [abInput('bad-ref', { variants: [{ key: 'a', weight: 0.5, modelRef: 'Jobs Pop' }, { key: 'b', weight: 0.5, modelRef: 'jobs-pop/2' }] }), 'INVALID_INPUT'],
      [abInput('bad-coverage', { coverage: 1.5 }), 'INVALID_INPUT'],
    ];
    for (const [input, code] of cases) {
      const r = await create(input);
      expect({ key: input['key'], reason: r.errors?.[0]?.extensions?.reason }).toEqual({ key: input['key'], reason: code });
    }
    expect(Number((await sql.query('SELECT count(*) FROM experiments')).rows[0].count)).toBe(0);
  });

  it('keeps experiments of one namespace in disjoint bucket ranges', async () => {
    await ok(`mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { key } }`, { i: abInput('ns-a', { namespace: { name: 'alerts', start: 0, end: 5000 } }) });
    const r = await create(abInput('ns-b', { namespace: { name: 'alerts', start: 4000, end: 10000 } }));
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NAMESPACE_OVERLAP' });
    await ok(`mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { key } }`, { i: abInput('ns-b', { namespace: { name: 'alerts', start: 5000, end: 10000 } }) });
  });

  it('runs the lifecycle draft → running → paused → running → stopped → concluded and refuses other moves', async () => {
    const created = (await ok(`mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { ${EXP_FIELDS} } }`, { i: abInput('life', { coverage: 0.5 }) })).createExperiment;
    expect(created).toMatchObject({ key: 'life', status: 'draft', phase: 0, coverage: 0.5 });
    expect(await reason('mutation { pauseExperiment(key: "life") { status } }')).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'INVALID_TRANSITION' });
    expect((await ok('mutation { startExperiment(key: "life") { status phase } }')).startExperiment).toEqual({ status: 'running', phase: 1 });
    expect((await ok('mutation { pauseExperiment(key: "life") { status } }')).pauseExperiment.status).toBe('paused');
    expect((await ok('mutation { startExperiment(key: "life") { status phase } }')).startExperiment).toEqual({ status: 'running', phase: 1 });
    expect((await ok('query { experiments(status: "running") { key } }')).experiments).toEqual([{ key: 'life' }]);
    expect((await ok('mutation { stopExperiment(key: "life") { status } }')).stopExperiment.status).toBe('stopped');
    expect(await reason('mutation { startExperiment(key: "life") { status } }')).toMatchObject({ reason: 'INVALID_TRANSITION' });
    expect(await reason('mutation { concludeExperiment(key: "life", decision: "ship") { status } }')).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' });
    const concluded = (await ok('mutation { concludeExperiment(key: "life", decision: "rollback", note: "no lift") { status decision decisionNote } }')).concludeExperiment;
    expect(concluded).toEqual({ status: 'concluded', decision: 'rollback', decisionNote: 'no lift' });
    expect(await reason('query { experiment(key: "nope") { key } }')).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves assignments through GraphQL that match the pure hash, and phases on reshuffling changes', async () => {
    await ok(`mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { key } }`, { i: abInput('assign', { coverage: 0.4, forced: [{ unitId: 'qa-1', variant: 'treatment' }] }) });
    const before = await ok('query { assignment(experimentKey: "assign", unitId: "u1") { reason inExperiment serve } }');
    expect(before.assignment).toEqual({ reason: 'not_running', inExperiment: false, serve: 'control' });
    await ok('mutation { startExperiment(key: "assign") { status } }');
    const seed = (await ok('query { experimentPhases(key: "assign") { phase seed } }')).experimentPhases[0].seed;
    const units = Array.from({ length: 60 }, (_, i) => `unit-${i}`);
    const assigned: Record<string, string | null> = {};
    for (const u of units) {
      const a = (await ok('query($u: String!) { assignment(experimentKey: "assign", unitId: $u) { variant bucket reason phase } }', { u })).assignment;
      expect(a.bucket).toBe(bucketOf(seed, u));
      const want = a.bucket < 2000 ? 'control' : a.bucket >= 5000 && a.bucket < 7000 ? 'treatment' : null;
      expect({ u, variant: a.variant }).toEqual({ u, variant: want });
      assigned[u] = a.variant;
    }
    expect((await ok('query { assignment(experimentKey: "assign", unitId: "qa-1") { variant reason } }')).assignment).toEqual({ variant: 'treatment', reason: 'forced' });

    // More coverage: nobody enrolled moves, same phase.
    expect((await ok('mutation { updateExperiment(key: "assign", input: { coverage: 0.8 }) { phase coverage } }')).updateExperiment).toEqual({ phase: 1, coverage: 0.8 });
    for (const u of units) {
      if (!assigned[u]) continue;
      expect((await ok('query($u: String!) { assignment(experimentKey: "assign", unitId: $u) { variant } }', { u })).assignment.variant).toBe(assigned[u]);
    }
    // New weights would reshuffle: refused, nothing changed; accepted with a new phase and a new seed.
    const reweight = 'mutation($np: Boolean!) { updateExperiment(key: "assign", newPhase: $np, reason: "70/30", input: { variants: [{ key: "control", weight: 0.7, modelRef: "jobs-pop@champion" }, { key: "treatment", weight: 0.3, modelRef: "jobs-pop/2" }] }) { phase variants { weight } } }';
    expect(await reason(reweight, { np: false })).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'RESHUFFLE_REQUIRES_NEW_PHASE' });
    expect((await ok('query { experiment(key: "assign") { phase variants { weight } } }')).experiment).toEqual({ phase: 1, variants: [{ weight: 0.5 }, { weight: 0.5 }] });
    expect((await ok(reweight, { np: true })).updateExperiment).toEqual({ phase: 2, variants: [{ weight: 0.7 }, { weight: 0.3 }] });
    const phases = (await ok('query { experimentPhases(key: "assign") { phase seed reason endedAt } }')).experimentPhases;
    expect(phases).toHaveLength(2);
    expect(phases[0].endedAt).not.toBeNull();
    expect(phases[1]).toMatchObject({ phase: 2, reason: '70/30', endedAt: null });
    expect(phases[1].seed).not.toBe(phases[0].seed);
    // Killing an arm is not a reshuffle.
    const killed = (await ok('mutation { updateExperiment(key: "assign", input: { killed: ["treatment"] }) { phase variants { key killed } } }')).updateExperiment;
    expect(killed).toEqual({ phase: 2, variants: [{ key: 'control', killed: false }, { key: 'treatment', killed: true }] });
  });

  it('tells serving paths which running experiment and model a unit gets', async () => {
    // Only "assign" runs now (70/30 since its new phase, treatment killed): its enrolled units are control.
    let unit = '';
    for (let i = 0; !unit; i++) if ((await service.assignment('assign', `serve-${i}`)).inExperiment) unit = `serve-${i}`;
    expect(await service.servingAssignment(unit)).toEqual({ experimentKey: 'assign', type: 'ab', variant: 'control', phase: 2, modelRef: 'jobs-pop@champion', strategy: null, propensity: null, allocationEpoch: null });
    await service.pause('assign');
    expect(await service.servingAssignment(unit)).toBeNull();
    await service.start('assign');
    expect((await service.servingAssignment(unit))?.experimentKey).toBe('assign');
  });

  it('keeps sticky units in their variant across phases', async () => {
    await ok(`mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { key } }`, { i: abInput('sticky', { sticky: true }) });
    await ok('mutation { startExperiment(key: "sticky") { status } }');
    const first: Record<string, string> = {};
    for (let i = 0; i < 20; i++) first[`s${i}`] = (await service.assignment('sticky', `s${i}`)).variant!;
    await service.update('sticky', { variants: [{ key: 'control', weight: 0.2, modelRef: 'jobs-pop@champion' }, { key: 'treatment', weight: 0.8, modelRef: 'jobs-pop/2' }] }, { newPhase: true });
    for (let i = 0; i < 20; i++) expect((await service.assignment('sticky', `s${i}`)).variant).toBe(first[`s${i}`]);
    expect(Number((await sql.query(`SELECT count(*) FROM experiment_assignments`)).rows[0].count)).toBe(20);
  });

  it('logs ranked lists at item level through the queue, once per ranking id, and attributes interactions', async () => {
    await ok(`mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { key } }`, { i: abInput('log') });
    await ok('mutation { startExperiment(key: "log") { status } }');
    const rankingIds: string[] = [];
    for (const c of candidates) {
      const r = (await ok('mutation($i: LogRankingInput!) { logRanking(input: $i) { rankingId variant phase } }', { i: { experimentKey: 'log', unitId: c, jobIds: jobs.slice(0, 5), scores: [5, 4, 3, 2, 1] } })).logRanking;
      expect(r.variant).toBe((await service.assignment('log', c)).variant);
      rankingIds.push(r.rankingId);
    }
    // A client retry of the same ranking id is written once.
    await ok('mutation($i: LogRankingInput!) { logRanking(input: $i) { rankingId } }', { i: { experimentKey: 'log', unitId: candidates[0], jobIds: jobs.slice(0, 5), scores: [5, 4, 3, 2, 1], rankingId: rankingIds[0] } });
    await waitRankings(candidates.length);
    await new Promise((r) => setTimeout(r, 300));
    expect(Number((await sql.query('SELECT count(*) FROM experiment_rankings')).rows[0].count)).toBe(candidates.length);
    const items = (await sql.query(`SELECT * FROM experiment_exposure_items WHERE ranking_id = $1 ORDER BY position`, [rankingIds[0]])).rows;
    expect(items.map((i) => [i.position, i.job_id, i.score])).toEqual(jobs.slice(0, 5).map((j, p) => [p, j, 5 - p]));
    expect(items[0]).toMatchObject({ unit_id: candidates[0], experiment_key: 'log', phase: 1 });
    expect(items[0].model_version).toMatch(/^jobs-pop/);

    // Interactions: unknown rankings are refused as a whole; repeats are ignored.
    const bad = await reason('mutation($i: [ExperimentInteractionInput!]!) { recordInteractions(inputs: $i) { recorded } }', { i: [{ eventId: 'e-ok', rankingId: rankingIds[0], jobId: jobs[0], type: 'click' }, { eventId: 'e-bad', rankingId: 'no-such-ranking', jobId: jobs[0], type: 'click' }] });
    expect(bad).toMatchObject({ code: 'NOT_FOUND', reason: 'UNKNOWN_RANKING' });
    expect(Number((await sql.query(`SELECT count(*) FROM interactions`)).rows[0].count)).toBe(0);
    const events = rankingIds.flatMap((rid, i) => [{ eventId: `imp-${i}`, rankingId: rid, jobId: jobs[1], type: 'impression' }, ...(i % 4 === 0 ? [{ eventId: `clk-${i}`, rankingId: rid, jobId: jobs[1], type: 'click' }] : [])]);
    expect((await ok('mutation($i: [ExperimentInteractionInput!]!) { recordInteractions(inputs: $i) { recorded duplicates } }', { i: events })).recordInteractions).toEqual({ recorded: events.length, duplicates: 0 });
    expect((await ok('mutation($i: ExperimentInteractionInput!) { recordInteraction(input: $i) { recorded duplicates } }', { i: events[0] })).recordInteraction).toEqual({ recorded: 0, duplicates: 1 });
    const attributed = (await sql.query(`SELECT ranking_id, experiment_key, variant, position, candidate_id::text FROM interactions WHERE event_id = 'clk-0'`)).rows[0];
    expect(attributed).toEqual({ ranking_id: rankingIds[0], experiment_key: 'log', variant: (await service.assignment('log', candidates[0])).variant, position: 1, candidate_id: candidates[0] });
    // An unsubscribe from the alert that carried a ranking attributes back to it like any other interaction.
    await ok('mutation($i: ExperimentInteractionInput!) { recordInteraction(input: $i) { recorded } }', { i: { eventId: 'unsub-1', rankingId: rankingIds[1], jobId: jobs[1], type: 'unsubscribe' } });
    expect((await sql.query(`SELECT type, ranking_id FROM interactions WHERE event_id = 'unsub-1'`)).rows).toEqual([{ type: 'unsubscribe', ranking_id: rankingIds[1] }]);
    await sql.query(`DELETE FROM interactions WHERE event_id = 'unsub-1'`); // the counts below are about clicks and impressions

    const results = (await ok('query { experimentResults(key: "log") { variant units rankings items impressions clicks metrics { metric role value } } }')).experimentResults;
    expect(results.map((r: any) => r.units).reduce((a: number, b: number) => a + b, 0)).toBe(candidates.length);
    expect(results.map((r: any) => r.clicks).reduce((a: number, b: number) => a + b, 0)).toBe(10);
    for (const r of results) {
      expect(r.items).toBe(r.rankings * 5);
      expect(r.metrics[0]).toEqual({ metric: 'click_rate', role: 'primary', value: r.items ? r.clicks / r.items : null });
    }
  });

  it('promotes the shipped variant to champion through the registry gate, recording the experiment', async () => {
    expect(await reason('mutation { promoteExperiment(key: "log") { model } }')).toMatchObject({ reason: 'INVALID_TRANSITION' });
    await ok('mutation { concludeExperiment(key: "log", decision: "ship", variant: "treatment", note: "clicks up") { status } }');
    const promoted = (await ok('mutation { promoteExperiment(key: "log") { model version experiment { promotedVersion } } }')).promoteExperiment;
    expect(promoted).toEqual({ model: 'jobs-pop', version: 2, experiment: { promotedVersion: 'jobs-pop/2' } });
    const history = (await sql.query(`SELECT to_version, experiment_key, reason FROM model_alias_history WHERE alias = 'champion' ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(history).toEqual({ to_version: 2, experiment_key: 'log', reason: 'experiment log: ship treatment (clicks up)' });
  });
});
