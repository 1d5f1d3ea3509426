import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { SeededRng } from '@app/statistics';
import { TrainingService } from '@app/training';
import { graphql, loginAsAdmin, graphqlData } from '../../../e2e/support/graphql-client.js';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { ExperimentError } from './experiments.errors.js';
import { ExperimentsService } from './experiments.service.js';
import { insertUnitsAndJobs } from '../test/experiment-fixture.js';

const ALLOCATION = 'epoch reason arms { variant probability probabilityBest trials successes alpha beta }';
const OPE = `experimentKey target reward n clusters matched effectiveSampleSize meanWeight maxWeight clipped servedRate
  ips { estimate se ciLow ciHigh bootstrapLow bootstrapHigh } snips { estimate se ciLow ciHigh bootstrapLow bootstrapHigh }`;

// The API with its in-process worker on a fresh database; lists are served through rankedJobs (alerts' serving path,
// which asks libs/experiments for the unit's arm and logs the list with its serving probability) and clicked through
// recordInteractions.
describe('bandit experiments', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let admin: string;
  let sql: pg.Client;
  let service: ExperimentsService;
  const candidates: string[] = [];
  const jobs: string[] = [];
  const gql = (query: string, vars: Record<string, unknown> = {}) => graphql<any>(app, query, vars, admin);
  const ok = (query: string, vars: Record<string, unknown> = {}) => graphqlData<any>(app, query, vars, admin);
  const rankingCount = async (key: string) => Number((await sql.query('SELECT count(*) FROM experiment_rankings r JOIN experiments e ON e.id = r.experiment_id WHERE e.key = $1', [key])).rows[0].count);
  const waitRankings = async (key: string, n: number) => {
    const end = Date.now() + 30_000;
    for (;;) {
      await service.flush();
      const c = await rankingCount(key);
      if (c >= n) return;
      if (Date.now() > end) throw new Error(`${c} of ${n} rankings written`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('bandit');
    ({ app, close } = await startInProcessApi(db, { withWorker: true }));
    admin = await loginAsAdmin(app);
    service = app.get(ExperimentsService);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const rows = await insertUnitsAndJobs(sql, { jobs: 10, candidates: 80 });
    jobs.push(...rows.jobs);
    candidates.push(...rows.candidates);
    // A popularity model for rankedJobs to serve (every arm serves it: the arms differ only in their simulated appeal).
    await sql.query(`UPDATE candidates SET consent_training = true`);
    for (let i = 0; i < 6; i++) await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ($1, $2, $3, 'apply', now() - interval '1 hour')`, [`seed${i}`, candidates[i], jobs[i % 3]]);
    await ok('mutation { registerModel(input: { name: "jobs", strategy: "popularity" }) { name } }');
    const training = app.get(TrainingService);
    const started = await training.startTraining({ model: 'jobs', cutoff: new Date(), validationFraction: 0 }, 'test', { enqueue: false });
    expect(await training.runInProcess(started.id)).toMatchObject({ version: 1 });
  }, 180_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('refuses a bandit without an exploration floor, or with one out of range, with typed errors (service and GraphQL)', async () => {
    const variants = [{ key: 'a', weight: 0.5, modelRef: 'jobs/1' }, { key: 'b', weight: 0.5, modelRef: 'jobs/1' }];
    const missing = service.create({ key: 'bd-none', type: 'bandit', variants, primaryMetric: 'click_rate' }, 'test');
    await expect(missing).rejects.toBeInstanceOf(ExperimentError);
    await expect(missing).rejects.toMatchObject({ code: 'EXPLORATION_FLOOR_REQUIRED' });
    for (const floor of [0, -0.1, 0.5, 0.9]) {
      await expect(service.create({ key: 'bd-range', type: 'bandit', variants, primaryMetric: 'click_rate', bandit: { explorationFloor: floor } }, 'test')).rejects.toMatchObject({ code: 'INVALID_EXPLORATION_FLOOR' });
    }
    await expect(service.create({ key: 'bd-sticky', type: 'bandit', sticky: true, variants, primaryMetric: 'click_rate', bandit: { explorationFloor: 0.1 } }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service.create({ key: 'bd-reward', type: 'bandit', variants, primaryMetric: 'click_rate', bandit: { explorationFloor: 0.1, reward: 'view' as never } }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service.create({ key: 'bd-ab', variants, primaryMetric: 'click_rate', bandit: { explorationFloor: 0.1 } }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT' });

    const noFloor = await gql(`mutation($v: [ExperimentVariantInput!]) { createExperiment(input: { key: "bd-gql", type: "bandit", primaryMetric: "click_rate", variants: $v }) { key } }`, { v: variants });
    expect(noFloor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'EXPLORATION_FLOOR_REQUIRED' });
    const tooHigh = await gql(`mutation($v: [ExperimentVariantInput!]) { createExperiment(input: { key: "bd-gql", type: "bandit", primaryMetric: "click_rate", variants: $v, bandit: { explorationFloor: 0.5 } }) { key } }`, { v: variants });
    expect(tooHigh.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_EXPLORATION_FLOOR', details: { arms: 2, value: 0.5 } });
    expect(tooHigh.errors?.[0]?.message).toMatch(/explorationFloor 0\.5 must lie in \(0, 1\/2\)/);
    expect((await sql.query(`SELECT count(*) FROM experiments WHERE key LIKE 'bd-%'`)).rows[0].count).toBe('0');

    // Bandit-only operations on an A/B experiment are typed errors too.
    await service.create({ key: 'plain-ab', variants, primaryMetric: 'click_rate' }, 'test');
    await expect(service.refreshAllocation('plain-ab')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const ope = await gql(`{ offPolicyEstimate(experimentKey: "plain-ab", targetVariant: "a") { n } }`);
    expect(ope.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' });
  });

  it('serves lists through rankedJobs with logged propensities, shifts traffic to the better arm on refresh, keeps every arm at the floor, and estimates off-policy', async () => {
    const variants = [
      { key: 'low', weight: 0.34, modelRef: 'jobs/1' },
      { key: 'mid', weight: 0.33, modelRef: 'jobs/1' },
      { key: 'best', weight: 0.33, modelRef: 'jobs/1' },
    ];
    const created = await ok(`mutation($v: [ExperimentVariantInput!]) { createExperiment(input: { key: "bandit", type: "bandit", primaryMetric: "click_rate", variants: $v, bandit: { explorationFloor: 0.1, refreshMinutes: 30 } }) { key type bandit { explorationFloor reward refreshMinutes samples } } }`, { v: variants });
    expect(created.createExperiment).toEqual({ key: 'bandit', type: 'bandit', bandit: { explorationFloor: 0.1, reward: 'click', refreshMinutes: 30, samples: 10_000 } });
    await ok('mutation { startExperiment(key: "bandit") { status } }');
    // Epoch 0: the configured weights.
    const [epoch0] = (await ok(`{ banditAllocations(key: "bandit") { ${ALLOCATION} } }`)).banditAllocations;
    expect(epoch0).toMatchObject({ epoch: 0, reason: 'initial weights' });
    expect(epoch0.arms.map((a: any) => a.probability)).toEqual([0.34, 0.33, 0.33]);

    const clickRate: Record<string, number> = { low: 0.1, mid: 0.3, best: 0.6 };
    const rng = new SeededRng(2026);
    const served: Array<{ epoch: number; variant: string; rankingId: string }> = [];
    const shares: Array<Record<string, number>> = [];
    let lists = 0;
    for (let round = 0; round < 4; round++) {
      const { exp, allocation } = await service.compiledFor('bandit');
      expect(exp.type).toBe('bandit');
      const epoch = allocation!.epoch;
      const events: Array<{ eventId: string; rankingId: string; jobId: string; type: string }> = [];
      for (const c of candidates) {
        for (let l = 0; l < 2; l++) {
          const r = (await ok('query($c: ID!) { rankedJobs(candidateId: $c, limit: 3) { rankingId experimentKey variant modelRef jobs { job { id } } } }', { c })).rankedJobs;
          expect(r).toMatchObject({ experimentKey: 'bandit', modelRef: 'jobs/1' });
          served.push({ epoch, variant: r.variant, rankingId: r.rankingId });
          lists++;
          if (rng.next() < clickRate[r.variant]!) events.push({ eventId: `k-${r.rankingId}`, rankingId: r.rankingId, jobId: r.jobs[0].job.id, type: 'click' });
        }
      }
      await waitRankings('bandit', lists);
      await service.recordInteractions(events);
      const next = (await ok(`mutation { refreshBanditAllocation(key: "bandit") { ${ALLOCATION} } }`)).refreshBanditAllocation;
      expect(next).toMatchObject({ epoch: epoch + 1, reason: 'on demand' });
      const p = Object.fromEntries(next.arms.map((a: any) => [a.variant, a.probability]));
      shares.push(p);
      for (const a of next.arms) expect(a.probability).toBeGreaterThanOrEqual(0.1 - 1e-12);
      expect(next.arms.reduce((s: number, a: any) => s + a.probability, 0)).toBeCloseTo(1, 12);
      // The posterior counts are exactly the logged lists and clicked lists of the phase so far.
      const counts = (await sql.query(
        `SELECT r.variant, count(*)::int AS trials, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM interactions i WHERE i.ranking_id = r.ranking_id AND i.type = 'click'))::int AS successes
         FROM experiment_rankings r JOIN experiments e ON e.id = r.experiment_id WHERE e.key = 'bandit' GROUP BY r.variant`,
      )).rows;
      for (const c of counts) expect(next.arms.find((a: any) => a.variant === c.variant)).toMatchObject({ trials: c.trials, successes: c.successes, alpha: 1 + c.successes, beta: 1 + c.trials - c.successes });
    }
    // Traffic moved to the better arm; the others kept their floor.
    const last = shares[shares.length - 1]!;
    expect(last['best']).toBeGreaterThan(0.6);
    expect(last['best']).toBeGreaterThan(last['mid']!);
    expect(last['low']).toBeCloseTo(0.1, 6);
    const servedBest = (e: number) => served.filter((s) => s.epoch === e && s.variant === 'best').length / served.filter((s) => s.epoch === e).length;
    expect(servedBest(3)).toBeGreaterThan(servedBest(0));

    // Every list carries the serving probability of its arm in its epoch.
    const logged = (await sql.query(
      `SELECT r.variant, r.allocation_epoch AS epoch, r.propensity, a.arms FROM experiment_rankings r JOIN experiments e ON e.id = r.experiment_id
       JOIN experiment_allocations a ON a.experiment_id = r.experiment_id AND a.phase = r.phase AND a.epoch = r.allocation_epoch WHERE e.key = 'bandit'`,
    )).rows;
    expect(logged).toHaveLength(lists);
    for (const row of logged) expect(row.propensity).toBe(row.arms.find((a: any) => a.variant === row.variant).probability);
    expect((await sql.query(`SELECT count(DISTINCT propensity) AS n FROM experiment_exposure_items WHERE experiment_key = 'bandit' AND propensity IS NOT NULL`)).rows[0].n).not.toBe('0');

    // A unit keeps its arm within an epoch: assignment and servingAssignment agree and report the propensity.
    const unit = candidates[7]!;
    const a = (await ok(`{ assignment(experimentKey: "bandit", unitId: "${unit}") { inExperiment variant reason propensity allocationEpoch } }`)).assignment;
    expect(a).toMatchObject({ inExperiment: true, reason: 'assigned', allocationEpoch: 4 });
    expect(a.propensity).toBe(last[a.variant]);
    expect(await service.servingAssignment(unit)).toMatchObject({ experimentKey: 'bandit', type: 'bandit', variant: a.variant, propensity: a.propensity, allocationEpoch: 4 });
    // A list logged as another arm than the one drawn has no known propensity: refused.
    const other = ['low', 'mid', 'best'].find((v) => v !== a.variant)!;
    await expect(service.logRanking({ experimentKey: 'bandit', unitId: unit, variant: other, jobIds: [jobs[0]!], scores: [1] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // Logged with an explicit earlier epoch, the propensity is that epoch's.
    const early = served.find((s) => s.epoch === 0)!;
    const unitOfEarly = (await sql.query(`SELECT unit_id FROM experiment_rankings WHERE ranking_id = $1`, [early.rankingId])).rows[0].unit_id;
    const relog = await ok(`mutation($u: String!, $j: [String!]!) { logRanking(input: { experimentKey: "bandit", unitId: $u, jobIds: $j, scores: [1], allocationEpoch: 0 }) { variant propensity allocationEpoch } }`, { u: unitOfEarly, j: [jobs[0]] });
    expect(relog.logRanking).toEqual({ variant: early.variant, propensity: epoch0.arms.find((x: any) => x.variant === early.variant).probability, allocationEpoch: 0 });
    await waitRankings('bandit', lists + 1);

    // Off-policy estimates per arm; SNIPS recomputed independently in SQL.
    const rows = (await sql.query(
      `SELECT r.variant, r.unit_id, r.propensity, EXISTS (SELECT 1 FROM interactions i WHERE i.ranking_id = r.ranking_id AND i.type = 'click') AS clicked
       FROM experiment_rankings r JOIN experiments e ON e.id = r.experiment_id WHERE e.key = 'bandit' AND r.propensity IS NOT NULL`,
    )).rows;
    const estimates: Record<string, any> = {};
    for (const v of ['low', 'mid', 'best']) {
      const e = (await ok(`{ offPolicyEstimate(experimentKey: "bandit", targetVariant: "${v}", bootstrap: 500) { ${OPE} } }`)).offPolicyEstimate;
      estimates[v] = e;
      const mine = rows.filter((r) => r.variant === v);
      const sw = mine.reduce((s, r) => s + 1 / r.propensity, 0), swr = mine.reduce((s, r) => s + (r.clicked ? 1 / r.propensity : 0), 0);
      expect(e).toMatchObject({ experimentKey: 'bandit', target: v, reward: 'click', n: rows.length, matched: mine.length, clusters: new Set(rows.map((r) => r.unit_id)).size, clipped: 0 });
      expect(e.snips.estimate).toBeCloseTo(swr / sw, 10);
      expect(e.ips.estimate).toBeCloseTo(swr / rows.length, 10);
      expect(e.servedRate).toBeCloseTo(mine.filter((r) => r.clicked).length / mine.length, 10);
      expect(e.snips.ciLow).toBeLessThan(e.snips.estimate);
      expect(e.snips.ciHigh).toBeGreaterThan(e.snips.estimate);
      expect(e.ips.bootstrapLow).toBeLessThan(e.ips.bootstrapHigh);
      expect(e.effectiveSampleSize).toBeGreaterThan(0);
      expect(e.effectiveSampleSize).toBeLessThanOrEqual(mine.length + 1e-9);
      expect(Math.abs(e.snips.estimate - clickRate[v]!)).toBeLessThan(0.2);
    }
    expect(estimates['best'].snips.ciLow).toBeGreaterThan(estimates['low'].snips.ciHigh);
    // The logging policy itself, as a target, is estimated at about the observed click rate (weights average 1).
    const clipped = (await ok(`{ offPolicyEstimate(experimentKey: "bandit", targetVariant: "best", clip: 1.5) { clipped maxWeight } }`)).offPolicyEstimate;
    expect(clipped.maxWeight).toBe(1.5);
    expect(clipped.clipped).toBeGreaterThan(0);
    const uniform = (await ok(`{ offPolicyEstimate(experimentKey: "bandit", targetAllocation: [{ variant: "low", probability: 0.5 }, { variant: "best", probability: 0.5 }]) { target snips { estimate } } }`)).offPolicyEstimate;
    expect(uniform.snips.estimate).toBeGreaterThan(estimates['low'].snips.estimate);
    expect(uniform.snips.estimate).toBeLessThan(estimates['best'].snips.estimate);
    const bad = await gql(`{ offPolicyEstimate(experimentKey: "bandit", targetVariant: "nope") { n } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  }, 240_000);

  it('the scheduled refresh opens an epoch only when the latest is older than refreshMinutes; killing an arm reallocates at once', async () => {
    const before = (await service.allocations('bandit'))[0]!;
    expect((await service.refreshDueBandits()).refreshed).not.toContain('bandit');
    await sql.query(`UPDATE experiment_allocations SET computed_at = computed_at - interval '31 minutes' WHERE epoch = $1 AND experiment_id = (SELECT id FROM experiments WHERE key = 'bandit')`, [before.epoch]);
    expect((await service.refreshDueBandits()).refreshed).toContain('bandit');
    const after = (await service.allocations('bandit'))[0]!;
    expect(after).toMatchObject({ epoch: before.epoch + 1, reason: 'scheduled refresh' });

    await service.update('bandit', { killed: ['low'] });
    const killed = (await service.allocations('bandit'))[0]!;
    expect(killed.epoch).toBe(after.epoch + 1);
    expect(killed.arms.find((a) => a.variant === 'low')!.probability).toBe(0);
    for (const a of killed.arms.filter((x) => x.variant !== 'low')) expect(a.probability).toBeGreaterThanOrEqual(0.1);
    // The floor must still fit the live arms: killing a second arm of three with a floor of 0.1 is fine, a floor of 0.6 is not.
    await expect(service.update('bandit', { bandit: { explorationFloor: 0.6 } })).rejects.toMatchObject({ code: 'INVALID_EXPLORATION_FLOOR' });
    await new Promise((r) => setTimeout(r, 1100)); // the per-process assignment cache
    for (const c of candidates.slice(0, 30)) expect((await service.assignment('bandit', c)).variant).not.toBe('low');
  });
});
