import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import { QueueNames } from '@app/queue';
import type { Queue } from 'bullmq';
import { createApiApp } from '../apps/api/src/main.js';
import { graphql, loginAsAdmin } from './support/graphql-client.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * A queue that holds an hourly schedule (feature drift) must still run a new job within seconds. On BullMQ's
 * PostgreSQL backend over embedded PGlite the NOTIFY that wakes a worker does not arrive, and the worker slept
 * until the scheduled job, an hour away (libs/queue: pollingPostgresBackend). On Redis this passes trivially.
 */
describe('queued jobs run promptly while their queue holds an hourly schedule', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase('queue_wakeup');
    const created = await createApiApp({ withWorker: true, schemaFile: false, env: appEnv(db) });
    await created.app.init();
    app = created.app;
    close = async () => {
      await created.app.close();
      await created.runtime.endpoint.close();
    };
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('a feature compute job queued after the startup drift run completes within 20 s', async () => {
    const queue = app.get<Queue>(getQueueToken(QueueNames.features));
    // The worker has run the schedule's first drift and now idles with the next one an hour away.
    for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
      const counts = await queue.getJobCounts('completed', 'delayed', 'active', 'waiting');
      if (counts['completed']! >= 1 && counts['delayed']! >= 1 && counts['active'] === 0 && counts['waiting'] === 0) break;
    }
    await new Promise((r) => setTimeout(r, 1000));
    const token = await loginAsAdmin(app);
    const started = Date.now();
    const res = await graphql<any>(app, `mutation { computeFeatures(input: { views: ["candidate_profile"] }) { id } }`, {}, token);
    expect(res.errors).toBeUndefined();
    const id = res.data.computeFeatures.id as string;
    let status = 'queued';
    while (Date.now() - started < 20_000) {
      status = (await graphql<any>(app, `query($id: ID!) { featureJob(id: $id) { status } }`, { id }, token)).data.featureJob.status;
      if (status !== 'queued' && status !== 'running') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    process.stdout.write(`queue wake-up: compute job ${status} ${((Date.now() - started) / 1000).toFixed(1)} s after it was queued\n`);
    expect(status).toBe('completed');
  }, 120_000);
});
