import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { KeyValueStore } from '@app/kv';
import { CANDIDATE_ACTIVITY_CHANNEL } from '@app/market';
import { RankingService } from '@app/ranking';
import { RegistryService } from '@app/registry';
import { SimulatorService } from '@app/simulator';
import pg from 'pg';
import { createApiApp } from '../../../apps/api/src/main.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { ModelServing } from './serving.service.js';
import { TrainingService } from './training.service.js';

const DAY = 86_400_000;
/** A market of the last 14 days, so its jobs are still open now (recommend filters expired postings). */
const START = new Date(Math.floor(Date.now() / DAY) * DAY - 14 * DAY);
const CUTOFF = new Date(START.getTime() + 10 * DAY);

/**
 * Request-time fold-in through ModelServing.recommend on a real database: a candidate the ALS model knows is served
 * from the trained vector until they interact after the training cut-off; then (after the candidate-activity message
 * or the cache's expiry) the folded-in vector ranks, exactly as the recsys fold-in computes it; a candidate the model
 * has never seen is folded in from their interactions.
 */
describe('serving: request-time fold-in of changed and new candidates', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let serving: ModelServing;

  beforeAll(async () => {
    db = await createTestDatabase('serving_fold_in');
    const created = await createApiApp({ withWorker: true, schemaFile: false, env: appEnv(db) });
    await created.app.init();
    app = created.app;
    close = async () => {
      await created.app.close();
      await created.runtime.endpoint.close();
    };
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await app.get(SimulatorService, { strict: false }).simulateMarket({ seed: 43, candidates: 120, jobs: 240, days: 14, start: START });
    // the simulator inserts rows now; their profiles were last edited at the market's start
    await sql.query(`UPDATE candidates SET updated_at = $1`, [START]);
    await app.get(RegistryService, { strict: false }).registerModel({ name: 'fold-als', strategy: 'als', owner: 'test' });
    const training = app.get(TrainingService, { strict: false });
    const job = await training.startTraining({ model: 'fold-als', params: { factors: 8, iterations: 8 }, cutoff: CUTOFF, validationFraction: 0 }, 'test', { enqueue: false });
    expect(await training.runInProcess(job.id)).toMatchObject({ status: 'completed', version: 1 });
    serving = app.get(ModelServing, { strict: false });
  }, 180_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('folds in interactions newer than the model, invalidated by a candidate-activity message', async () => {
    const served = await serving.model('fold-als/1');
    // a candidate with training history and no interaction after the cut-off
    const { rows: [cand] } = await sql.query(`SELECT c.id::text AS id FROM candidates c WHERE c.consent_training
        AND EXISTS (SELECT 1 FROM interactions i WHERE i.candidate_id = c.id AND i.type IN ('click', 'apply') AND i.occurred_at < $1)
        AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.candidate_id = c.id AND i.occurred_at >= $1) ORDER BY c.id LIMIT 1`, [CUTOFF]);
    expect(cand).toBeDefined();
    const index = served.candidateIndex.get(cand.id)!;
    const before = await serving.recommend(cand.id, 10, 'fold-als/1');
    expect(before.foldIn).toBeNull();
    expect(before.items).toHaveLength(10);
    expect(before.items.map((x) => String(x.job.id))).toEqual(served.recommender.recommend({ index }, 10).map((s) => served.jobIds[s.job]));

    // after the cut-off the candidate applies to 6 jobs the model knows, outside their current top 10, and dismisses one
    const top = new Set(before.items.map((x) => String(x.job.id)));
    const { rows: jobs } = await sql.query(`SELECT id::text AS id FROM jobs WHERE posted_at < $1 AND status <> 'duplicate' ORDER BY id DESC LIMIT 40`, [CUTOFF]);
    const fresh = jobs.map((j) => j.id as string).filter((j) => !top.has(j) && served.jobIndex.has(j)).slice(0, 7);
    const at = new Date(CUTOFF.getTime() + DAY);
    for (const [t, j] of fresh.entries()) {
      await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ($1, $2, $3, $4, $5)`, [`fold-${cand.id}-${t}`, cand.id, j, t < 6 ? 'apply' : 'dismiss', new Date(at.getTime() + t * 1000)]);
    }
    // cached: the same list until the entry expires or a candidate-activity message arrives
    expect((await serving.recommend(cand.id, 10, 'fold-als/1')).foldIn).toBeNull();
    const published = Date.now();
    await app.get(KeyValueStore, { strict: false }).publish(CANDIDATE_ACTIVITY_CHANNEL, JSON.stringify({ candidateIds: [cand.id], kinds: ['interaction'], at: new Date().toISOString() }));
    let after = await serving.recommend(cand.id, 10, 'fold-als/1');
    while (after.foldIn === null && Date.now() - published < 5000) {
      await new Promise((r) => setTimeout(r, 10));
      after = await serving.recommend(cand.id, 10, 'fold-als/1');
    }
    expect(after.foldIn).toEqual({ interactions: 7, positives: 6, dismissed: 1, profile: false, newCandidate: false });
    // exactly the recsys fold-in: the trained history plus the new applies (weight 3), the dismissal filtered out
    const history = fresh.slice(0, 6).map((j) => served.jobIndex.get(j)!).reverse(), dismissedJob = served.jobIndex.get(fresh[6]!)!;
    const expected = served.recommender.recommend({ index, history, historyWeights: history.map(() => 3) }, 10, { dismissed: [dismissedJob] }).map((s) => served.jobIds[s.job]);
    expect(after.items.map((x) => String(x.job.id))).toEqual(expected);
    expect(expected).not.toEqual(before.items.map((x) => String(x.job.id)));
    for (const j of fresh) expect(expected).not.toContain(j);

    // cost per request: a cached fold-in query vs a fresh one (one indexed query + the f×f solve)
    const time = async (n: number, invalidate: boolean) => {
      const ms: number[] = [];
      for (let r = 0; r < n; r++) {
        if (invalidate) serving.invalidateCandidates([cand.id]);
        const t0 = performance.now();
        expect((await serving.recommend(cand.id, 10, 'fold-als/1')).foldIn).not.toBeNull();
        ms.push(performance.now() - t0);
      }
      return ms.sort((a, b) => a - b)[Math.floor(n / 2)]!;
    };
    const cached = await time(50, false), fresh_ = await time(30, true);
    process.stdout.write(`fold-in recommend (k=10, ${served.jobIds.length} jobs): median ${cached.toFixed(2)} ms cached, ${fresh_.toFixed(2)} ms after invalidation\n`);
  });

  it('folds in a candidate the model has never seen from their interactions and profile', async () => {
    const served = await serving.model('fold-als/1');
    const { rows: [c] } = await sql.query(`INSERT INTO candidates (source, external_id, desired_titles, skills, city, country, consent_training)
      VALUES ('test', 'new-1', ARRAY['Data Scientist'], ARRAY['python', 'sql'], 'Berlin', 'DE', true) RETURNING id::text AS id`);
    expect(served.candidateIndex.has(c.id)).toBe(false);
    const cold = await serving.recommend(c.id, 10, 'fold-als/1');
    expect(cold.foldIn).toEqual({ interactions: 0, positives: 0, dismissed: 0, profile: true, newCandidate: true });
    const known = [...served.jobIndex.keys()].slice(0, 3);
    for (const [t, j] of known.entries()) await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ($1, $2, $3, 'click', now())`, [`new-${t}`, c.id, j]);
    serving.invalidateCandidates([c.id]);
    const warm = await serving.recommend(c.id, 10, 'fold-als/1');
    expect(warm.foldIn).toMatchObject({ interactions: 3, positives: 3, newCandidate: true });
    const history = known.map((j) => served.jobIndex.get(j)!).reverse();
    const q = await serving.candidateQuery(served, c.id);
    expect(q.query.history).toEqual(history);
    expect(warm.items.map((x) => String(x.job.id))).toEqual(served.recommender.recommend(q.query, 10).map((s) => served.jobIds[s.job]));
    expect(warm.items.map((x) => x.score)).not.toEqual(cold.items.map((x) => x.score)); // the ALS vector is no longer zero
  });

  it('the next ranked list (ranking pipeline) is scored with the folded-in vector', async () => {
    const served = await serving.model('fold-als/1');
    const ranking = app.get(RankingService, { strict: false });
    const { rows: [cand] } = await sql.query(`SELECT c.id::text AS id FROM candidates c WHERE c.consent_training
        AND EXISTS (SELECT 1 FROM interactions i WHERE i.candidate_id = c.id AND i.type IN ('click', 'apply') AND i.occurred_at < $1)
        AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.candidate_id = c.id AND i.occurred_at >= $1) ORDER BY c.id DESC LIMIT 1`, [CUTOFF]);
    const index = served.candidateIndex.get(cand.id)!;
    const rank = () => ranking.rank({ candidateId: cand.id, limit: 10, channel: 'rankedJobs', modelRef: 'fold-als/1', experimentKey: null, variant: null });
    const before = await rank();
    for (const it of before.items) expect(it.modelScore).toBeCloseTo(served.recommender.score({ index }, [served.jobIndex.get(it.jobId)!])[0]!, 5);
    const { rows: jobs } = await sql.query(`SELECT id::text AS id FROM jobs WHERE posted_at < $1 AND status <> 'duplicate' ORDER BY id LIMIT 8`, [CUTOFF]);
    for (const [t, j] of jobs.entries()) await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ($1, $2, $3, 'apply', $4)`, [`rank-${cand.id}-${t}`, cand.id, j.id, new Date(CUTOFF.getTime() + DAY + t * 1000)]);
    serving.invalidateCandidates([cand.id]); // what the push path's candidate-activity message does
    const after = await rank();
    const folded = { index, history: jobs.map((j) => served.jobIndex.get(j.id)!).reverse(), historyWeights: jobs.map(() => 3) };
    expect(after.items.length).toBeGreaterThan(0);
    for (const it of after.items) {
      if (it.modelScore === null) continue;
      expect(it.modelScore).toBeCloseTo(served.recommender.score(folded, [served.jobIndex.get(it.jobId)!])[0]!, 5);
    }
    expect(after.items.map((i) => i.modelScore)).not.toEqual(before.items.map((i) => i.modelScore));
  });
});
