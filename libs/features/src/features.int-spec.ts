import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { RegistryService } from '@app/registry';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { FIXTURE_END, insertMarket } from '../../training/test/market-fixture.js';
import { dropOnlineKeys } from '../test/redis-cleanup.js';
import { BUILTIN_VIEWS } from './builtin/index.js';
import { ComputeService } from './compute.service.js';
import type { FeatureViewDefinition } from './definitions/types.js';
import { DriftService } from './drift.service.js';
import { FeatureJobsService } from './feature-jobs.service.js';
import { featureServicePin } from './feature-pins.js';
import { FeatureRegistryService } from './feature-registry.service.js';
import { FeatureError } from './features.errors.js';
import { OfflineStoreService, type LabelRow } from './offline-store.service.js';
import { OnlineStore, type OnlineRecord } from './online/online-store.js';
import { OnlineService } from './online/online.service.js';
import { pointInTime } from './pit.js';
import { StatisticsService } from './statistics.service.js';
import { TrainingSetService } from './training-set.service.js';

const DAY = 86_400_000;

/** A hand-fed view: its source query returns nothing, rows are appended by the test. */
const probe = (name: string, over: Partial<FeatureViewDefinition> = {}): FeatureViewDefinition => ({
  name, entity: 'candidate', description: 'test probe', owner: 'test', ttlSeconds: 10 * 86_400, eventTimeColumn: 'event_time', asOfEventTime: false,
  features: [
    { name: 'score', type: 'float', missing: { strategy: 'mean' } },
    { name: 'tag', type: 'string', missing: { strategy: 'default', value: 'none' } },
    { name: 'flag', type: 'bool' },
  ],
  source: { sql: `SELECT NULL::text AS candidate_id, now() AS event_time, 0.0::float8 AS score, ''::text AS tag, false AS flag WHERE false AND $1::timestamptz IS NOT NULL` },
  ...over,
});

async function expectFeatureError(p: Promise<unknown>, code: string, field?: string): Promise<FeatureError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FeatureError);
    expect((err as FeatureError).code).toBe(code);
    if (field !== undefined) expect((err as FeatureError).details?.['field']).toBe(field);
    return err as FeatureError;
  }
  throw new Error(`expected FeatureError ${code}`);
}

