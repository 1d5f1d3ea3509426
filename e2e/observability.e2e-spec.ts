import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AlertsService } from '@app/alerts';
import { ExperimentResultsService, ExperimentSrmMetrics, ExperimentsService } from '@app/experiments';
import { dashboardMetricNames, exportedMetricNames } from '@app/telemetry';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { DataSource } from 'typeorm';
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

  it('experiment exposures are counted and a planted sample-ratio mismatch shows on /metrics', async () => {
    const experiments = api.get(ExperimentsService);
    await experiments.create({ key: 'obs-srm', variants: [{ key: 'control', weight: 0.5, modelRef: 'jobs@champion' }, { key: 'treatment', weight: 0.5, modelRef: 'jobs/2' }], primaryMetric: 'clicks_per_unit', secondaryMetrics: [], guardrailMetrics: [] }, 'test');
    await experiments.start('obs-srm');
    for (let i = 0; i < 100; i++) await experiments.logRanking({ experimentKey: 'obs-srm', unitId: `u${i}`, jobIds: ['1', '2', '3'], scores: [3, 2, 1], variant: i < 70 ? 'control' : 'treatment' });
    await experiments.flush();
    // the worker writes the rankings from the experiments queue; then the analysis (SRM 70/30 on 50/50) is cached
    let analysis: Awaited<ReturnType<ExperimentResultsService['analysis']>> | null = null;
    for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
      analysis = await api.get(ExperimentResultsService).analysis('obs-srm', { refresh: true });
      if (analysis.analysis.unitsPerVariant.reduce((n, u) => n + u.units, 0) >= 100) break;
    }
    expect(analysis!.analysis.srm?.flagged).toBe(true);
    const page = (await request(api.getHttpServer()).get('/metrics').expect(200)).text;
    expect(page).toContain('matchlab_experiment_exposures_total{experiment="obs-srm",variant="control"} 70');
    expect(page).toContain('matchlab_experiment_exposures_total{experiment="obs-srm",variant="treatment"} 30');
    expect(page).toContain('matchlab_experiment_srm_flagged{experiment="obs-srm",phase="1"} 1');
    const p = Number(/matchlab_experiment_srm_p_value\{experiment="obs-srm",phase="1"\} (\S+)/.exec(page)?.[1]);
    expect(p).toBeCloseTo(analysis!.analysis.srm!.p, 12);
    expect(p).toBeLessThan(0.001);
  }, 90_000);

  it('alert sends and webhook attempts are counted by channel, source and outcome', async () => {
    const receiver = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(req.url === '/ok' ? 204 : 503).end());
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const base = `http://localhost:${(receiver.address() as { port: number }).port}`;
    try {
      const sql = api.get(DataSource);
      const [company] = await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ('Obs', 'obs') RETURNING id`);
      await sql.query(
        `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, skills, city, country, posted_at, content_hash)
         VALUES ('obs', 'obs-1', $1, 'Observability Engineer', 'observability engineer', '{sql}', 'Berlin', 'DE', now() - interval '5 minutes', md5('obs-1') || '00000000')`,
        [company.id],
      );
      const alerts = api.get(AlertsService);
      const page = async () => (await request(api.getHttpServer()).get('/metrics').expect(200)).text;
      const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
      const before = await page();
      for (const path of ['/ok', '/fail']) {
        const [cand] = await sql.query(`INSERT INTO candidates (source, external_id, name, consent_alerts) VALUES ('obs', $1, 'Obs', true) RETURNING id::text AS id`, [`obs${path}`]);
        const { subscription } = await alerts.subscribe({ candidateId: cand.id, channel: 'webhook', webhookUrl: base + path, frequency: 'daily', timeZone: 'UTC', sendHour: 9 }, 'test');
        const due = new Date(Date.now() - 1000);
        await sql.query(`UPDATE alert_subscriptions SET next_due_at = $2 WHERE id = $1`, [subscription.id, due]);
        expect(await alerts.processAlert(subscription.id, due.getTime())).toMatchObject({ outcome: path === '/ok' ? 'sent' : 'retry' });
      }
      const after = await page();
      const delta = (series: string) => value(after, series) - value(before, series);
      expect(delta('matchlab_alert_sends_total{channel="webhook",outcome="sent"}')).toBe(1);
      expect(delta('matchlab_alert_sends_total{channel="webhook",outcome="retry"}')).toBe(1);
      expect(delta('matchlab_webhook_attempts_total{source="alerts",outcome="delivered"}')).toBe(1);
      expect(delta('matchlab_webhook_attempts_total{source="alerts",outcome="retry"}')).toBe(1);
    } finally {
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
    }
  }, 60_000);

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
    expect((await api.get(ExperimentSrmMetrics).read()).map((r) => r.experiment)).toEqual(['obs-srm']);
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
