import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { QueueNames } from '@app/queue';
import type { Queue } from 'bullmq';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { redisUrlOrSkip } from '../../../e2e/support/services.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { SYNC_JOB, SourcesService, type SourceRun } from './sources.service.js';

/**
 * Source syncs run by the worker's SourcesProcessor (the API with the worker in-process, real Redis and PostgreSQL):
 * a scheduled source's first scheduler tick (a `scheduled` run the processor creates) and a queued `syncSource`
 * (the run recorded by requestSync, picked up by the worker), against a local HTTP feed.
 */
describe('source syncs through the worker processor (BullMQ on Redis)', () => {
  let redisUrl: string | undefined;
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sources: SourcesService;
  let ds: DataSource;
  let server: http.Server;
  let base = '';
  let feedIds = ['W-1', 'W-2', 'W-3'];

  beforeAll(async () => {
    redisUrl = redisUrlOrSkip('source syncs through the worker processor');
    if (!redisUrl) return;
    server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const jobs = feedIds.map((id) => `<job><title>Forklift Driver ${id}</title><referencenumber>${id}</referencenumber><company>Wayne Logistics</company><city>Gotham</city><country>US</country><description><![CDATA[<p>Drive ${id}</p>]]></description></job>`);
      res.end(`<?xml version="1.0"?><source>${jobs.join('')}<job><referencenumber>W-BAD</referencenumber></job></source>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    db = await createTestDatabase('sources_worker');
    ({ app, close } = await startInProcessApi(db, { withWorker: true }));
    sources = app.get(SourcesService);
    ds = app.get(DataSource);
  }, 120_000);
  afterAll(async () => {
    await app?.get<Queue>(getQueueToken(QueueNames.imports)).obliterate({ force: true }).catch(() => {});
    await close?.();
    await db?.drop();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  /** The source's runs once `n` of them have finished (completed / failed / not_modified). */
  async function finishedRuns(source: string, n: number): Promise<SourceRun[]> {
    for (let i = 0; i < 300; i++) {
      const runs = (await sources.runs({ source, limit: 10 })).items;
      const done = runs.filter((r) => !['queued', 'running'].includes(r.status));
      if (done.length >= n) return done;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${source}: fewer than ${n} finished runs after 30 s`);
  }

  it('a scheduled source is synced by its job scheduler, and a queued sync by the worker, with progress and counts', async () => {
    if (!redisUrl) return;
    const queue = app.get<Queue>(getQueueToken(QueueNames.imports));
    // An interval scheduler's first job runs at once: the processor creates a `scheduled` run (no runId in the job).
    const source = await sources.add({ name: 'wayne', type: 'xml_feed', url: `${base}/feed.xml`, schedule: '6h' }, 'test');
    expect(await queue.getJobScheduler(`job-source-${source.id}`)).toMatchObject({ every: 6 * 3_600_000 });
    const [scheduled] = await finishedRuns('wayne', 1);
    expect(scheduled).toMatchObject({ trigger: 'scheduled', status: 'completed', fetched: 4, new: 3, rejected: 1, expired: 0, progress: 4 });
    expect(scheduled!.rejections[0]).toMatchObject({ field: 'title', reason: 'title is required' });
    expect(scheduled!.durationMs).toBeGreaterThanOrEqual(0);

    // A queued sync: requestSync records the run, the worker runs it (a vanished posting expires).
    feedIds = ['W-1', 'W-3'];
    const queued = await sources.requestSync('wayne');
    expect(queued).toMatchObject({ status: 'queued', trigger: 'manual' });
    const runs = await finishedRuns('wayne', 2);
    const manual = runs.find((r) => r.id === queued.id);
    expect(manual).toMatchObject({ trigger: 'manual', status: 'completed', fetched: 3, new: 0, unchanged: 2, expired: 1, rejected: 1 });
    const jobs = await ds.query(`SELECT external_id, status FROM jobs WHERE source = 'wayne' ORDER BY external_id`);
    expect(jobs.map((j: any) => `${j.external_id}:${j.status}`)).toEqual(['W-1:active', 'W-2:expired', 'W-3:active']);

    // BullMQ saw both jobs complete, with the progress the processor reported and its summary as the return value.
    const completed = (await queue.getJobs(['completed'])).filter((j) => j.name === SYNC_JOB);
    const viaQueue = completed.find((j) => j.data.runId === queued.id);
    expect(viaQueue?.progress).toBe(3);
    expect(viaQueue?.returnvalue).toMatchObject({ id: queued.id, status: 'completed', fetched: 3, expired: 1 });
    expect(completed.some((j) => j.data.runId === '' && j.returnvalue?.id === scheduled!.id)).toBe(true);

    // Disabling the source removes its scheduler.
    await sources.setEnabled('wayne', false);
    expect(await queue.getJobScheduler(`job-source-${source.id}`)).toBeFalsy();
  }, 60_000);
});
