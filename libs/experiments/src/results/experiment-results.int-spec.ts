import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { QueueNames } from '@app/queue';
import { compareArms, srmCheck } from '@app/statistics';
import { graphql, loginAsAdmin } from '../../../../e2e/support/graphql-client.js';
import { startInProcessApi } from '../../../../e2e/support/in-process-api.js';
import { createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';
import { ExperimentsService } from '../experiments.service.js';
import { insertUnitsAndJobs } from '../../test/experiment-fixture.js';

const FIELDS = `experimentKey phase computedAt control primaryMetric cupedAvailable
  srm { chi2 df p flagged expected } unitsPerVariant { variant units weight }
  variants { variant units rankings items clicks applies metrics { metric role value } }
  comparisons { variant metric role kind controlUnits treatmentUnits controlMean treatmentMean
    absolute { estimate ciLow ciHigh p } relative { estimate ciLow ciHigh p } welchP adjustedP cuped cupedTheta
    sequentialAbsolute { ciLow ciHigh } sequentialRelative { ciLow ciHigh } sequentialSignificant chanceToBeatControl
    nonInferiority { margin harmful estimate bound p nonInferior } note }
  timeSeries { day variant controlUnits treatmentUnits relativeLift ciLow ciHigh sequentialCiLow sequentialCiHigh }`;

// The API with its in-process worker on a fresh database; rankings and interactions go through the service.
describe('experiment results (statistics engine on the logs)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let admin: string;
  let sql: pg.Client;
  let service: ExperimentsService;
  const candidates: string[] = [];
  const jobs: string[] = [];
  const ok = async (query: string, vars: Record<string, unknown> = {}) => {
    const res = await graphql<any>(app, query, vars, admin);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data as any;
  };
  const analysis = async (key: string, refresh = false) => (await ok(`query($k: String!, $r: Boolean!) { experimentAnalysis(key: $k, refresh: $r) { ${FIELDS} } }`, { k: key, r: refresh })).experimentAnalysis;
  const waitRankings = async (key: string, n: number) => {
    const end = Date.now() + 30_000;
    for (;;) {
      await service.flush();
      const c = Number((await sql.query('SELECT count(*) FROM experiment_rankings r JOIN experiments e ON e.id = r.experiment_id WHERE e.key = $1', [key])).rows[0].count);
      if (c >= n) return;
      if (Date.now() > end) throw new Error(`${c} of ${n} rankings written`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const create = (key: string, over: Record<string, unknown> = {}) =>
    service.create({ key, variants: [{ key: 'control', weight: 0.5, modelRef: 'jobs-pop@champion' }, { key: 'treatment', weight: 0.5, modelRef: 'jobs-pop/2' }], primaryMetric: 'click_rate', secondaryMetrics: ['clicks_per_unit', 'apply_rate'], guardrailMetrics: ['dismiss_rate'], ...over }, 'test');

  beforeAll(async () => {
    db = await createTestDatabase('experiment_results');
    ({ app, close } = await startInProcessApi(db, { withWorker: true }));
    admin = await loginAsAdmin(app);
    service = app.get(ExperimentsService);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const rows = await insertUnitsAndJobs(sql, { jobs: 10, candidates: 80 });
    jobs.push(...rows.jobs);
    candidates.push(...rows.candidates);
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('computes every figure from the logs, consistent with SQL counts and compareArms on the same sums, cached until refreshed', async () => {
    // Pre-period engagement (before the experiment starts): the CUPED covariate.
    for (let i = 0; i < candidates.length; i++) {
      for (let k = 0; k < i % 4; k++) {
        await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ($1, $2, $3, 'click', now() - interval '10 days')`, [`pre-${i}-${k}`, candidates[i], jobs[k]]);
      }
    }
    await create('stats');
    await service.start('stats');
    const yesterday = new Date(Date.now() - 86_400_000);
    const events: Array<{ eventId: string; rankingId: string; jobId: string; type: string }> = [];
    let rankings = 0;
    for (let i = 0; i < candidates.length; i++) {
      for (const [d, servedAt] of [[0, yesterday], [1, new Date()]] as const) {
        if (d === 1 && i % 2 === 0) continue; // half the units come back on the second day
        const { rankingId, variant } = await service.logRanking({ experimentKey: 'stats', unitId: candidates[i]!, jobIds: jobs, scores: jobs.map((_, p) => 10 - p), servedAt });
        rankings++;
        const clicks = (i % 3) + (variant === 'treatment' && i % 2 === 0 ? 1 : 0) + (i % 4 === 3 ? 1 : 0);
        for (let c = 0; c < clicks; c++) events.push({ eventId: `clk-${i}-${d}-${c}`, rankingId, jobId: jobs[c * 2]!, type: 'click' });
        if (i % 5 === 0) events.push({ eventId: `app-${i}-${d}`, rankingId, jobId: jobs[0]!, type: 'apply' });
        if (i % 7 === 0) events.push({ eventId: `dis-${i}-${d}`, rankingId, jobId: jobs[9]!, type: 'dismiss' });
      }
    }
    await waitRankings('stats', rankings);
    await service.recordInteractions(events);

    const a = await analysis('stats');
    expect(a).toMatchObject({ experimentKey: 'stats', phase: 1, control: 'control', primaryMetric: 'click_rate', cupedAvailable: true });
    // Counts equal SQL counts.
    const units: Array<{ variant: string; units: string; clicks: string }> = (await sql.query(
      `SELECT r.variant, count(DISTINCT r.unit_id) AS units, (SELECT count(*) FROM interactions i WHERE i.experiment_key = 'stats' AND i.variant = r.variant AND i.type = 'click') AS clicks
       FROM experiment_rankings r GROUP BY r.variant ORDER BY r.variant`,
    )).rows;
    for (const u of units) {
      expect(a.variants.find((v: any) => v.variant === u.variant)).toMatchObject({ units: Number(u.units), clicks: Number(u.clicks) });
      expect(a.unitsPerVariant.find((v: any) => v.variant === u.variant).units).toBe(Number(u.units));
    }
    const n = units.map((u) => Number(u.units));
    const srm = srmCheck(n, [0.5, 0.5]);
    expect(a.srm.chi2).toBeCloseTo(srm.chi2, 10);
    // The split depends on the phase's random seed: the analysis must flag exactly when the chi-square test does
    // (the planted 70/30 imbalance below is the case that must be flagged).
    expect(a.srm.flagged).toBe(srm.flagged);

    // Per-unit sums straight from SQL → compareArms: the same lift, CI and p.
    const perUnit = (await sql.query(
      `SELECT r.variant, r.unit_id, sum(r.items)::float8 AS items,
              coalesce((SELECT count(*) FROM interactions i JOIN experiment_rankings r2 ON r2.ranking_id = i.ranking_id WHERE r2.unit_id = r.unit_id AND i.type = 'click'), 0)::float8 AS clicks
       FROM experiment_rankings r GROUP BY r.variant, r.unit_id`,
    )).rows as Array<{ variant: string; unit_id: string; items: number; clicks: number }>;
    const pre = new Map((await sql.query(`SELECT candidate_id::text AS id, count(*)::float8 AS n FROM interactions WHERE event_id LIKE 'pre-%' GROUP BY 1`)).rows.map((r) => [r.id, r.n]));
    const sums = (variant: string, cuped: boolean) => {
      const s = { n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 };
      for (const u of perUnit.filter((x) => x.variant === variant)) {
        const y = u.clicks, x = cuped ? (pre.get(u.unit_id) ?? 0) : u.items;
        s.n++; s.sumY += y; s.sumY2 += y * y; s.sumX += x; s.sumX2 += x * x; s.sumXY += x * y;
      }
      return s;
    };
    const ctr = compareArms(sums('control', false), sums('treatment', false), { kind: 'ratio', sequentialTuning: 5000 });
    const got = a.comparisons.find((c: any) => c.metric === 'click_rate');
    expect(got).toMatchObject({ variant: 'treatment', role: 'primary', kind: 'ratio', cuped: false });
    expect(got.absolute.estimate).toBeCloseTo(ctr.absolute.estimate, 12);
    expect(got.absolute.ciLow).toBeCloseTo(ctr.absolute.ciLow, 12);
    expect(got.absolute.p).toBeCloseTo(ctr.absolute.p, 12);
    expect(got.relative.estimate).toBeCloseTo(ctr.relative!.estimate, 12);
    expect(got.sequentialAbsolute.ciHigh).toBeCloseTo(ctr.sequential!.absolute.ciHigh, 12);
    expect(got.chanceToBeatControl).toBeCloseTo(ctr.bayesian!.chanceToWin, 12);
    const cpu = compareArms(sums('control', true), sums('treatment', true), { kind: 'mean', cuped: true, sequentialTuning: 5000 });
    const gotCpu = a.comparisons.find((c: any) => c.metric === 'clicks_per_unit');
    expect(gotCpu.cuped).toBe(true);
    expect(gotCpu.cupedTheta).toBeCloseTo(cpu.cuped!.theta, 12);
    expect(gotCpu.absolute.estimate).toBeCloseTo(cpu.cuped!.absolute.estimate, 12);
    expect(gotCpu.welchP).toBeCloseTo(cpu.absolute.p, 12);
    // Holm over the 3 goal metrics of the one treatment; the guardrail has a non-inferiority verdict instead.
    const goals = a.comparisons.filter((c: any) => c.role === 'primary' || c.role === 'secondary');
    expect(goals.map((c: any) => c.metric)).toEqual(['click_rate', 'clicks_per_unit', 'apply_rate']);
    const minP = Math.min(...goals.map((c: any) => c.absolute.p));
    expect(Math.min(...goals.map((c: any) => c.adjustedP))).toBeCloseTo(Math.min(1, 3 * minP), 12);
    const dis = a.comparisons.find((c: any) => c.metric === 'dismiss_rate');
    expect(dis).toMatchObject({ role: 'guardrail', adjustedP: null, nonInferiority: { margin: 0.05, harmful: 'increase' } });
    // Online NDCG@10 / MRR from the attributed clicks (positions 0, 2, 4 → 1-based 1, 3, 5) and applies.
    const mrr = a.comparisons.find((c: any) => c.metric === 'online_mrr');
    expect(mrr.role).toBe('diagnostic');
    expect(mrr.controlMean).toBeGreaterThan(0);
    expect(mrr.controlMean).toBeLessThanOrEqual(1);
    // Two days: cumulative units, the last point equals the overall relative lift.
    expect(a.timeSeries).toHaveLength(2);
    expect(a.timeSeries[1].controlUnits + a.timeSeries[1].treatmentUnits).toBe(candidates.length);
    expect(a.timeSeries[1].relativeLift).toBeCloseTo(got.relative.estimate, 12);
    expect(a.timeSeries[1].sequentialCiLow).toBeLessThan(a.timeSeries[1].ciLow);

    // Cached: the same computedAt until refreshed; a refresh sees new interactions.
    const again = await analysis('stats');
    expect(again.computedAt).toBe(a.computedAt);
    const rid = (await sql.query(`SELECT ranking_id FROM experiment_rankings WHERE variant = 'control' LIMIT 1`)).rows[0].ranking_id;
    await service.recordInteractions([{ eventId: 'late-click', rankingId: rid, jobId: jobs[1]!, type: 'click' }]);
    expect((await analysis('stats')).variants.find((v: any) => v.variant === 'control').clicks).toBe(a.variants.find((v: any) => v.variant === 'control').clicks);
    const fresh = await analysis('stats', true);
    expect(new Date(fresh.computedAt).getTime()).toBeGreaterThan(new Date(a.computedAt).getTime());
    expect(fresh.variants.find((v: any) => v.variant === 'control').clicks).toBe(a.variants.find((v: any) => v.variant === 'control').clicks + 1);
  }, 120_000);

  it('flags a planted 70/30 split on a 50/50 design', async () => {
    await create('srm', { primaryMetric: 'clicks_per_unit', secondaryMetrics: [], guardrailMetrics: [] });
    await service.start('srm');
    for (let i = 0; i < 100; i++) await service.logRanking({ experimentKey: 'srm', unitId: `u${i}`, jobIds: jobs.slice(0, 3), scores: [3, 2, 1], variant: i < 70 ? 'control' : 'treatment' });
    await waitRankings('srm', 100);
    const a = await analysis('srm', true);
    expect(a.unitsPerVariant.map((u: any) => u.units)).toEqual([70, 30]);
    expect(a.srm.chi2).toBeCloseTo(16, 10); // (70−50)²/50 + (30−50)²/50
    expect(a.srm.p).toBeLessThan(0.001);
    expect(a.srm.flagged).toBe(true);
    expect(a.cupedAvailable).toBe(false); // unit ids are not candidates: no pre-period covariate
  }, 60_000);

  it('the scheduled job on the experiments queue refreshes running experiments; drafts have no results', async () => {
    const before = (await sql.query(`SELECT computed_at FROM experiment_results r JOIN experiments e ON e.id = r.experiment_id WHERE e.key = 'srm'`)).rows[0].computed_at as Date;
    const queue = app.get<Queue>(getQueueToken(QueueNames.experiments));
    const job = await queue.add('refresh-results', {});
    const end = Date.now() + 30_000;
    for (;;) {
      const after = (await sql.query(`SELECT computed_at FROM experiment_results r JOIN experiments e ON e.id = r.experiment_id WHERE e.key = 'srm'`)).rows[0].computed_at as Date;
      if (after.getTime() > before.getTime()) break;
      if (Date.now() > end) throw new Error(`job ${job.id} did not refresh the results`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await create('draft');
    const res = await graphql<any>(app, 'query { experimentAnalysis(key: "draft") { computedAt } }', {}, admin);
    expect(res.errors?.[0]?.extensions).toMatchObject({ reason: 'INVALID_INPUT' });
  }, 60_000);
});
