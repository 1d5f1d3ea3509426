import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { SeededRng } from '@app/statistics';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { ExperimentError } from './experiments.errors.js';
import { ExperimentsService } from './experiments.service.js';
import { INTERLEAVED_VARIANT } from './interleaving.js';
import { insertUnitsAndJobs } from '../test/experiment-fixture.js';

const ANALYSIS = `experimentAnalysis(key: $k, refresh: true) { experimentKey control comparisons { variant } variants { variant units rankings items clicks applies }
  interleaving { control units rankings creditedLists
    variants { variant creditedClicks creditedApplies credit note vsControl { units wins ties losses preference ciLow ciHigh p } } } }`;

// The API with its in-process worker on a fresh database; lists are composed, logged and clicked through the service.
describe('interleaving experiments', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let admin: string;
  let sql: pg.Client;
  let service: ExperimentsService;
  const candidates: string[] = [];
  const jobs: string[] = [];
  const gql = (query: string, vars: Record<string, unknown> = {}) => graphql<any>(app, query, vars, admin);
  const variants = [{ key: 'control', weight: 0.5, modelRef: 'jobs-pop@champion' }, { key: 'better', weight: 0.5, modelRef: 'jobs-pop/2' }];
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

  beforeAll(async () => {
    db = await createTestDatabase('interleaving');
    ({ app, close } = await startInProcessApi(db, { withWorker: true }));
    admin = await loginAsAdmin(app);
    service = app.get(ExperimentsService);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const rows = await insertUnitsAndJobs(sql, { jobs: 20, candidates: 60 });
    jobs.push(...rows.jobs);
    candidates.push(...rows.candidates);
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('refuses an interleaving experiment without 2 to 4 variants, with a typed error (service and GraphQL)', async () => {
    const one = service.create({ key: 'il-one', type: 'interleaving', variants: [{ key: 'only', weight: 1, modelRef: 'jobs-pop@champion' }], primaryMetric: 'click_rate' }, 'test');
    await expect(one).rejects.toBeInstanceOf(ExperimentError);
    await expect(one).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const five = Array.from({ length: 5 }, (_, i) => ({ key: `v${i}`, weight: 0.2, modelRef: 'jobs-pop@champion' }));
    await expect(service.create({ key: 'il-five', type: 'interleaving', variants: five, primaryMetric: 'click_rate' }, 'test')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const res = await gql(`mutation { createExperiment(input: { key: "il-gql", type: "interleaving", primaryMetric: "click_rate", variants: [{ key: "only", weight: 1, modelRef: "jobs-pop@champion" }] }) { key } }`);
    expect(res.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/2 variants/);
    expect((await sql.query(`SELECT count(*) FROM experiments WHERE key LIKE 'il-%'`)).rows[0].count).toBe('0');
    const bad = await gql(`mutation { createExperiment(input: { key: "il-type", type: "split", primaryMetric: "click_rate", variants: [{ key: "a", weight: 1, modelRef: "jobs-pop@champion" }] }) { key } }`);
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('composes reproducible interleaved lists, logs the team per item, and the analysis prefers the better variant', async () => {
    const created = await gql(`mutation($v: [ExperimentVariantInput!]) { createExperiment(input: { key: "il", type: "interleaving", primaryMetric: "click_rate", variants: $v }) { key type } }`, { v: variants });
    expect(created.errors).toBeUndefined();
    expect(created.data.createExperiment).toEqual({ key: 'il', type: 'interleaving' });
    await service.start('il');
    // An A/B experiment refuses composition; an interleaving one refuses lists without teams.
    await service.create({ key: 'ab', variants, primaryMetric: 'click_rate' }, 'test');
    await service.start('ab');
    await expect(service.composeInterleaved('ab', candidates[0]!, { control: jobs, better: jobs }, 10)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service.logRanking({ experimentKey: 'il', unitId: candidates[0]!, jobIds: jobs.slice(0, 3), scores: [3, 2, 1] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service.composeInterleaved('il', candidates[0]!, { control: jobs }, 10)).rejects.toMatchObject({ code: 'INVALID_INPUT' });

    // Control ranks jobs 0..9, better ranks jobs 10..19: users like the jobs of "better" (click 30%) over control's (15%).
    const rankingsByVariant = { control: jobs.slice(0, 10), better: jobs.slice(10) };
    const rng = new SeededRng(2026);
    const events: Array<{ eventId: string; rankingId: string; jobId: string; type: string }> = [];
    let lists = 0;
    const teamOf = new Map<string, string>();
    let first: unknown = null;
    for (let u = 0; u < candidates.length; u++) {
      for (let l = 0; l < 3; l++) {
        const rankingId = `il-${u}-${l}`;
        const c = await service.composeInterleaved('il', candidates[u]!, rankingsByVariant, 10, { rankingId });
        expect(c.inExperiment).toBe(true);
        expect(c.rankingId).toBe(rankingId);
        expect(c.items).toHaveLength(10);
        // same (phase seed, unit, ranking id) → the same list; logging it again is deduplicated by ranking id
        expect((await service.composeInterleaved('il', candidates[u]!, rankingsByVariant, 10, { rankingId })).items).toEqual(c.items);
        lists++;
        first ??= c.items;
        for (const item of c.items) {
          expect(item.team).toBe(rankingsByVariant.better.includes(item.jobId) ? 'better' : 'control');
          teamOf.set(`${rankingId}:${item.jobId}`, item.team);
          if (rng.next() < (item.team === 'better' ? 0.3 : 0.15)) events.push({ eventId: `k-${rankingId}-${item.position}`, rankingId, jobId: item.jobId, type: 'click' });
          if (item.team === 'better' && rng.next() < 0.05) events.push({ eventId: `a-${rankingId}-${item.position}`, rankingId, jobId: item.jobId, type: 'apply' });
        }
      }
    }
    // The GraphQL mutation gives the same list for the same ranking id (and its log is deduplicated).
    const viaGql = await gql(`mutation($r: [VariantRankingInput!]!) { composeInterleaved(input: { experimentKey: "il", unitId: "${candidates[0]}", rankings: $r, k: 10, rankingId: "il-0-0" }) { inExperiment rankingId phase items { position jobId team } } }`,
      { r: Object.entries(rankingsByVariant).map(([variant, jobIds]) => ({ variant, jobIds })) });
    expect(viaGql.errors).toBeUndefined();
    expect(viaGql.data.composeInterleaved).toEqual({ inExperiment: true, rankingId: 'il-0-0', phase: 1, items: first });
    await waitRankings('il', lists);
    // one header per list (variant "(interleaved)"), one team per item, 5 per team (2 full rankings of 10, 10 slots)
    const header = (await sql.query(`SELECT variant, count(*) AS n FROM experiment_rankings r JOIN experiments e ON e.id = r.experiment_id WHERE e.key = 'il' GROUP BY variant`)).rows;
    expect(header).toEqual([{ variant: INTERLEAVED_VARIANT, n: String(lists) }]);
    const teams = (await sql.query(`SELECT team, count(*) AS n FROM experiment_exposure_items WHERE experiment_key = 'il' GROUP BY team ORDER BY team`)).rows;
    expect(teams).toEqual([{ team: 'better', n: String(lists * 5) }, { team: 'control', n: String(lists * 5) }]);

    await service.recordInteractions(events);
    // Interactions carry the team of the clicked item as their variant.
    const byVariant = (await sql.query(`SELECT variant, type, count(*)::int AS n FROM interactions WHERE experiment_key = 'il' GROUP BY variant, type`)).rows as Array<{ variant: string; type: string; n: number }>;
    const expected = (team: string, type: string) => events.filter((e) => e.type === type && teamOf.get(`${e.rankingId}:${e.jobId}`) === team).length;
    for (const r of byVariant) expect(r.n).toBe(expected(r.variant, r.type));

    const res = await gql(`query($k: String!) { ${ANALYSIS} }`, { k: 'il' });
    expect(res.errors).toBeUndefined();
    const a = res.data.experimentAnalysis;
    expect(a.comparisons).toEqual([]);
    // Per-variant counts of an interleaving experiment: items and interactions of each team.
    const counts = Object.fromEntries(a.variants.map((x: any) => [x.variant, x]));
    expect(counts.better).toMatchObject({ units: candidates.length, rankings: lists, items: lists * 5, clicks: expected('better', 'click'), applies: expected('better', 'apply') });
    expect(counts.control).toMatchObject({ units: candidates.length, rankings: lists, items: lists * 5, clicks: expected('control', 'click'), applies: 0 });
    const il = a.interleaving;
    expect(il).toMatchObject({ control: 'control', units: candidates.length, rankings: lists });
    const [control, better] = il.variants;
    expect(control).toMatchObject({ variant: 'control', creditedClicks: expected('control', 'click'), creditedApplies: 0, vsControl: null });
    expect(better).toMatchObject({ variant: 'better', creditedClicks: expected('better', 'click'), creditedApplies: expected('better', 'apply') });
    const v = better.vsControl;
    expect(v.wins + v.ties + v.losses).toBe(v.units);
    expect(v.preference).toBeCloseTo((v.wins - v.losses) / v.units, 12);
    // a real spread of outcomes (not every unit a win), and still a clear preference for "better"
    expect(v.losses + v.ties).toBeGreaterThan(0);
    expect(v.preference).toBeGreaterThan(0.3);
    expect(v.ciLow).toBeGreaterThan(0);
    expect(v.ciLow).toBeLessThan(v.preference);
    expect(v.ciHigh).toBeGreaterThan(v.preference);
    expect(v.p).toBeLessThan(0.001);
    // Independent check of the per-unit outcomes straight from SQL (credit = engaged positions per team).
    const perUnit = (await sql.query(
      `SELECT r.unit_id, count(DISTINCT (r.seq, x.position)) FILTER (WHERE x.team = 'better') AS b, count(DISTINCT (r.seq, x.position)) FILTER (WHERE x.team = 'control') AS c
       FROM experiment_rankings r JOIN interactions it ON it.ranking_id = r.ranking_id JOIN experiment_exposures x ON x.ranking_seq = r.seq AND x.position = it.position
       JOIN experiments e ON e.id = r.experiment_id WHERE e.key = 'il' GROUP BY r.unit_id`,
    )).rows.map((r) => Math.sign(Number(r.b) - Number(r.c)));
    expect({ units: perUnit.length, wins: perUnit.filter((s) => s > 0).length, losses: perUnit.filter((s) => s < 0).length }).toEqual({ units: v.units, wins: v.wins, losses: v.losses });
    // Seeded bootstrap: recomputing gives the same interval.
    const again = (await gql(`query($k: String!) { ${ANALYSIS} }`, { k: 'il' })).data.experimentAnalysis.interleaving.variants[1].vsControl;
    expect(again).toEqual(v);
  }, 120_000);
});
