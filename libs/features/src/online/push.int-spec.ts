import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { SimulatorService } from '@app/simulator';
import pg from 'pg';
import { createApiApp } from '../../../../apps/api/src/main.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';
import { ComputeService } from '../compute.service.js';
import { FeatureRegistryService } from '../feature-registry.service.js';
import { OfflineStoreService } from '../offline-store.service.js';
import { OnlineService } from './online.service.js';
import { PUSH_VIEWS } from './push.service.js';

const DAY = 86_400_000;
const START = new Date(Math.floor(Date.now() / DAY) * DAY - 14 * DAY);
const SERVICE = 'push_test';

/**
 * The push path on a real database and online store (Redis when REDIS_URL is set): the API with its in-process
 * worker, whose poller drains the candidate-activity outbox. An interaction recorded by plain SQL (what every
 * writer does) and a profile edit reach the online features within seconds, with the offline log in step.
 */
describe('feature store push path: interactions and profile edits → online features within seconds', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let online: OnlineService;
  let candidate: string;

  const value = async (id: string, feature: string) => {
    const r = await online.getOnlineFeatures('candidate', [id], SERVICE);
    const i = r.features.indexOf(feature);
    expect(i).toBeGreaterThanOrEqual(0);
    return { value: r.rows[0]!.values[i], status: r.rows[0]!.status[i] };
  };
  const waitFor = async (f: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> => {
    const t0 = Date.now();
    while (!(await f())) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`not visible online within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Date.now() - t0;
  };

  beforeAll(async () => {
    db = await createTestDatabase('feature_push');
    const created = await createApiApp({ withWorker: true, schemaFile: false, env: appEnv(db) });
    await created.app.init();
    app = created.app;
    close = async () => {
      await created.app.close();
      await created.runtime.endpoint.close();
    };
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await app.get(SimulatorService, { strict: false }).simulateMarket({ seed: 47, candidates: 80, jobs: 160, days: 14, start: START });
    // profiles were created at the market's start (the profile view stamps an edit only after creation)
    await sql.query(`ALTER TABLE candidates DISABLE TRIGGER candidates_profile_edit`);
    await sql.query(`UPDATE candidates SET created_at = $1, updated_at = $1`, [START]);
    await sql.query(`ALTER TABLE candidates ENABLE TRIGGER candidates_profile_edit`);
    const registry = app.get(FeatureRegistryService, { strict: false });
    registry.defineService({ name: SERVICE, owner: 'test', description: 'push path test', views: PUSH_VIEWS.map((view) => ({ view })) });
    await registry.sync();
    online = app.get(OnlineService, { strict: false });
    await app.get(ComputeService, { strict: false }).compute({ views: [...PUSH_VIEWS] });
    for (const v of PUSH_VIEWS) await online.materialize(v);
    // the simulated history went through the outbox too: let the poller drain it
    await waitFor(async () => Number((await sql.query(`SELECT count(*)::int AS n FROM candidate_activity`)).rows[0].n) === 0, 30_000);
    const { rows: [c] } = await sql.query(`SELECT candidate_id::text AS id FROM interactions GROUP BY candidate_id ORDER BY candidate_id LIMIT 1`);
    candidate = c.id;
  }, 180_000);
  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  it('a recorded interaction reaches the candidate\'s online engagement within seconds, and the offline log in step', async () => {
    const before = await value(candidate, 'candidate_engagement.clicks_7d');
    expect(before.status).toBe('present');
    const { rows: jobs } = await sql.query(`SELECT id::text AS id FROM jobs ORDER BY id LIMIT 3`);
    const written = new Date();
    await sql.query(
      `INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) SELECT 'push-' || j, $1, j::bigint, 'click', now() FROM unnest($2::text[]) AS j`,
      [candidate, jobs.map((j) => j.id)],
    );
    // both views of the push: the engagement counts and the recency (written one after the other)
    const latency = await waitFor(async () => (await value(candidate, 'candidate_engagement.clicks_7d')).value === Number(before.value) + 3
      && Number((await value(candidate, 'candidate_activity.days_since_last_click')).value) < 0.01);
    process.stdout.write(`push path: interaction → online feature visible after ${latency} ms\n`);
    expect(latency).toBeLessThan(5000);

    // the offline log has the pushed row, stamped after the write: a point-in-time read before it sees the old value
    const offline = app.get(OfflineStoreService, { strict: false });
    const [now, earlier] = (await offline.getHistoricalFeatures([
      { candidateId: candidate, timestamp: new Date(Date.now() + 1) },
      { candidateId: candidate, timestamp: new Date(written.getTime() - 1) },
    ], SERVICE)).rows;
    const idx = (await offline.getHistoricalFeatures([{ candidateId: candidate, timestamp: new Date() }], SERVICE)).service.members
      .flatMap((m) => m.features.map((f) => `${m.view.name}.${f.name}`)).indexOf('candidate_engagement.clicks_7d');
    expect(now!.values[idx]).toBe(Number(before.value) + 3);
    expect(earlier!.values[idx]).toBe(before.value);
  });

  it('a profile edit (skills, location) reaches the online profile features within seconds', async () => {
    const skillsBefore = Number((await value(candidate, 'candidate_profile.skills_count')).value);
    const locBefore = (await value(candidate, 'candidate_profile.title_location_hash')).value;
    const { rows: [cur] } = await sql.query(`SELECT city FROM candidates WHERE id = $1`, [candidate]);
    const city = cur.city === 'Lisbon' ? 'Porto' : 'Lisbon';
    const t0 = Date.now();
    await sql.query(`UPDATE candidates SET city = $2, country = 'PT', skills = skills || ARRAY['push-test-skill'] WHERE id = $1`, [candidate, city]);
    const latency = await waitFor(async () => Number((await value(candidate, 'candidate_profile.skills_count')).value) === skillsBefore + 1
      && (await value(candidate, 'candidate_profile.country')).value === 'PT');
    process.stdout.write(`push path: profile edit → online feature visible after ${latency} ms\n`);
    expect(latency).toBeLessThan(5000);
    expect((await value(candidate, 'candidate_profile.title_location_hash')).value).not.toBe(locBefore);
    // the edit stamped updated_at, the profile view's event time
    const { rows: [row] } = await sql.query(`SELECT updated_at FROM candidates WHERE id = $1`, [candidate]);
    expect(new Date(row.updated_at).getTime()).toBeGreaterThanOrEqual(t0 - 1000);
  });
});