describe('feature store (real database; Redis online store when REDIS_URL is set)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let admin: string;
  let registry: FeatureRegistryService;
  let offline: OfflineStoreService;
  let online: OnlineService;

  beforeAll(async () => {
    db = await createTestDatabase('features');
    await insertMarket(db.url);
    ({ app, close } = await startInProcessApi(db));
    admin = await loginAsAdmin(app);
    registry = app.get(FeatureRegistryService);
    offline = app.get(OfflineStoreService);
    online = app.get(OnlineService);
  }, 120_000);
  afterAll(async () => {
    await dropOnlineKeys(app?.get(AppConfig).queuePrefix);
    await close?.();
    await db?.drop();
  });

  describe('definitions', () => {
    it('stores every built-in view and service as version 1 at boot', async () => {
      const views = await registry.listVersions('view');
      expect(views.map((v) => `${v.name}/${v.version}`).sort()).toEqual([
        'candidate_activity/1', 'candidate_engagement/1', 'candidate_job_match/1', 'candidate_profile/1', 'candidate_text/1',
        'job_attributes/1', 'job_engagement/1', 'job_freshness/1', 'job_similarity/1', 'job_text/1',
      ]);
      const svc = await registry.resolveService('job_alert_ranker');
      expect(svc.version).toBe(1);
      expect(svc.featureNames).toContain('candidate_job_match.skill_relevance');
      expect(svc.featureNames).toContain('candidate_engagement.ctr_7d');
    });

    it('refuses a duplicate name, and versions a changed definition while the old version stays readable', async () => {
      registry.defineView(probe('versioned'));
      await expectFeatureError(Promise.resolve().then(() => registry.defineView(probe('versioned'))), 'DUPLICATE_DEFINITION', 'name');
      const v1 = await registry.resolveView('versioned');
      expect(v1.version).toBe(1);
      await offline.append(v1.id, [{ key: '1', eventTime: new Date(Date.now() - DAY), values: [1, 'a', true] }]);
      registry.defineView(probe('versioned', { owner: 'new owner' }), { replace: true });
      expect((await registry.resolveView('versioned')).id).toBe(v1.id); // owner is prose, not part of the version
      registry.defineView(probe('versioned', { features: [{ name: 'score', type: 'int' }] }), { replace: true });
      const v2 = await registry.resolveView('versioned');
      expect(v2.version).toBe(2);
      const old = await registry.resolveView('versioned/1');
      expect(old.features.map((f) => f.type)).toEqual(['float', 'string', 'bool']);
      expect((await offline.rowCount(old.id)).rows).toBe(1);
      await expectFeatureError(registry.resolveView('versioned/7'), 'NOT_FOUND');
      await expectFeatureError(Promise.resolve().then(() => registry.defineService({ name: 'bad', description: '', owner: '', views: [{ view: 'versioned', features: ['nope'] }] })), 'UNKNOWN_FEATURE');
    });
  });

  describe('offline store and point-in-time joins', () => {
    const t0 = new Date('2026-10-20T12:00:00Z');
    let viewId: number;

    beforeAll(async () => {
      registry.defineView(probe('pit_probe'));
      registry.defineService({ name: 'pit_service', description: '', owner: 'test', views: [{ view: 'pit_probe' }] });
      viewId = (await registry.resolveView('pit_probe')).id;
      await offline.append(viewId, [
        { key: '1', eventTime: new Date(t0.getTime() - 20 * DAY), values: [1, 'ancient', false] },
        { key: '1', eventTime: new Date(t0.getTime() - 5 * DAY), values: [2, 'past', true] },
        { key: '1', eventTime: new Date(t0.getTime() + DAY), values: [3, 'future', false] },
      ]);
    });

    it('never returns a future value nor one past its TTL (nor an older one instead)', async () => {
      const rows: LabelRow[] = [
        { candidateId: 1, timestamp: t0, label: 1 },                                  // → past (5 days old); the future row is invisible
        { candidateId: 1, timestamp: new Date(t0.getTime() - 8 * DAY), label: 0 },    // latest is 12 days old > 10-day TTL → missing
        { candidateId: 1, timestamp: new Date(t0.getTime() - 15 * DAY), label: 0 },   // ancient is 5 days old → valid
        { candidateId: 1, timestamp: new Date(t0.getTime() + 2 * DAY), label: 0 },    // now the future row is in the past
        { candidateId: 2, timestamp: t0, label: 0 },                                  // unknown entity → missing
      ];
      const { rows: out, service } = await offline.getHistoricalFeatures(rows, 'pit_service');
      expect(service.featureNames).toEqual(['pit_probe.score', 'pit_probe.tag', 'pit_probe.flag']);
      expect(out.map((r) => r.values)).toEqual([
        [2, 'past', true],
        [null, 'none', null], // policy: mean (no statistics yet → null), default 'none', null
        [1, 'ancient', false],
        [3, 'future', false],
        [null, 'none', null],
      ]);
      expect(out.map((r) => r.label)).toEqual([1, 0, 0, 0, 0]);
    });

    it('matches the in-memory reference join on random data', async () => {
      registry.defineView(probe('pit_random', { ttlSeconds: 3 * 86_400 }));
      registry.defineService({ name: 'pit_random_service', description: '', owner: 'test', views: [{ view: 'pit_random' }] });
      const id = (await registry.resolveView('pit_random')).id;
      let s = 42;
      const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      const base = t0.getTime();
      const byKey = new Map<string, Array<{ eventTime: number; value: number }>>();
      const recs = Array.from({ length: 400 }, (_, i) => {
        const key = String(1 + Math.floor(rand() * 20)), eventTime = base + Math.floor(rand() * 30 * 24) * 3_600_000;
        return { key, eventTime: new Date(eventTime), values: [i, 't', null] };
      });
      await offline.append(id, recs);
      for (const r of recs) {
        const list = byKey.get(r.key) ?? [];
        if (!list.some((x) => x.eventTime === r.eventTime.getTime())) list.push({ eventTime: r.eventTime.getTime(), value: r.values[0] as number }); // first append wins
        byKey.set(r.key, list);
      }
      for (const l of byKey.values()) l.sort((a, b) => a.eventTime - b.eventTime);
      const labels = Array.from({ length: 300 }, () => ({ candidateId: String(1 + Math.floor(rand() * 22)), timestamp: new Date(base + Math.floor(rand() * 33 * 24 * 60) * 60_000) }));
      const { rows } = await offline.getHistoricalFeatures(labels, 'pit_random_service');
      const expected = labels.map((l) => pointInTime(byKey.get(l.candidateId) ?? [], l.timestamp.getTime(), 3 * DAY)?.value ?? null);
      expect(rows.map((r) => r.values[0])).toEqual(expected);
      expect(expected.filter((v) => v === null).length).toBeGreaterThan(10);
      expect(expected.filter((v) => v !== null).length).toBeGreaterThan(100);
    });

    it('appends idempotently and is append-only in the database', async () => {
      const before = (await offline.rowCount(viewId)).rows;
      expect(await offline.append(viewId, [{ key: '1', eventTime: new Date(t0.getTime() - 5 * DAY), values: [99, 'dup', true] }])).toBe(0);
      expect((await offline.rowCount(viewId)).rows).toBe(before);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        await expect(c.query(`UPDATE feature_rows SET "values" = '[0]' WHERE view_version_id = $1`, [viewId])).rejects.toThrow(/append-only/);
        await expect(c.query(`DELETE FROM feature_rows WHERE view_version_id = $1`, [viewId])).rejects.toThrow(/append-only/);
      } finally {
        await c.end();
      }
    });

    it('refuses training rows without a timestamp or without the ids the service needs, naming the field', async () => {
      await expectFeatureError(offline.getHistoricalFeatures([{ candidateId: 1, timestamp: t0 }, { candidateId: 1 }], 'pit_service'), 'MISSING_TIMESTAMP', 'rows[1].timestamp');
      await expectFeatureError(offline.getHistoricalFeatures([{ jobId: 3, timestamp: t0 }], 'pit_service'), 'INVALID_INPUT', 'rows[0].candidateId');
      await expectFeatureError(offline.getHistoricalFeatures([{ candidateId: 1, timestamp: t0 }], 'no_such_service'), 'NOT_FOUND');
    });

    it('rejects a source row whose value does not fit the declared type, naming the feature', async () => {
      registry.defineView(probe('bad_source', {
        source: { sql: `SELECT '7'::text AS candidate_id, $1::timestamptz - interval '1 day' AS event_time, 'abc'::text AS score, 'x'::text AS tag, true AS flag` },
      }));
      const err = await expectFeatureError(app.get(ComputeService).compute({ views: ['bad_source'], asOf: t0 }), 'TYPE_MISMATCH', 'score');
      expect(err.message).toBe('feature view bad_source: feature score of candidate 7 should be float, got string "abc"');
      registry.defineView(probe('leaky_source', { source: { sql: `SELECT '7'::text AS candidate_id, $1::timestamptz + interval '1 day' AS event_time, 1.0::float8 AS score, 'x' AS tag, true AS flag` } }));
      await expectFeatureError(app.get(ComputeService).compute({ views: ['leaky_source'], asOf: t0 }), 'COMPUTE_FAILED', 'event_time');
    });
  });

  describe('built-in views on a market', () => {
    it('computes every built-in view from the market tables with a backfill, idempotently', async () => {
      const compute = app.get(ComputeService);
      const r = await compute.compute({ views: BUILTIN_VIEWS.map((v) => v.name), asOf: FIXTURE_END, backfillDays: 10, stepHours: 24 });
      const by = Object.fromEntries(r.views.map((v) => [v.view, v]));
      expect(by['candidate_profile']).toMatchObject({ steps: 1, rows: 40 });
      expect(by['job_attributes']).toMatchObject({ steps: 1, rows: 48 });
      expect(by['candidate_engagement']!.steps).toBe(11);
      expect(by['job_similarity']!.steps).toBe(1); // no backfill for the costly view
      expect(by['candidate_job_match']!.rows).toBeGreaterThan(100);
      expect(r.vocabularies['market_text']).toBe(1);
      const again = await compute.compute({ asOf: FIXTURE_END, views: ['candidate_profile', 'candidate_engagement'], backfillDays: 10 });
      expect(again.views.map((v) => v.appended)).toEqual([0, 0]);
      expect(again.vocabularies).toEqual({});

      const { rows } = await offline.getHistoricalFeatures([{ candidateId: 1, jobId: 1, timestamp: FIXTURE_END }], 'text_features');
      const [cand, , job] = rows[0]!.values as Array<{ v: number; i: number[]; x: number[] }>;
      expect(cand.v).toBe(1);
      expect(job.i.length).toBeGreaterThan(0);
      const norm = Math.hypot(...job.x);
      expect(norm).toBeCloseTo(1, 3);
    }, 120_000);

    it('builds a leak-free training set from impressions (engagement as of the latest step at or before each impression) and ranks its features', async () => {
      const sets = app.get(TrainingSetService);
      const lines: string[] = [];
      const summary = await sets.export({ service: 'job_alert_ranker', format: 'jsonl', source: { interactions: { from: new Date(FIXTURE_END.getTime() - 7 * DAY), to: FIXTURE_END } } }, (c) => { lines.push(c); });
      const rows = lines.join('').trim().split('\n').map((l) => JSON.parse(l));
      expect(summary.rows).toBe(rows.length);
      expect(rows.length).toBeGreaterThan(20);
      expect(summary.statisticsRecorded).toBe(true);
      // Recompute one row's 7-day impressions by hand: the step is the last midnight-aligned as-of ≤ the impression.
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        for (const row of rows.slice(0, 5)) {
          const ts = new Date(row.timestamp).getTime();
          const step = FIXTURE_END.getTime() - Math.ceil((FIXTURE_END.getTime() - ts) / DAY) * DAY;
          const { rows: r } = await c.query(`SELECT count(*)::int AS n FROM interactions WHERE candidate_id = $1 AND type = 'impression' AND occurred_at < $2 AND occurred_at >= $2::timestamptz - interval '7 days'`, [row.candidate_id, new Date(step)]);
          expect(row['candidate_engagement.impressions_7d']).toBe(r[0].n);
        }
      } finally {
        await c.end();
      }
      expect(rows.every((r) => typeof r['candidate_job_match.skill_relevance'] === 'number')).toBe(true);
      const stats = await app.get(StatisticsService).list((await registry.resolveService('job_alert_ranker')).id);
      expect(stats.find((s) => s.feature === 'candidate_engagement.ctr_7d')).toMatchObject({ type: 'float', stats: { kind: 'numeric', count: rows.length } });

      // Feature selection over the same labels: MI, chi-square and the hybrid blender's (logistic regression) importance per feature.
      const ranked = await graphql<any>(app, `query($from: DateTime!, $to: DateTime!) { featureRanking(input: { service: "job_alert_ranker", interactions: { from: $from, to: $to } }) {
        rows positives ranking { feature mutualInformation chiSquare chiSquarePValue coefficient importance missingRate } } }`,
      { from: new Date(FIXTURE_END.getTime() - 7 * DAY).toISOString(), to: FIXTURE_END.toISOString() }, admin);
      expect(ranked.errors).toBeUndefined();
      const r = ranked.data.featureRanking;
      expect(r.rows).toBe(rows.length);
      expect(r.positives).toBe(rows.filter((x) => x.label === 1).length);
      expect(r.ranking.length).toBeGreaterThan(20);
      const mi = r.ranking.map((x: any) => x.mutualInformation);
      expect(mi).toEqual([...mi].sort((a: number, b: number) => b - a));
      const importances = r.ranking.map((x: any) => x.importance).filter((x: number | null) => x !== null);
      expect(importances.length).toBeGreaterThan(0);
      expect(importances.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 6);
    }, 60_000);
  });

  describe('online store', () => {
    let viewId: number;

    beforeAll(async () => {
      registry.defineView(probe('online_probe', { ttlSeconds: 60 }));
      registry.defineService({ name: 'online_service', description: '', owner: 'test', views: [{ view: 'online_probe' }] });
      viewId = (await registry.resolveView('online_probe')).id;
      const now = Date.now();
      await offline.append(viewId, [
        { key: 'a', eventTime: new Date(now - 120_000), values: [0.5, 'old', false] }, // superseded
        { key: 'a', eventTime: new Date(now - 10_000), values: [1.5, 'fresh', true] },
        { key: 'b', eventTime: new Date(now - 120_000), values: [7, 'stale', true] },  // past the 60 s TTL
        { key: 'c', eventTime: new Date(now - 5_000), values: [null, null, null] },
      ]);
    });

    it('materialises the latest valid value per entity and serves it with its age', async () => {
      const r = await online.materialize('online_probe', { mode: 'full' });
      expect(r).toMatchObject({ mode: 'full', generation: 1, rows: 2, written: 2 });
      const got = await online.getOnlineFeatures('candidate', ['a', 'b', 'c', 'zz'], 'online_service');
      expect(got.features).toEqual(['online_probe.score', 'online_probe.tag', 'online_probe.flag']);
      expect(got.rows.map((x) => x.values)).toEqual([[1.5, 'fresh', true], [null, 'none', null], [null, 'none', null], [null, 'none', null]]);
      expect(got.rows.map((x) => x.status)).toEqual([['present', 'present', 'present'], ['missing', 'missing', 'missing'], ['missing', 'missing', 'missing'], ['missing', 'missing', 'missing']]);
      expect(got.rows[0]!.ages[0]!).toBeGreaterThanOrEqual(9);
      expect(got.rows[0]!.ages[0]!).toBeLessThan(30);
    });

    it('reports a value past its TTL as expired (never stale) even while the stored key still exists', async () => {
      const later = await online.getOnlineFeatures('candidate', ['a'], 'online_service', Date.now() + 55_000);
      expect(later.rows[0]!.status).toEqual(['expired', 'expired', 'expired']);
      expect(later.rows[0]!.values).toEqual([null, 'none', null]);
      expect(later.rows[0]!.ages).toEqual([null, null, null]);
      const raw = await app.get(OnlineStore).read([{ viewVersionId: viewId, generation: 1, key: 'a' }]);
      expect(raw[0]?.values).toEqual([1.5, 'fresh', true]); // still stored; the read refused it
    });

    it('imputes the training mean when the policy says so and statistics exist', async () => {
      const service = await registry.resolveService('online_service');
      await app.get(StatisticsService).saveTrainingStats(service, [[1, 'x', true], [3, 'y', false], [null, null, null]], { test: true });
      const fresh = new OnlineService(app.get<DataSource>(getDataSourceToken()), app.get(OnlineStore), registry, app.get(StatisticsService)); // no caches
      const got = await fresh.getOnlineFeatures('candidate', ['c', 'a'], 'online_service');
      expect(got.rows[0]!.values).toEqual([2, 'none', null]);
      expect(got.rows[1]!.values).toEqual([1.5, 'fresh', true]);
    });

    it('keeps the old values readable when a materialisation fails, then catches up incrementally', async () => {
      const real = app.get(OnlineStore);
      class FailingStore extends OnlineStore {
        readonly backend = real.backend;
        async write(): Promise<number> { throw new Error('disk full'); }
        read(keys: Parameters<OnlineStore['read']>[0]) { return real.read(keys); }
        sample(a: number, b: number, c: number): Promise<OnlineRecord[]> { return real.sample(a, b, c); }
        dropGeneration(a: number, b: number) { return real.dropGeneration(a, b); }
        async close() {}
      }
      const failing = new OnlineService(app.get<DataSource>(getDataSourceToken()), new FailingStore(), registry, app.get(StatisticsService));
      await offline.append(viewId, [{ key: 'a', eventTime: new Date(Date.now() - 1000), values: [2.5, 'newer', false] }]);
      const err = await expectFeatureError(failing.materialize('online_probe', { mode: 'full' }), 'MATERIALIZATION_FAILED');
      expect(err.message).toContain('disk full');
      expect((await online.pointer(viewId))!.generation).toBe(1);
      const still = await online.getOnlineFeatures('candidate', ['a'], 'online_service');
      expect(still.rows[0]!.values).toEqual([1.5, 'fresh', true]);

      const inc = await online.materialize('online_probe', { mode: 'incremental' });
      expect(inc).toMatchObject({ mode: 'incremental', generation: 1, rows: 1 });
      await new Promise((r) => setTimeout(r, 1100)); // the per-process pointer cache
      const now = await online.getOnlineFeatures('candidate', ['a'], 'online_service');
      expect(now.rows[0]!.values).toEqual([2.5, 'newer', false]);
      const full = await online.materialize('online_probe', { mode: 'full' });
      expect(full.generation).toBe(2);
    });

    it('serves a candidate×job request from candidate, job and pair views of a service', async () => {
      const res = await app.get(FeatureJobsService).start({ kind: 'materialize', materialize: { service: 'job_alert_ranker' }, createdBy: 'test' }, { enqueue: false });
      const progress: number[] = [];
      await app.get(FeatureJobsService).runInProcess(res.id, (p) => progress.push(p.percent));
      const job = await app.get(FeatureJobsService).get(res.id);
      expect(job.status).toBe('completed');
      expect(progress.at(-1)).toBe(100);
      // The fixture's market ended weeks ago: as-of features (2-day TTL) are past their TTL and not materialised;
      // content features (long TTLs) are served.
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const pair = (await c.query(`SELECT candidate_id || ':' || job_id AS id FROM interactions ORDER BY id LIMIT 1`)).rows[0].id as string;
      await c.end();
      const got = await online.getOnlineFeatures('candidate_job', [pair], 'job_alert_ranker');
      const i = (f: string) => got.features.indexOf(f);
      expect(got.rows[0]!.status[i('candidate_profile.skills_count')]).toBe('present');
      expect(got.rows[0]!.values[i('candidate_profile.experience_log')]).toBeNull(); // the fixture has no experience; mean policy, no statistics
      expect(got.rows[0]!.status[i('candidate_job_match.skill_relevance')]).toBe('present');
      expect(got.rows[0]!.status[i('job_attributes.salary_log')]).toBe('present');
      expect(got.rows[0]!.status[i('candidate_engagement.ctr_7d')]).toBe('missing');
      await expectFeatureError(online.getOnlineFeatures('candidate_job', ['1'], 'job_alert_ranker'), 'INVALID_INPUT', 'ids');
    }, 60_000);
  });

  describe('drift and GraphQL', () => {
    it('computes PSI and KS of online values against training statistics and exports gauges', async () => {
      const rows = await app.get(DriftService).computeDrift('online_service');
      const score = rows.find((r) => r.feature === 'online_probe.score')!;
      expect(score).toMatchObject({ service: 'online_service', recentCount: 2 });
      expect(score.psi).not.toBeNull();
      expect(score.ks).not.toBeNull();
      await expectFeatureError(app.get(DriftService).computeDrift('pit_service'), 'NO_STATISTICS');
      const metrics = await (await import('supertest')).default(app.getHttpServer()).get('/metrics');
      expect(metrics.text).toMatch(/matchlab_feature_drift_psi\{service="online_service",version="1",feature="online_probe.score"\} [0-9.e+-]+/);
    });

    it('lists views and services with versions, statistics and drift; serves online features; exports CSV', async () => {
      const views = await graphql<any>(app, `{ featureViews(name: "versioned") { name versions { version current features { name type missing } offline { rows } } } }`, {}, admin);
      expect(views.errors).toBeUndefined();
      expect(views.data.featureViews[0].versions.map((v: any) => [v.version, v.current, v.offline.rows])).toEqual([[2, true, 0], [1, false, 1]]);
      const services = await graphql<any>(app, `{ featureServices(name: "online_service") { versions { version features statistics { feature mean count missingRate } drift { feature psi drifted } } } }`, {}, admin);
      expect(services.errors).toBeUndefined();
      const v = services.data.featureServices[0].versions[0];
      expect(v.statistics.find((s: any) => s.feature === 'online_probe.score')).toEqual({ feature: 'online_probe.score', mean: 2, count: 3, missingRate: 1 / 3 });
      expect(v.drift.map((d: any) => d.feature)).toContain('online_probe.score');
      const onlineRes = await graphql<any>(app, `{ onlineFeatures(entity: "candidate", ids: ["a"], service: "online_service") { version rows { id values { feature value ageSeconds status } } } }`, {}, admin);
      expect(onlineRes.errors).toBeUndefined();
      expect(onlineRes.data.onlineFeatures.rows[0].values[1]).toMatchObject({ feature: 'online_probe.tag', value: '"newer"', status: 'present' });
      const csv = await graphql<any>(app, `mutation($rows: [LabelRowInput!]) { exportTrainingSet(input: { service: "pit_service", format: "csv", rows: $rows, recordStatistics: false }) { rows content } }`,
        { rows: [{ candidateId: '1', timestamp: '2026-10-20T12:00:00Z', label: 1 }] }, admin);
      expect(csv.errors).toBeUndefined();
      expect(csv.data.exportTrainingSet.content).toBe('candidate_id,job_id,timestamp,label,pit_probe.score,pit_probe.tag,pit_probe.flag\n1,,2026-10-20T12:00:00.000Z,1,2,past,true\n');
    });

    it('maps typed errors and permissions', async () => {
      const missing = await graphql<any>(app, `mutation { exportTrainingSet(input: { service: "pit_service", rows: [{ candidateId: "1" }] }) { rows } }`, {}, admin);
      expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MISSING_TIMESTAMP', details: { field: 'rows[0].timestamp' } });
      const unknown = await graphql<any>(app, `{ onlineFeatures(entity: "candidate", ids: ["a"], service: "nope") { version } }`, {}, admin);
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const anon = await graphql<any>(app, `{ featureViews { name } }`);
      expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const key = await graphql<any>(app, `mutation { createApiKey(name: "alerts", role: app) { key } }`, {}, admin);
      const appKey = key.data.createApiKey.key as string;
      const allowed = await graphql<any>(app, `{ onlineFeatures(entity: "candidate", ids: ["a"], service: "online_service") { version } }`, {}, appKey);
      expect(allowed.errors).toBeUndefined();
      const refused = await graphql<any>(app, `mutation { materializeFeatures(input: { views: ["online_probe"] }) { id } }`, {}, appKey);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const queued = await graphql<any>(app, `mutation { materializeFeatures(input: { views: ["online_probe"], mode: "incremental" }) { id status kind } }`, {}, admin);
      expect(queued.data.materializeFeatures).toMatchObject({ status: 'queued', kind: 'materialize' });
      const bad = await graphql<any>(app, `mutation { computeFeatures(input: { views: ["nope"] }) { id } }`, {}, admin);
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', details: { field: 'view' } });
    });
  });
  describe('model versions pin a feature service version', () => {
    it('reads the pinned version online after the service has changed; a model without a pin is a typed error', async () => {
      const now = Date.now();
      registry.defineView(probe('pinned_probe', { ttlSeconds: 3600 }));
      registry.defineService({ name: 'pinned_service', description: '', owner: 'test', views: [{ view: 'pinned_probe' }] });
      const v1 = await registry.resolveView('pinned_probe');
      const s1 = await registry.resolveService('pinned_service');
      await offline.append(v1.id, [{ key: 'p', eventTime: new Date(now - 60_000), values: [4, 'one', true] }]);
      await online.materialize(v1);

      const models = app.get(RegistryService);
      await models.registerModel({ name: 'pinned-ranker', strategy: 'hybrid', owner: 'test' });
      const version = (n: number, featureSet?: Record<string, unknown>) => models.createVersion('pinned-ranker', {
        artifact: Buffer.from(`pinned-${n}`), artifactFormat: 'test/1', params: {}, dataset: {}, codeVersion: 'abc', trainingSeconds: 1, createdBy: 'test', featureSet,
      });
      await version(1, featureServicePin(s1) as unknown as Record<string, unknown>);
      await version(2);

      // The view's schema changes in code: a new view version and a new service version; the model still reads version 1.
      registry.defineView(probe('pinned_probe', { ttlSeconds: 3600, features: [{ name: 'score', type: 'float' }, { name: 'extra', type: 'int' }] }), { replace: true });
      const v2 = await registry.resolveView('pinned_probe');
      const s2 = await registry.resolveService('pinned_service');
      expect([v2.version, s2.version]).toEqual([2, 2]);
      await offline.append(v2.id, [{ key: 'p', eventTime: new Date(now - 30_000), values: [5, 7] }]);
      await online.materialize(v2);

      const byModel = await graphql<any>(app, `{ onlineFeatures(entity: "candidate", ids: ["p"], model: "pinned-ranker/1") { service version features rows { values { feature value status } } } }`, {}, admin);
      expect(byModel.errors).toBeUndefined();
      expect(byModel.data.onlineFeatures).toMatchObject({ service: 'pinned_service', version: 1, features: ['pinned_probe.score', 'pinned_probe.tag', 'pinned_probe.flag'] });
      expect(byModel.data.onlineFeatures.rows[0].values.map((v: any) => v.value)).toEqual(['4', '"one"', 'true']);
      const byName = await graphql<any>(app, `{ onlineFeatures(entity: "candidate", ids: ["p"], service: "pinned_service") { version features rows { values { value } } } }`, {}, admin);
      expect(byName.data.onlineFeatures).toMatchObject({ version: 2, features: ['pinned_probe.score', 'pinned_probe.extra'] });
      expect(byName.data.onlineFeatures.rows[0].values.map((v: any) => v.value)).toEqual(['5', '7']);

      const pinned = await graphql<any>(app, `{ modelFeatureService(model: "pinned-ranker/1") { name version current features views { view version } } }`, {}, admin);
      expect(pinned.data.modelFeatureService).toEqual({ name: 'pinned_service', version: 1, current: false, features: s1.featureNames, views: [{ view: 'pinned_probe', version: 1 }] });
      // Training sets for the pinned version stay available too (old versions stay readable offline).
      const { rows } = await offline.getHistoricalFeatures([{ candidateId: 'p', timestamp: new Date(now) }], 'pinned_service/1');
      expect(rows[0]!.values).toEqual([4, 'one', true]);

      const none = await graphql<any>(app, `{ onlineFeatures(entity: "candidate", ids: ["p"], model: "pinned-ranker/2") { version } }`, {}, admin);
      expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', details: { field: 'featureSet.featureService' } });
      const both = await graphql<any>(app, `{ onlineFeatures(entity: "candidate", ids: ["p"], service: "pinned_service", model: "pinned-ranker/1") { version } }`, {}, admin);
      expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'model' } });
      const unknown = await graphql<any>(app, `{ onlineFeatures(entity: "candidate", ids: ["p"], model: "no-such-model/1") { version } }`, {}, admin);
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });
});
