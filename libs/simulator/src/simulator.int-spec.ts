import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { prepareRuntime, RuntimeModule, type Runtime } from '@app/runtime';
import { TelemetryModule } from '@app/telemetry';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { DataSource } from 'typeorm';
import { generateMarket } from './generate.js';
import { SimulatorModule } from './simulator.module.js';
import { SimulatorService, type SimulateProgress } from './simulator.service.js';
import { utility } from './utility.js';

const SEED = 20261126;
const SIZE = { candidates: 200, jobs: 500, days: 7 };
const START = new Date('2026-11-01T00:00:00Z');

/** Content of one market, without surrogate ids or insert timestamps, hashed per table. */
async function contentChecksums(ds: DataSource, seed: number): Promise<Record<string, string>> {
  const like = `sim-${seed}-%`;
  const q = async (sql: string) => ((await ds.query(sql, [like])) as Array<{ h: string | null }>)[0]!.h ?? 'empty';
  return {
    jobs: await q(`SELECT md5(string_agg(concat_ws('|', j.external_id, c.name, j.title, j.normalized_title, j.description, j.skills::text, j.city, j.region, j.country, j.remote,
        j.salary_min, j.salary_max, j.salary_currency, j.salary_period, j.salary_annual_min, j.salary_annual_max, j.seniority, j.employment_type,
        j.posted_at, j.expires_at, j.content_hash, j.status), E'\\n' ORDER BY j.external_id)) AS h
      FROM jobs j LEFT JOIN companies c ON c.id = j.company_id WHERE j.source = 'simulator' AND j.external_id LIKE $1`),
    candidates: await q(`SELECT md5(string_agg(concat_ws('|', external_id, name, email, city, region, country, desired_titles::text, skills::text, years_experience,
        education_level, salary_expectation, preferences::text, consent_alerts, consent_training, time_zone), E'\\n' ORDER BY external_id)) AS h
      FROM candidates WHERE source = 'simulator' AND external_id LIKE $1`),
    interactions: await q(`SELECT md5(string_agg(concat_ws('|', i.event_id, c.external_id, j.external_id, i.type, i.occurred_at, i.ranking_id, i.position, i.source), E'\\n' ORDER BY i.event_id)) AS h
      FROM interactions i JOIN candidates c ON c.id = i.candidate_id JOIN jobs j ON j.id = i.job_id WHERE i.event_id LIKE $1`),
    jobTruth: await q(`SELECT md5(string_agg(concat_ws('|', j.external_id, t.occupation, t.skills::text, t.seniority_level, t.salary_annual_max_usd, t.lat, t.lon, t.remote, t.quality, t.latent::text), E'\\n' ORDER BY j.external_id)) AS h
      FROM sim_job_truth t JOIN jobs j ON j.id = t.job_id WHERE j.external_id LIKE $1`),
    candidateTruth: await q(`SELECT md5(string_agg(concat_ws('|', c.external_id, t.occupation, t.skills::text, t.seniority_level, t.salary_expectation_usd, t.lat, t.lon, t.remote_preference, t.latent::text), E'\\n' ORDER BY c.external_id)) AS h
      FROM sim_candidate_truth t JOIN candidates c ON c.id = t.candidate_id WHERE c.external_id LIKE $1`),
  };
}

