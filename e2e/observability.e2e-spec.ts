import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ExperimentSrmMetrics } from '@app/experiments';
import { dashboardMetricNames, exportedMetricNames } from '@app/telemetry';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { createApiApp } from '../apps/api/src/main.js';
import { createWorkerApp } from '../apps/worker/src/main.js';
import { loginAsAdmin } from './support/graphql-client.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/**
 * An API and a worker (separate Nest apps, as in production; here in one test process against one database and queue):
 * both serve /metrics, every metric the Grafana dashboards query is exported by one of them, and a request id sent to
 * the API is carried into the job it enqueues and logged by the worker that processes it.
 */
describe('observability: /metrics of API and worker, dashboards, request ids into worker logs', () => {
  let db: TestDatabase;
  let api: INestApplication;
  let closeApi: () => Promise<void>;
  let closeWorker: () => Promise<void>;
  let workerPort = 0;
  const workerLines: string[] = [];
  const apiLines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('observability');
    workerPort = await freePort();
    const env = appEnv(db, { LOG_LEVEL: 'info', WORKER_METRICS_PORT: String(workerPort), WORKER_METRICS_HOST: '127.0.0.1' });
    const created = await createApiApp({ withWorker: false, schemaFile: false, env, logDestination: { write: (l: string) => void apiLines.push(l) } });
    await created.app.init();
    api = created.app;
    closeApi = async () => {
      await created.app.close();
      await created.runtime.endpoint.close();
    };
    // Booted last: Nest's static logger (used by QueueInstrumentation) is the worker's.
    const worker = await createWorkerApp({ env, logDestination: { write: (l: string) => void workerLines.push(l) } });
    expect(worker.metricsPort).toBe(workerPort);
    closeWorker = worker.close;
  }, 180_000);

  afterAll(async () => {
    await closeWorker?.();
    await closeApi?.();
    await db?.drop();
  });

  it('a request id sent to the API shows up in the worker log line of the job it caused', async () => {
    const token = await loginAsAdmin(api);
    const requestId = `req-obs-${Date.now()}`;
    const res = await request(api.getHttpServer())
      .post('/graphql')
      .set('authorization', `Bearer ${token}`)
      .set('x-request-id', requestId)
      .send({ query: 'mutation { computeFeatures(input: { views: ["candidate_profile"] }) { id } }' });
    expect(res.body.errors).toBeUndefined();
    expect(res.headers['x-request-id']).toBe(requestId);
    const jobs = () => workerLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['requestId'] === requestId);
    for (const end = Date.now() + 60_000; Date.now() < end && !jobs().some((l) => l['msg'] === 'job completed'); ) await new Promise((r) => setTimeout(r, 200));
    const lines = jobs();
    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['job started', 'job completed']));
    const done = lines.find((l) => l['msg'] === 'job completed')!;
    expect(done).toMatchObject({ name: 'worker', queue: 'features', requestId, level: 30 });
    expect(typeof done['jobId']).toBe('string');
    // The API's access log line has the same id.
    expect(apiLines.some((l) => (JSON.parse(l) as { req?: { id?: string } }).req?.id === requestId)).toBe(true);
    process.stdout.write(`request id ${requestId}: worker logged ${JSON.stringify(done)}\n`);
  }, 90_000);

  it('a malformed x-request-id is replaced by a generated one', async () => {
    const res = await request(api.getHttpServer()).get('/healthz').set('x-request-id', 'bad id with spaces');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('API and worker serve /metrics; every metric the dashboards query is exported by one of them', async () => {
    const apiPage = (await request(api.getHttpServer()).get('/metrics').expect(200)).text;
    const workerRes = await fetch(`http://127.0.0.1:${workerPort}/metrics`);
    expect(workerRes.status).toBe(200);
    expect(workerRes.headers.get('content-type')).toContain('text/plain');
    const workerPage = await workerRes.text();
    // the worker processed the features job above: its outcome, processing and wait time are on the worker's page
    expect(workerPage).toMatch(/matchlab_queue_jobs_total\{queue="features",outcome="completed"\} [1-9]/);
    expect(workerPage).toMatch(/matchlab_queue_job_wait_seconds_count\{queue="features"\} [1-9]/);
    expect(apiPage).toMatch(/matchlab_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} [1-9]/);
    expect((await fetch(`http://127.0.0.1:${workerPort}/other`)).status).toBe(404);
    // scrape-time gauges swallow read errors (a scrape must not fail): their queries must run on the real schema
    await expect(api.get(ExperimentSrmMetrics).read()).resolves.toEqual([]);
    const exported = new Set([...exportedMetricNames(apiPage), ...exportedMetricNames(workerPage)]);
    const files = readdirSync('dashboards').filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(5);
    const unknown: string[] = [];
    let queried = 0;
    for (const f of files) {
      for (const m of dashboardMetricNames(JSON.parse(readFileSync(join('dashboards', f), 'utf8')))) {
        queried++;
        if (!exported.has(m.metric)) unknown.push(`${f} / ${m.panel}: ${m.metric}`);
      }
    }
    expect(unknown).toEqual([]);
    process.stdout.write(`dashboards: ${queried} metric references in ${files.length} dashboards, all exported (API page ${exportedMetricNames(apiPage).size} series names, worker page ${exportedMetricNames(workerPage).size})\n`);
  }, 60_000);
});
