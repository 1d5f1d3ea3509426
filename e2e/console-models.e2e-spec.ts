import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthService } from '@app/auth';
import { EvaluationJobService } from '@app/evaluation-jobs';
import { FeatureJobsService, type FeatureJobData } from '@app/features';
import { RegistryService } from '@app/registry';
import { SimulatorService } from '@app/simulator';
import { TrainingService } from '@app/training';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { createApiApp } from '../apps/api/src/main.js';
import { CONSOLE_DIST, ensureConsoleBuilt, launchBrowser, recordPageProblems, screenshot } from './support/browser.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

const START = new Date('2026-06-01T00:00:00Z');
const CUTOFF = new Date('2026-06-08T00:00:00Z');

/**
 * Models, evaluations and the comparison page in headless Chromium against the real API and database: two trained
 * models, their evaluations on the same split, the paired comparison with curves across k, promotion through the
 * registry's gate (a refusal shows the gate's reason), alias history, and an analyst who sees no Promote button.
 */
describe('console: models, evaluations and comparison', () => {
  let db: TestDatabase;
  let close: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let problems: string[];
  const evaluationIds: Record<string, string> = {};
  let runFeatureJob: (data: FeatureJobData) => Promise<void>;

  beforeAll(async () => {
    ensureConsoleBuilt();
    db = await createTestDatabase('console_models');
    const { app, runtime } = await createApiApp({ withWorker: true, env: appEnv(db) }); // the worker brings SimulatorService
    const nest = app as NestExpressApplication;
    nest.useStaticAssets(CONSOLE_DIST, { prefix: '/console' }); // see console.e2e-spec.ts
    await nest.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(nest.getHttpServer().address() as AddressInfo).port}`;
    close = async () => {
      await nest.close();
      await runtime.endpoint.close();
    };

    await app.get(SimulatorService, { strict: false }).simulateMarket({ seed: 31, candidates: 150, jobs: 300, days: 10, start: START });
    const registry = app.get(RegistryService, { strict: false });
    const training = app.get(TrainingService, { strict: false });
    const evaluations = app.get(EvaluationJobService, { strict: false });
    for (const [name, strategy, params] of [['pop', 'popularity', {}], ['als', 'als', { factors: 8, iterations: 5 }]] as const) {
      await registry.registerModel({ name, strategy, owner: 'e2e' });
      const job = await training.startTraining({ model: name, params, cutoff: CUTOFF, validationFraction: 0 }, 'e2e', { enqueue: false });
      expect(await training.runInProcess(job.id)).toMatchObject({ status: 'completed', version: 1 });
      const ev = await evaluations.start({ modelRef: `${name}/1`, ks: [5, 10, 20] }, 'e2e', { enqueue: false });
      expect((await evaluations.runInProcess(ev.id)).status).toBe('completed');
      evaluationIds[name] = ev.id;
    }
    // pop/2: trained but never evaluated, so the gate has no offline NDCG@10 to let it replace a champion with.
    const second = await training.startTraining({ model: 'pop', params: {}, cutoff: CUTOFF, validationFraction: 0 }, 'e2e', { enqueue: false });
    expect(await training.runInProcess(second.id)).toMatchObject({ status: 'completed', version: 2 });
    const featureJobs = app.get(FeatureJobsService, { strict: false });
    runFeatureJob = async (data) => {
      const job = await featureJobs.start(data, { enqueue: false });
      await featureJobs.runInProcess(job.id);
    };
    await app.get(AuthService, { strict: false }).createUser('analyst@matchlab.local', 'analyst-password-1', 'analyst');

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(15_000);
    problems = recordPageProblems(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
    await db?.drop();
  });

  const signIn = async (email: string, password: string) => {
    await page.goto(`${base}/console/#/login`);
    await page.locator('input[name="email"]').waitFor({ timeout: 60_000 });
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Active jobs by seniority').waitFor({ timeout: 60_000 });
  };
  /** GraphQL as the signed-in console user. */
  const gql = async <T,>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await page.evaluate<string>("JSON.parse(localStorage.getItem('matchlab.session')).token")}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const ndcgOf = async (model: string) => {
    const data = await gql<{ evaluation: { metrics: Array<{ name: string; value: number }> } }>(`query($id: ID!) { evaluation(id: $id) { metrics { name value } } }`, { id: evaluationIds[model] });
    return data.evaluation.metrics.find((m) => m.name === 'ndcg@10')!.value;
  };

  it('lists models with their aliases and evaluations with their NDCG@10', async () => {
    await signIn('admin@matchlab.local', 'admin-password-1');
    await page.getByRole('menuitem', { name: 'Models' }).click();
    await page.getByText('popularity').waitFor();
    expect((await page.locator('table tbody tr td:nth-child(1)').allTextContents()).map((t) => t.trim())).toEqual(['als', 'pop']);
    await screenshot(page, 'console-models-01-list');

    await page.getByRole('menuitem', { name: 'Evaluations' }).click();
    await page.getByText('als/1 (als)').waitFor();
    const rows = await page.locator('table tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows.join('\n')).toContain('temporal, cut-off 2026-06-08');
    expect(rows.join('\n')).toContain((await ndcgOf('pop')).toFixed(4));
    await page.getByText('pop/1 (popularity)').click();
    await page.getByRole('heading', { name: 'Evaluation of pop/1' }).waitFor();
    const metricRows = await page.getByTestId('evaluation-metrics').locator('tbody tr').allTextContents();
    expect(metricRows.find((r) => r.startsWith('ndcg@10'))).toContain((await ndcgOf('pop')).toFixed(4));
    expect(metricRows.find((r) => r.startsWith('ndcg@10'))).toMatch(/\[0\.\d{4}, 0\.\d{4}\]/);
    await screenshot(page, 'console-models-02-evaluation');
  }, 120_000);

  it('compares the two evaluations: paired differences, curves across k, and promotes B through the gate', async () => {
    await page.goto(`${base}/console/#/compare?a=${evaluationIds['pop']}&b=${evaluationIds['als']}`);
    await page.getByTestId('comparison-table').waitFor();
    const ndcgRow = (await page.getByTestId('comparison-table').locator('tbody tr').allTextContents()).find((r) => r.startsWith('ndcg@10'))!;
    const diff = (await ndcgOf('als')) - (await ndcgOf('pop'));
    expect(ndcgRow).toContain(`${diff >= 0 ? '+' : '−'}${Math.abs(diff).toFixed(4)}`);
    expect(ndcgRow).toMatch(/B better|B worse|no significant difference/);
    // Both curves have one point per k (5, 10, 20) for each evaluation.
    await page.getByTestId('curve-ndcg').locator('.recharts-line').first().waitFor();
    expect(await page.getByTestId('curve-ndcg').locator('.recharts-line').count()).toBe(2);
    expect(await page.getByTestId('curve-recall').locator('.recharts-cartesian-axis-tick-value').allTextContents()).toEqual(expect.arrayContaining(['5', '10', '20']));
    await screenshot(page, 'console-models-03-compare');

    // als/1 to champion: the first champion passes the gate (nothing to compare against).
    await page.getByTestId('promote-panel').getByLabel('Reason').fill('offline win');
    await page.getByRole('button', { name: 'Promote' }).click();
    await page.getByTestId('promote-outcome').getByText(/champion → v1/).waitFor();
  }, 120_000);

  it('promotes pop/1, then shows the gate refusing pop/2 with its reason, a bad alias, and the alias history', async () => {
    await page.goto(`${base}/console/#/models/pop/show`);
    await page.getByRole('heading', { name: 'pop', exact: true }).waitFor();
    const versionRows = await page.getByTestId('model-versions').locator('tbody tr').allTextContents();
    expect(versionRows.map((r) => r.slice(0, 2))).toEqual(['v2', 'v1']);
    expect(versionRows[1]).toContain((await ndcgOf('pop')).toFixed(4));

    const panel = page.getByTestId('promote-panel');
    const chooseVersion = async (v: string) => {
      await panel.getByLabel('Version').click();
      await page.getByRole('option', { name: v, exact: true }).click();
    };
    await chooseVersion('v1');
    await panel.getByLabel('Reason').fill('first champion');
    await page.getByRole('button', { name: 'Promote' }).click();
    await page.getByTestId('promote-outcome').getByText(/champion → v1\. Gate: alias champion is unset; first promotion/).waitFor();
    await page.getByTestId('alias-history').getByText('first champion').waitFor();
    const history = await page.getByTestId('alias-history').locator('tbody tr').allTextContents();
    expect(history).toHaveLength(1);
    expect(history[0]).toContain('→ v1');

    await chooseVersion('v2');
    await panel.getByLabel('Reason').fill('try v2');
    await page.getByRole('button', { name: 'Promote' }).click();
    await page.getByTestId('promote-outcome').getByText(/refused: candidate has no offline ndcg@10; evaluate it first/).waitFor();
    expect(await page.getByTestId('promote-outcome').getAttribute('class')).toContain('Error');
    expect(await page.getByTestId('alias-history').locator('tbody tr').count()).toBe(1); // nothing moved

    await panel.getByLabel('Alias').fill('Bad Alias!');
    await page.getByRole('button', { name: 'Promote' }).click();
    await page.getByTestId('promote-outcome').getByText(/alias/i).waitFor();
    expect(await page.getByTestId('promote-outcome').textContent()).not.toContain('refused: candidate');
    await screenshot(page, 'console-models-04-model');
  }, 120_000);

  it('trains from the Train form (polled until it completes, then its log), shows a bad-params error, and evaluates from the Evaluate form', async () => {
    await page.goto(`${base}/console/#/trainingJobs`);
    await page.getByRole('link', { name: 'Train' }).click();
    await page.getByRole('combobox', { name: 'Model', exact: true }).click();
    await page.getByRole('option', { name: 'pop', exact: true }).click();
    await page.getByLabel('Hyperparameters (JSON)').fill('{"halfLifeDays": -3}');
    await page.getByLabel('Cut-off (ISO time; default now)').fill('2026-06-08T00:00:00Z');
    await page.getByLabel('Validation fraction (default 0.1)').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    // The API's INVALID_PARAMS message, in a notification; the form stays.
    await page.locator('.MuiSnackbarContent-message').getByText(/Invalid input: .*halfLifeDays/).waitFor();
    expect(page.url()).toContain('/trainingJobs/create');

    await page.getByLabel('Hyperparameters (JSON)').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Training pop (popularity)' }).waitFor();
    await page.getByText('Completed').first().waitFor({ timeout: 60_000 }); // queued → running → completed, polled
    await page.getByTestId('training-log').getByText(/completed in .* version pop\/3/).waitFor();
    await page.getByText('Result: version pop/3').waitFor();
    await screenshot(page, 'console-models-05-training');

    await page.goto(`${base}/console/#/evaluations/create`);
    await page.getByLabel('Model version (name@alias or name/3)').fill('pop/3');
    await page.getByLabel('Shards (parallel queue jobs)').fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Evaluation of pop/3' }).waitFor();
    await page.getByTestId('evaluation-metrics').waitFor({ timeout: 60_000 });
    const rows = await page.getByTestId('evaluation-metrics').locator('tbody tr').allTextContents();
    // Same split, same artifact content (popularity, same cut-off) as pop/1: the same numbers.
    expect(rows.find((r) => r.startsWith('ndcg@10'))).toContain((await ndcgOf('pop')).toFixed(4));
    await screenshot(page, 'console-models-06-evaluation-started');
  }, 180_000);

  it('shows an import with its rejected rows, and a webhook with its delivery log', async () => {
    const rows = JSON.stringify([{ external_id: 'g1', title: 'Data Analyst', company: 'Beta' }, { external_id: 'g2', title: '' }]);
    await gql(`mutation($rows: String!) { importRows(kind: jobs, rows: $rows, source: "console-e2e") { id } }`, { rows });
    await page.goto(`${base}/console/#/imports`);
    await page.getByRole('menuitem', { name: 'Imports' }).waitFor();
    await page.locator('table tbody tr').first().click();
    await page.getByTestId('import-rejections').getByText('title is required').waitFor();
    expect(await page.getByTestId('import-rejections').locator('tbody tr td').first().textContent()).toBe('2');

    await gql(`mutation { createWebhook(input: { url: "http://127.0.0.1:9/hook", description: "console e2e" }) { webhook { id } } }`);
    await page.goto(`${base}/console/#/webhooks`);
    await page.getByText('http://127.0.0.1:9/hook').click();
    await page.getByText(/console e2e · events: /).waitFor();
    await page.getByText(/No deliveries yet|Delivery log/).first().waitFor();
    await screenshot(page, 'console-models-07-webhook');
  }, 120_000);

  it('shows feature views and services with training statistics and the drift badge, and feature jobs', async () => {
    // compute (as of now) → materialise → record training statistics from an exported set → drift; the jobs run in
    // this process (the queued path is the feature store's own tests).
    await runFeatureJob({ kind: 'compute', compute: {}, createdBy: 'e2e' });
    await runFeatureJob({ kind: 'materialize', materialize: { service: 'job_alert_ranker' }, createdBy: 'e2e' });
    const now = new Date().toISOString();
    const rows = Array.from({ length: 60 }, (_, i) => ({ candidateId: String(1 + i), jobId: String(1 + ((i * 7) % 300)), timestamp: now, label: i % 3 === 0 ? 1 : 0 }));
    const exported = await gql<{ exportTrainingSet: { rows: number; statisticsRecorded: boolean } }>(
      `mutation($rows: [LabelRowInput!]) { exportTrainingSet(input: { service: "job_alert_ranker", rows: $rows }) { rows statisticsRecorded } }`, { rows });
    expect(exported.exportTrainingSet).toEqual({ rows: 60, statisticsRecorded: true });
    await runFeatureJob({ kind: 'drift', drift: { service: 'job_alert_ranker' }, createdBy: 'e2e' });
    const { featureServices } = await gql<{ featureServices: Array<{ versions: Array<{ current: boolean; drift: Array<{ drifted: boolean }> }> }> }>(
      `{ featureServices(name: "job_alert_ranker") { versions { current drift { drifted } } } }`);
    const drift = featureServices[0]!.versions.find((v) => v.current)!.drift;
    const drifted = drift.filter((d) => d.drifted).length;

    await page.goto(`${base}/console/#/featureViews`);
    await page.getByText('candidate_profile').waitFor();
    expect(await page.locator('table tbody tr').count()).toBeGreaterThanOrEqual(10);
    await page.getByText('candidate_profile').click();
    await page.getByTestId('view-version-1').getByText('experience_log').waitFor();
    await screenshot(page, 'console-models-08-feature-view');

    await page.goto(`${base}/console/#/featureServices/job_alert_ranker/show`);
    await page.getByRole('heading', { name: 'job_alert_ranker', exact: true }).waitFor();
    const badge = (await page.getByTestId('drift-badge').first().textContent())!.trim();
    expect(badge).toBe(drift.length === 0 ? 'no drift check yet' : drifted ? `${drifted} drifted` : 'no drift');
    const featureRows = await page.getByTestId('service-features').locator('tbody tr').allTextContents();
    expect(featureRows.find((r) => r.startsWith('candidate_profile.experience_log'))).toMatch(/^candidate_profile\.experience_log60/); // 60 rows counted
    await screenshot(page, 'console-models-09-feature-service');

    await page.goto(`${base}/console/#/featureJobs`);
    await page.getByText('materialize', { exact: true }).first().waitFor();
    // compute, materialize, drift, and maybe the hourly drift the worker schedules at start
    expect(await page.locator('table tbody tr').count()).toBeGreaterThanOrEqual(3);
  }, 240_000);

  it('an analyst reads models and comparisons but gets no Promote button; the pages ran without errors', async () => {
    await page.evaluate('localStorage.clear()');
    await signIn('analyst@matchlab.local', 'analyst-password-1');
    await page.goto(`${base}/console/#/models/als/show`);
    await page.getByRole('heading', { name: 'als', exact: true }).waitFor();
    await page.getByTestId('alias-history').waitFor();
    expect(await page.getByTestId('promote-panel').count()).toBe(0);
    await page.goto(`${base}/console/#/compare?a=${evaluationIds['pop']}&b=${evaluationIds['als']}`);
    await page.getByTestId('comparison-table').waitFor();
    expect(await page.getByTestId('promote-panel').count()).toBe(0);
    await page.goto(`${base}/console/#/trainingJobs`);
    await page.getByText('pop').first().waitFor();
    await page.goto(`${base}/console/#/evaluations`);
    await page.getByText('pop/3 (popularity)').waitFor();
    expect(await page.getByRole('link', { name: 'Train' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Evaluate' }).count()).toBe(0);
    expect(await page.getByText('Compare two', { exact: true }).count()).toBe(1);
    expect(problems).toEqual([]);
  }, 120_000);
});