/** Whole-row checksums (ids included) and counts of every table the simulator writes. */
async function tableState(ds: DataSource): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of ['companies', 'jobs', 'candidates', 'interactions', 'sim_markets', 'sim_job_truth', 'sim_candidate_truth']) {
    const cols = t === 'sim_markets' ? `id, seed, candidates, jobs, days, start_at, status, interactions, completed_at` : `*`;
    const order = t === 'sim_job_truth' ? 'job_id' : t === 'sim_candidate_truth' ? 'candidate_id' : 'id';
    const [row] = await ds.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x.${order}), '')) AS h FROM (SELECT ${cols} FROM ${t}) x`);
    out[t] = `${row.n}:${row.h}`;
  }
  return out;
}

@Module({})
class TestModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: TestModule, imports: [RuntimeModule.forRoot(runtime), TelemetryModule, SimulatorModule] };
  }
}

describe('simulator on a real database', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let close: () => Promise<void>;
  let sim: SimulatorService;
  let ds: DataSource;
  const progress: SimulateProgress[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('simulator');
    const runtime = await prepareRuntime(appEnv(db));
    app = await NestFactory.createApplicationContext(TestModule.forRoot(runtime), { logger: ['error'] });
    close = async () => {
      await app.close();
      await runtime.endpoint.close();
    };
    sim = app.get(SimulatorService);
    ds = app.get(DataSource);
  }, 180_000); // PGlite start-up is slow on a busy 2-core machine
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('writes a market with progress, and the same seed again changes nothing', async () => {
    const first = await sim.simulateMarket({ seed: SEED, ...SIZE, start: START }, (p) => void progress.push(p));
    expect(first).toMatchObject({ created: true, seed: SEED, jobs: 500, candidates: 200, start: START.toISOString() });
    expect(first.interactions).toBeGreaterThan(1000);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', percent: 100 });
    const percents = progress.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));

    const before = await tableState(ds);
    const content = await contentChecksums(ds, SEED);
    const again = await sim.simulateMarket({ seed: SEED, ...SIZE, start: new Date('2020-01-01T00:00:00Z') });
    expect(again).toMatchObject({ created: false, interactions: first.interactions, start: START.toISOString() });
    expect(await tableState(ds)).toEqual(before);
    expect(await contentChecksums(ds, SEED)).toEqual(content);

    const [{ jobs }] = await ds.query(`SELECT count(*)::int AS jobs FROM jobs WHERE source = 'simulator' AND external_id LIKE $1`, [`sim-${SEED}-job-%`]);
    const [{ interactions }] = await ds.query(`SELECT count(*)::int AS interactions FROM interactions WHERE event_id LIKE $1`, [`sim-${SEED}-%`]);
    expect({ jobs, interactions }).toEqual({ jobs: 500, interactions: first.interactions });
  });

  it('refuses the same seed with other sizes, and another seed adds a separate market', async () => {
    await expect(sim.simulateMarket({ seed: SEED, candidates: 10, jobs: 10, days: 1 })).rejects.toMatchObject({ code: 'CONFLICT' });
    const other = await sim.simulateMarket({ seed: SEED + 1, candidates: 20, jobs: 30, days: 2, start: START });
    expect(other.created).toBe(true);
    const rows: Array<{ external_id: string }> = await ds.query(`SELECT external_id FROM jobs WHERE external_id LIKE $1 ORDER BY id LIMIT 1`, [`sim-${SEED + 1}-job-%`]);
    expect(rows[0]!.external_id).toBe(`sim-${SEED + 1}-job-0`);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM jobs WHERE source = 'simulator'`);
    expect(n).toBe(530);
  });

  it('interactions reference existing jobs and candidates, have positions, and happen while the job is posted', async () => {
    const [row] = await ds.query(`
      SELECT count(*)::int AS n,
        count(*) FILTER (WHERE j.id IS NULL OR c.id IS NULL)::int AS dangling,
        count(*) FILTER (WHERE i.position IS NULL OR i.position < 1 OR i.position > 10)::int AS bad_position,
        count(*) FILTER (WHERE i.occurred_at < j.posted_at)::int AS before_posting,
        count(*) FILTER (WHERE i.source <> 'simulator' OR i.ranking_id IS NULL)::int AS bad_source,
        count(DISTINCT i.type)::int AS types
      FROM interactions i LEFT JOIN jobs j ON j.id = i.job_id LEFT JOIN candidates c ON c.id = i.candidate_id
      WHERE i.event_id LIKE $1`, [`sim-${SEED}-%`]);
    expect(row).toMatchObject({ dangling: 0, bad_position: 0, before_posting: 0, bad_source: 0, types: 5 });
    expect(row.n).toBeGreaterThan(1000);
  });

  it('reads ground truth back exactly: utilities from the database equal those of the generated market', async () => {
    const market = generateMarket({ seed: SEED, ...SIZE, start: START });
    const jobRows: Array<{ id: string; external_id: string }> = await ds.query(`SELECT id, external_id FROM jobs WHERE external_id = ANY($1)`, [market.jobs.slice(0, 50).map((j) => j.externalId)]);
    const candRows: Array<{ id: string; external_id: string }> = await ds.query(`SELECT id, external_id FROM candidates WHERE external_id = ANY($1)`, [market.candidates.slice(0, 20).map((c) => c.externalId)]);
    const truth = await sim.loadTruth({ jobIds: jobRows.map((r) => String(r.id)), candidateIds: candRows.map((r) => String(r.id)) });
    expect(truth.jobs.size).toBe(50);
    expect(truth.candidates.size).toBe(20);
    const jobIdx = new Map(jobRows.map((r) => [String(r.id), Number(r.external_id.split('-').pop())]));
    const candIdx = new Map(candRows.map((r) => [String(r.id), Number(r.external_id.split('-').pop())]));
    for (const [cid, ct] of truth.candidates) {
      expect(ct).toEqual(market.candidates[candIdx.get(cid)!]!.truth);
      for (const [jid, jt] of truth.jobs) {
        expect(utility(ct, jt)).toBe(utility(market.candidates[candIdx.get(cid)!]!.truth, market.jobs[jobIdx.get(jid)!]!.truth));
      }
    }
  });

  it('writes the same content whatever the batch size', async () => {
    const seed = SEED + 7;
    await sim.simulateMarket({ seed, candidates: 60, jobs: 120, days: 3, start: START });
    const a = await contentChecksums(ds, seed);
    await ds.query(`DELETE FROM interactions WHERE event_id LIKE $1`, [`sim-${seed}-%`]);
    await ds.query(`DELETE FROM jobs WHERE external_id LIKE $1`, [`sim-${seed}-%`]);
    await ds.query(`DELETE FROM candidates WHERE external_id LIKE $1`, [`sim-${seed}-%`]);
    await ds.query(`DELETE FROM sim_markets WHERE seed = $1`, [seed]);
    await sim.simulateMarket({ seed, candidates: 60, jobs: 120, days: 3, start: START, batchSize: 37 });
    expect(await contentChecksums(ds, seed)).toEqual(a);
    expect(a.interactions).not.toBe('empty');
  });
});
