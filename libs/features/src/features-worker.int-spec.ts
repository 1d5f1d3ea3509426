import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { AppConfig } from '@app/config';
import { QueueNames } from '@app/queue';
import type { Queue } from 'bullmq';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { dropOnlineKeys } from '../test/redis-cleanup.js';
import { FeatureRegistryService } from './feature-registry.service.js';
import { OfflineStoreService } from './offline-store.service.js';

/** Feature jobs queued through GraphQL and run by the worker's FeaturesProcessor (single-process mode), on every queue backend. */
describe('feature jobs on the queue (API with the worker in-process)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let admin: string;

  beforeAll(async () => {
    db = await createTestDatabase('features_worker');
    ({ app, close } = await startInProcessApi(db, { withWorker: true }));
    admin = await loginAsAdmin(app);
  }, 120_000);
  afterAll(async () => {
    await dropOnlineKeys(app?.get(AppConfig).queuePrefix);
    await close?.();
    await db?.drop();
  });

  async function waitForJob(id: string): Promise<any> {
    let last: unknown;
    for (let i = 0; i < 300; i++) {
      const r = await graphql<any>(app, `query($id: ID!) { featureJob(id: $id) { status kind progress { percent phase done total } logs error errorCode result } }`, { id }, admin);
      expect(r.errors).toBeUndefined();
      const job = r.data.featureJob;
      last = job;
      if (job.status === 'completed' || job.status === 'failed') return job;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`feature job ${id} did not finish: ${JSON.stringify(last)}`);
  }

  it('materialises as a queued job with progress, then serves the values; drift runs as a job and is scheduled hourly', async () => {
    const registry = app.get(FeatureRegistryService);
    registry.defineView({
      name: 'queued_probe', entity: 'job', description: 'test probe', owner: 'test', ttlSeconds: 3600, eventTimeColumn: 'event_time', asOfEventTime: false,
      features: [{ name: 'x', type: 'float' }],
      source: { sql: `SELECT NULL::text AS job_id, now() AS event_time, 0.0::float8 AS x WHERE false AND $1::timestamptz IS NOT NULL` },
    });
    registry.defineService({ name: 'queued_service', description: '', owner: 'test', views: [{ view: 'queued_probe' }] });
    const view = await registry.resolveView('queued_probe');
    await app.get(OfflineStoreService).append(view.id, Array.from({ length: 25 }, (_, i) => ({ key: String(i + 1), eventTime: new Date(Date.now() - 60_000), values: [i / 10] })));

    const queued = await graphql<any>(app, `mutation { materializeFeatures(input: { service: "queued_service" }) { id status kind } }`, {}, admin);
    expect(queued.errors).toBeUndefined();
    expect(queued.data.materializeFeatures.kind).toBe('materialize');
    expect(['queued', 'running', 'completed']).toContain(queued.data.materializeFeatures.status); // a Redis worker may already have it
    const job = await waitForJob(queued.data.materializeFeatures.id);
    expect(job).toMatchObject({ status: 'completed', error: null, progress: { percent: 100, phase: 'done' } });
    expect(job.logs.join('\n')).toMatch(/queued_probe\/1: full, generation 1, 25 entities, 25 written to (redis|postgres)/);
    expect(JSON.parse(job.result).views[0]).toMatchObject({ view: 'queued_probe', rows: 25, written: 25 });

    const online = await graphql<any>(app, `{ onlineFeatures(entity: "job", ids: ["3", "99"], service: "queued_service") { rows { id values { value ageSeconds status } } } }`, {}, admin);
    expect(online.errors).toBeUndefined();
    expect(online.data.onlineFeatures.rows.map((r: any) => r.values[0].status)).toEqual(['present', 'missing']);
    expect(online.data.onlineFeatures.rows[0].values[0].value).toBe('0.2');
    expect(online.data.onlineFeatures.rows[0].values[0].ageSeconds).toBeGreaterThanOrEqual(59);

    // A bad reference is refused when queuing, naming the field, and nothing is queued.
    const bad = await graphql<any>(app, `mutation { materializeFeatures(input: { views: ["nope"] }) { id } }`, {}, admin);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });

    const drift = await graphql<any>(app, `mutation { computeFeatureDrift { id } }`, {}, admin);
    expect(drift.errors).toBeUndefined();
    expect(await waitForJob(drift.data.computeFeatureDrift.id)).toMatchObject({ status: 'completed', kind: 'drift' });

    const queue = app.get<Queue>(getQueueToken(QueueNames.features));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.find((s) => s.key === 'feature-drift-hourly' || s.id === 'feature-drift-hourly')).toMatchObject({ every: 3_600_000, name: 'drift' });
  }, 60_000);
});
