import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { KeyValueStore } from '@app/kv';
import { CANDIDATE_ACTIVITY_CHANNEL } from '@app/market';
import { PlatformMetrics } from '@app/telemetry';
import { TrainingService } from '@app/training';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { loginAsAdmin, graphqlData } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { RankedListCache } from './ranked-list-cache.js';

// Precomputed ranked lists: precompute, served from the cache (fresh ranking id, same list), invalidated when the
// champion alias moves and when a candidate's profile changes (candidate-activity message), then ranked live.
describe('precomputed ranked lists for rankedJobs', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let admin: string;
  let cache: RankedListCache;
  let metrics: PlatformMetrics;
  const cands: string[] = [];
  const gql = (query: string, vars: Record<string, unknown> = {}) => graphqlData<any>(app, query, vars, admin);
  const ranked = async (c: string, limit = 3) => (await gql('query($c: ID!, $l: Int!) { rankedJobs(candidateId: $c, limit: $l) { rankingId modelVersion jobs { position score job { id } } } }', { c, l: limit })).rankedJobs;
  const counts = async () => {
    const values = (await metrics.rankedListCache.get()).values;
    const of = (o: string) => values.find((v) => v.labels['outcome'] === o)?.value ?? 0;
    return { hit: of('hit'), miss: of('miss') };
  };
  const train = async () => {
    const training = app.get(TrainingService);
    const started = await training.startTraining({ model: 'jobs', cutoff: new Date(), validationFraction: 0 }, 'test', { enqueue: false });
    return training.runInProcess(started.id);
  };

  beforeAll(async () => {
    db = await createTestDatabase('rankedcache');
    ({ app, close } = await startInProcessApi(db, { withWorker: false }));
    admin = await loginAsAdmin(app);
    cache = app.get(RankedListCache);
    metrics = app.get(PlatformMetrics);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const company = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme') RETURNING id`)).rows[0].id;
    const jobs: string[] = [];
    for (let i = 0; i < 8; i++) {
      jobs.push(
        (await sql.query(
          `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, skills, city, country, posted_at, content_hash)
           VALUES ('test', $1::text, $2, $3::text, lower($3::text), '{sql}', 'Berlin', 'DE', now() - ($4::int * interval '1 minute'), md5($1::text) || '00000000') RETURNING id::text AS id`,
          [`j${i}`, company, `Analyst ${i}`, 200 - i],
        )).rows[0].id,
      );
    }
    for (let i = 0; i < 6; i++) {
      cands.push((await sql.query(`INSERT INTO candidates (source, external_id, name, consent_training, consent_alerts) VALUES ('test', $1, $2, true, true) RETURNING id::text AS id`, [`c${i}`, `Candidate ${i}`])).rows[0].id);
    }
    let n = 0;
    for (let c = 1; c < 6; c++) for (let j = 0; j < c; j++) await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ($1, $2, $3, 'apply', now() - interval '30 minutes')`, [`e${n++}`, cands[c], jobs[j]]);
    await gql('mutation { registerModel(input: { name: "jobs", strategy: "popularity" }) { name } }');
    expect(await train()).toMatchObject({ version: 1 });
    await gql('mutation { setAlias(input: { model: "jobs", alias: "champion", version: 1, reason: "first" }) { gateReason } }');
  }, 180_000);

  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('precomputes, serves the same list from the cache under a fresh ranking id, and is faster than live ranking', async () => {
    const c = cands[0]!;
    const live = await ranked(c);
    expect(live.jobs.length).toBe(3);
    // serving loaded the champion once: the load time is on the model-load histogram
    const loads = (await metrics.modelLoadDuration.get()).values.filter((v) => v.metricName === 'matchlab_model_load_duration_seconds_count' && v.labels['model'] === 'jobs' && v.labels['outcome'] === 'loaded');
    expect(loads.reduce((n, v) => n + v.value, 0)).toBe(1);
    expect((await cache.activeCandidates()).sort()).toEqual(cands.slice(1).sort());
    const before = await counts();
    const r = await cache.precompute({ candidateIds: cands });
    expect(r).toMatchObject({ candidates: 6, targets: 1, lists: 6, skipped: 0 });
    const hit = await ranked(c);
    const after = await counts();
    expect(after.hit - before.hit).toBe(1);
    expect(hit.jobs.map((j: any) => j.job.id)).toEqual(live.jobs.map((j: any) => j.job.id));
    expect(hit.jobs.map((j: any) => j.position)).toEqual([1, 2, 3]);
    expect(hit.rankingId).not.toBe(live.rankingId);
    expect(hit.modelVersion).toBe(1);
    // the served list was logged under its own id (rankingDebug finds it)
    const dbg = (await gql('query($id: String!) { rankingDebug(rankingId: $id) { rankingId channel items { jobId } } }', { id: hit.rankingId })).rankingDebug;
    expect(dbg).toMatchObject({ rankingId: hit.rankingId, channel: 'rankedJobs' });

    // latency: the same 5 candidates, cached vs live (lists deleted), 4 rounds each
    const time = async () => {
      const t = performance.now();
      for (let round = 0; round < 4; round++) for (const x of cands.slice(1)) await ranked(x);
      return (performance.now() - t) / 20;
    };
    const h0 = await counts();
    const cachedMs = await time();
    const h1 = await counts();
    await cache.invalidateCandidates(cands);
    const liveMs = await time();
    const h2 = await counts();
    expect(h1.hit - h0.hit).toBe(20);
    expect(h2.miss - h1.miss).toBe(20);
    const total = h2.hit + h2.miss;
    process.stdout.write(`ranked-list cache: rankedJobs mean ${cachedMs.toFixed(1)} ms from the cache vs ${liveMs.toFixed(1)} ms live (${(liveMs / cachedMs).toFixed(2)}x), 20 requests each; hit rate over this test so far ${h2.hit}/${total} = ${(h2.hit / total).toFixed(2)} (kv backend: ${app.get(KeyValueStore).backend})\n`);
  }, 120_000);

  it('a limit above the precomputed N falls back to live ranking; filters apply to the cached list', async () => {
    await cache.precompute({ candidateIds: cands });
    const before = await counts();
    const long = await ranked(cands[1]!, 60); // RANKED_PRECOMPUTE_TOP_N defaults to 50
    expect(long.jobs.length).toBeGreaterThan(0);
    const mid = await counts();
    expect(mid.miss - before.miss).toBe(1);
    expect(mid.hit).toBe(before.hit);
    const none = (await gql('query($c: ID!) { rankedJobs(candidateId: $c, limit: 3, filters: { keywords: ["nosuchword"] }) { jobs { job { id } } } }', { c: cands[1] })).rankedJobs;
    expect(none.jobs).toEqual([]);
    expect((await counts()).hit - mid.hit).toBe(1);
  }, 60_000);

  it('a candidate-activity message (profile change) deletes the candidate’s lists: the next request ranks live', async () => {
    await cache.precompute({ candidateIds: cands });
    const c = cands[2]!;
    const kv = app.get(KeyValueStore);
    const key = RankedListCache.key({ experimentKey: null, variant: null, modelRef: 'jobs@champion' }, c);
    expect(await kv.get(key)).not.toBeNull();
    await kv.publish(CANDIDATE_ACTIVITY_CHANNEL, JSON.stringify({ candidateIds: [c], kinds: ['profile'], at: new Date().toISOString() }));
    for (const end = Date.now() + 15_000; Date.now() < end && (await kv.get(key)) !== null; ) await new Promise((r) => setTimeout(r, 100));
    expect(await kv.get(key)).toBeNull();
    const before = await counts();
    await ranked(c);
    const after = await counts();
    expect(after.miss - before.miss).toBe(1);
    // another candidate's list is untouched
    const other = await counts();
    await ranked(cands[3]!);
    expect((await counts()).hit - other.hit).toBe(1);
  }, 60_000);

  it('moving the champion alias invalidates the lists: misses, served live by the new version, then precomputed again', async () => {
    await cache.precompute({ candidateIds: cands });
    const c = cands[4]!;
    expect((await ranked(c)).modelVersion).toBe(1);
    expect(await train()).toMatchObject({ version: 2 });
    await gql('mutation { setAlias(input: { model: "jobs", alias: "champion", version: 2, reason: "second" }) { gateReason } }');
    let served: any = null;
    for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
      served = await ranked(c);
      if (served.modelVersion === 2) break;
    }
    expect(served.modelVersion).toBe(2);
    const before = await counts();
    expect((await ranked(cands[5]!)).modelVersion).toBe(2);
    expect((await counts()).miss - before.miss).toBe(1);
    await cache.precompute({ candidateIds: cands });
    const again = await counts();
    expect((await ranked(cands[5]!)).modelVersion).toBe(2);
    expect((await counts()).hit - again.hit).toBe(1);
  }, 120_000);
});
