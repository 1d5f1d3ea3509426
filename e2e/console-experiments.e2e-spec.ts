import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AlertsService } from '@app/alerts';
import { AuthService } from '@app/auth';
import { assignCompiled, ExperimentsService, type RankingEvent } from '@app/experiments';
import { RegistryService } from '@app/registry';
import { SimulatorService } from '@app/simulator';
import { TrainingService } from '@app/training';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { createApiApp } from '../apps/api/src/main.js';
import { CONSOLE_DIST, ensureConsoleBuilt, launchBrowser, recordPageProblems, screenshot } from './support/browser.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

const DAY_MS = 86_400_000;
const KEY = 'e2e-pop-v2';

/** Mails the alerts send, kept as HTML. */
class SmtpSink {
  readonly html: string[] = [];
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, cb) => {
      simpleParser(stream).then((m) => {
        this.html.push(String(m.html || ''));
        cb();
      }, cb);
    },
  });
  port = 0;
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.server.address() as AddressInfo).port;
  }
  close() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A deterministic stream of numbers in [0, 1). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return (s >>> 8) / 0x1000000;
  };
}

/**
 * Experiments, the launch wizard, the product overview and the alert pages in headless Chromium against the real
 * API (with its worker), a real database and a real SMTP server: a market, two registry versions, an experiment
 * started from the wizard, exposures and clicks logged through the experiments service, real alerts sent (one by
 * email and clicked, one to a dead webhook), a decision that promotes the winner, and an analyst without buttons.
 */
describe('console: experiments, overview and alerts', () => {
  let db: TestDatabase;
  let close: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let problems: string[];
  let sql: pg.Client;
  let experiments: ExperimentsService;
  let alerts: AlertsService;
  const smtp = new SmtpSink();
  let candidateIds: string[] = [];
  let jobIds: string[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    await smtp.start();
    db = await createTestDatabase('console_experiments');
    const env = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), ALERTS_PUBLIC_URL: 'http://alerts.invalid', ALERTS_RETRY_SCALE: '0.0002', ALERTS_WEBHOOK_TIMEOUT_MS: '1000' };
    const { app, runtime } = await createApiApp({ withWorker: true, env: appEnv(db, env) });
    const nest = app as NestExpressApplication;
    nest.useStaticAssets(CONSOLE_DIST, { prefix: '/console' }); // see console.e2e-spec.ts
    await nest.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(nest.getHttpServer().address() as AddressInfo).port}`;
    close = async () => {
      await nest.close();
      await runtime.endpoint.close();
    };

    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    await app.get(SimulatorService, { strict: false }).simulateMarket({ seed: 41, candidates: 160, jobs: 300, days: 10, start: new Date(today - 9 * DAY_MS) });
    const registry = app.get(RegistryService, { strict: false });
    const training = app.get(TrainingService, { strict: false });
    await registry.registerModel({ name: 'pop', strategy: 'popularity', owner: 'e2e' });
    for (const v of [1, 2]) {
      const job = await training.startTraining({ model: 'pop', params: {}, cutoff: new Date(), validationFraction: 0 }, 'e2e', { enqueue: false });
      expect(await training.runInProcess(job.id)).toMatchObject({ status: 'completed', version: v });
    }
    await registry.setAlias('pop', 'champion', 1, { actor: 'e2e', reason: 'first champion' });
    await app.get(AuthService, { strict: false }).createUser('analyst@matchlab.local', 'analyst-password-1', 'analyst');
    experiments = app.get(ExperimentsService, { strict: false });
    alerts = app.get(AlertsService, { strict: false });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    candidateIds = (await sql.query(`SELECT id::text AS id FROM candidates ORDER BY id`)).rows.map((r) => r.id);
    jobIds = (await sql.query(`SELECT id::text AS id FROM jobs WHERE status = 'active' ORDER BY posted_at DESC LIMIT 60`)).rows.map((r) => r.id);

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } }); // laptop
    page.setDefaultTimeout(15_000);
    problems = recordPageProblems(page);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await sql?.end();
    await close?.();
    await db?.drop();
    await smtp.close();
  });

  const signIn = async (p: Page, email: string, password: string) => {
    await p.goto(`${base}/console/#/login`);
    await p.locator('input[name="email"]').waitFor({ timeout: 60_000 });
    await p.locator('input[name="email"]').fill(email);
    await p.locator('input[name="password"]').fill(password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByText('Active jobs by seniority').waitFor({ timeout: 60_000 });
  };
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
  /** A full-page screenshot from the top (a scrolled page would show the app bar mid-image). */
  const shot = async (p: Page, name: string) => {
    await p.evaluate('window.scrollTo(0, 0)');
    await screenshot(p, name);
  };
  /** Waits until the list shows exactly n rows (filters apply asynchronously). */
  const rows = async (p: Page, n: number) => {
    for (const end = Date.now() + 15_000; (await p.locator('table tbody tr').count()) !== n; ) {
      if (Date.now() > end) throw new Error(`expected ${n} rows, saw ${await p.locator('table tbody tr').count()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const pick = async (scope: ReturnType<Page['locator']> | Page, label: string, option: string) => {
    await scope.getByRole('combobox', { name: label }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };

  /** The wizard up to the review step (errors are checked on the way). */
  const wizardToReview = async (key: string, champion = 'v1') => {
    await page.goto(`${base}/console/#/experiments`);
    await page.getByRole('link', { name: 'Launch experiment' }).click();
    await page.getByLabel('Key').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(/Lowercase letters, digits/).waitFor(); // the step refuses an empty key
    await page.getByLabel('Key').fill(key);
    await page.getByLabel('Hypothesis').fill('pop/2 raises the click rate of alert lists over the champion');
    await page.getByRole('button', { name: 'Next' }).click();
    await pick(page.getByTestId('variant-0'), 'Model', `pop@champion (${champion})`);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Pick a registry model: name@alias or name/version.').waitFor(); // treatment has none yet
    await pick(page.getByTestId('variant-1'), 'Model', 'pop/2');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Primary metric').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Eligible units per day').fill('400');
  };

  it('launches an experiment from the wizard with the sample-size calculator', async () => {
    await signIn(page, 'admin@matchlab.local', 'admin-password-1');
    await wizardToReview(KEY);
    const expected = (await gql<{ sampleSize: { perArm: number } }>(`{ sampleSize(input: { kind: PROPORTION, baseline: 0.05, relativeMde: 0.05, power: 0.8, alpha: 0.05 }) { perArm } }`)).sampleSize.perArm;
    const days = Math.ceil(expected / 200);
    await page.getByTestId('sample-size').getByText(`${expected.toLocaleString('en-US')} units per variant`, { exact: false }).waitFor();
    expect(await page.getByTestId('sample-size').textContent()).toContain(`About ${days} days at 400 units/day`);
    await page.getByLabel('Minimum detectable effect (%)').fill('20');
    const bigger = (await gql<{ sampleSize: { perArm: number } }>(`{ sampleSize(input: { kind: PROPORTION, baseline: 0.05, relativeMde: 0.2, power: 0.8, alpha: 0.05 }) { perArm } }`)).sampleSize.perArm;
    await page.getByTestId('sample-size').getByText(`${bigger.toLocaleString('en-US')} units per variant`, { exact: false }).waitFor();
    await shot(page, 'console-experiments-01-wizard-sample-size');
    await page.getByRole('button', { name: 'Next' }).click();
    const review = await page.getByTestId('wizard-review').textContent();
    expect(review).toContain('control: pop@champion (50%) · treatment: pop/2 (50%)');
    expect(review).toContain(`${bigger.toLocaleString('en-US')} per variant`);
    await shot(page, 'console-experiments-02-wizard-review');
    await page.getByRole('button', { name: 'Create and start' }).click();
    await page.getByRole('heading', { name: KEY }).waitFor();
    await page.getByTestId('experiment-status').getByText('running').waitFor();
    const { experiment } = await gql<{ experiment: { status: string; plannedSampleSize: number; plannedDays: number; variants: Array<{ key: string; modelRef: string; weight: number }> } }>(
      `query($k: String!) { experiment(key: $k) { status plannedSampleSize plannedDays variants { key modelRef weight } } }`, { k: KEY });
    expect(experiment).toEqual({
      status: 'running', plannedSampleSize: bigger * 2, plannedDays: Math.ceil(bigger / 200),
      variants: [{ key: 'control', modelRef: 'pop@champion', weight: 0.5 }, { key: 'treatment', modelRef: 'pop/2', weight: 0.5 }],
    });
  }, 180_000);

  it('reads the dashboard of the experiment once exposures and clicks are logged', async () => {
    // Five days of lists: every enrolled candidate gets one list of 10 jobs a day; treatment lists are clicked more.
    const { exp, c } = await experiments.compiledFor(KEY);
    const random = rng(7);
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    for (let d = 4; d >= 0; d--) {
      const servedAt = new Date(today - d * DAY_MS + 60_000);
      const batch: RankingEvent[] = [];
      const events: Array<{ eventId: string; rankingId: string; jobId: string; type: string; occurredAt: Date }> = [];
      // Units arrive over the days: a quarter of them on the first day, more later.
      for (const [u, unit] of candidateIds.entries()) {
        if (u % 5 > 4 - d && d > 0) continue;
        const a = assignCompiled(c, unit);
        if (!a.inExperiment || !a.variant) continue;
        const rankingId = `e2e-${d}-${unit}`;
        const list = Array.from({ length: 10 }, (_, i) => jobIds[(u * 3 + i + d) % jobIds.length]!);
        batch.push({ rankingId, experimentId: exp.id, phase: exp.phase, unitId: unit, variant: a.variant, modelVersion: a.variant === 'control' ? 'pop/1' : 'pop/2', servedAt: servedAt.toISOString(), jobIds: list, scores: list.map((_, i) => 1 - i / 10) });
        const p = a.variant === 'treatment' ? 0.09 : 0.05;
        list.forEach((job, i) => {
          if (random() < p) events.push({ eventId: `${rankingId}:${i}:click`, rankingId, jobId: job, type: 'click', occurredAt: new Date(servedAt.getTime() + 1000) });
          if (random() < 0.01) events.push({ eventId: `${rankingId}:${i}:apply`, rankingId, jobId: job, type: 'apply', occurredAt: new Date(servedAt.getTime() + 2000) });
          if (random() < 0.02) events.push({ eventId: `${rankingId}:${i}:dismiss`, rankingId, jobId: job, type: 'dismiss', occurredAt: new Date(servedAt.getTime() + 3000) });
        });
      }
      await experiments.writeRankingBatch(batch);
      await experiments.recordInteractions(events);
    }

    await page.getByRole('button', { name: 'Recompute now' }).click();
    await page.getByTestId('metric-table').waitFor({ timeout: 30_000 });
    const { experimentAnalysis: a } = await gql<{ experimentAnalysis: { srm: { p: number; flagged: boolean }; comparisons: Array<{ metric: string; variant: string; relative: { estimate: number } | null }>; timeSeries: Array<{ day: string }> } }>(
      `query($k: String!) { experimentAnalysis(key: $k) { srm { p flagged } comparisons { metric variant relative { estimate } } timeSeries { day } } }`, { k: KEY });
    const primary = a.comparisons.find((x) => x.metric === 'click_rate' && x.variant === 'treatment')!;
    const lift = primary.relative!.estimate;
    const primaryRow = (await page.getByTestId('metric-table').locator('tbody tr').allTextContents()).find((r) => r.startsWith('click_rate'))!;
    expect(primaryRow).toContain(`${lift >= 0 ? '+' : '−'}${Math.abs(lift * 100).toFixed(2)}%`);
    expect(primaryRow).toMatch(/\[[−+]?\d+\.\d\d%, [−+]?\d+\.\d\d%\]/);
    expect(primaryRow).toMatch(/better|worse|no significant difference/);
    expect(await page.getByTestId(a.srm.flagged ? 'srm-banner' : 'srm-ok').count()).toBe(1);
    await page.getByTestId('guardrails').getByText(/dismiss_rate · treatment/).waitFor();
    // One point per day of the series; the CI band and the always-valid band are areas around the lift line.
    expect(new Set(a.timeSeries.map((p) => p.day)).size).toBe(5);
    await page.getByTestId('lift-chart').locator('.recharts-line').first().waitFor();
    expect(await page.getByTestId('lift-chart').locator('.recharts-area').count()).toBe(2);
    expect(await page.getByTestId('lift-chart').locator('.recharts-line-dots circle, .recharts-dot').count()).toBeGreaterThanOrEqual(5);
    expect(await page.getByTestId('exposure-chart').locator('.recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(8);
    const counts = await page.getByTestId('variant-counts').locator('tbody tr').allTextContents();
    expect(counts).toHaveLength(2);
    await shot(page, 'console-experiments-03-dashboard');
  }, 180_000);

  it('sends real alerts (one clicked by email, one to a dead webhook) and shows the overview, subscriptions and deliveries', async () => {
    const subscribe = async (input: Record<string, unknown>) =>
      (await gql<{ subscribeAlerts: { subscription: { id: string } } }>(`mutation($i: SubscribeAlertsInput!) { subscribeAlerts(input: $i) { subscription { id } } }`, { i: input })).subscribeAlerts.subscription.id;
    const email = await subscribe({ candidateId: candidateIds[0], channel: 'email', email: 'reader@example.org', frequency: 'weekly', sendWeekday: 1, timeZone: 'Europe/Berlin' });
    const hook = await subscribe({ candidateId: candidateIds[1], channel: 'webhook', webhookUrl: 'http://127.0.0.1:9/hook', frequency: 'daily', timeZone: 'UTC' });
    const paused = await subscribe({ candidateId: candidateIds[2], channel: 'email', email: 'later@example.org', frequency: 'daily', timeZone: 'UTC' });
    await gql(`mutation($id: ID!) { updateAlertSubscription(id: $id, input: { status: "paused" }) { status } }`, { id: paused });
    // Make the two due now and run them as the worker would.
    for (const id of [email, hook]) {
      const due: Date = (await sql.query(`UPDATE alert_subscriptions SET next_due_at = date_trunc('second', now()) WHERE id = $1 RETURNING next_due_at`, [id])).rows[0].next_due_at;
      await alerts.processAlert(id, due.getTime());
    }
    const sent = (await sql.query(`SELECT status, ranking_id, variant FROM alert_deliveries WHERE subscription_id = $1`, [email])).rows[0];
    expect(sent.status).toBe('sent');
    expect(smtp.html.length).toBe(1);
    const link = /https?:\/\/alerts\.invalid(\/alerts\/c\/[^"'\s<>]+)/.exec(smtp.html[0]!)![1]!;
    const click = await fetch(`${base}${link.replace(/&amp;/g, '&')}`, { redirect: 'manual' });
    expect([302, 303]).toContain(click.status);
    const overview = (await gql<{ alertOverview: { sent: number; days: Array<{ variant: string | null; clicked: number }> } }>(`{ alertOverview(days: 30) { sent days { variant clicked } } }`)).alertOverview;
    expect(overview.sent).toBe(1);
    expect(overview.days[0]).toEqual({ variant: sent.variant, clicked: 1 });

    await page.getByRole('menuitem', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Product overview' }).waitFor();
    expect(await page.getByTestId('overview-alerts-sent').textContent()).toBe('1');
    expect(await page.getByTestId('overview-click-rate').textContent()).toBe('100.0%');
    await page.getByTestId('active-experiments').getByText(KEY).waitFor();
    await page.getByTestId('champions').getByText('v1 (popularity)').waitFor();
    // One day of data: a dot per series (a line needs two days).
    await page.getByTestId('rate-chart-clicked').locator('.recharts-legend-item').first().waitFor();
    expect(await page.getByTestId('rate-chart-clicked').locator('.recharts-line-dots circle, circle.recharts-dot').count()).toBe(1);
    // The alert's candidate is in the experiment (unless the global holdout took them): its series is the variant.
    const series = sent.variant ? `${KEY}/${sent.variant}` : 'default';
    expect(await page.getByTestId('rate-chart-clicked').locator('.recharts-legend-item').allTextContents()).toEqual([series]);
    await shot(page, 'console-experiments-04-overview');

    await page.getByRole('menuitem', { name: 'Alert subscriptions' }).click();
    await page.getByText('reader@example.org').first().waitFor();
    expect(await page.locator('table tbody tr').count()).toBe(3);
    await pick(page, 'Status', 'Paused');
    await rows(page, 1);
    expect(await page.locator('table tbody tr').textContent()).toContain('later@example.org');
    await shot(page, 'console-experiments-05-subscriptions');
    await page.getByText('later@example.org').click();
    await page.getByRole('heading', { name: `Alert subscription #${paused}` }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    expect((await gql<{ alertSubscription: { status: string } }>(`query($id: ID!) { alertSubscription(id: $id) { status } }`, { id: paused })).alertSubscription.status).toBe('active');

    await page.getByRole('menuitem', { name: 'Alert deliveries' }).click();
    await page.locator('table tbody tr').nth(1).waitFor();
    expect(await page.locator('table tbody tr').count()).toBe(2);
    await pick(page, 'Status', 'Sent');
    await rows(page, 1);
    expect(await page.locator('table tbody tr').textContent()).toContain(sent.variant ? `${KEY}/${sent.variant}` : 'jobs@champion');
    await shot(page, 'console-experiments-06-deliveries');
    const hookDelivery = (await sql.query(`SELECT id::text AS id FROM alert_deliveries WHERE subscription_id = $1`, [hook])).rows[0].id;
    await page.goto(`${base}/console/#/alertDeliveries/${hookDelivery}/show`);
    await page.getByRole('heading', { name: `Alert delivery #${hookDelivery}` }).waitFor();
    await page.getByTestId('attempt-log').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('attempt-log').textContent()).toMatch(/ECONNREFUSED|connect|refused/i);
    await shot(page, 'console-experiments-07-delivery-attempts');
  }, 180_000);

  it('shows the ranking debug view of the sent alert: each stage and each job with its reasons', async () => {
    const rankingId: string = (await sql.query(`SELECT ranking_id FROM alert_deliveries WHERE status = 'sent' AND ranking_id IS NOT NULL ORDER BY id LIMIT 1`)).rows[0].ranking_id;
    // The ranking log is written in batches: wait until the API has it.
    type Debug = { rankingDebug: { stages: Array<{ stage: string }>; items: Array<{ jobId: string; position: number; reasons: Array<{ text: string }> }> } };
    let debug: Debug['rankingDebug'] | null = null;
    for (const end = Date.now() + 20_000; !debug && Date.now() < end; ) {
      debug = await gql<Debug>(`query($id: String!) { rankingDebug(rankingId: $id) { stages { stage } items { jobId position reasons { text } } } }`, { id: rankingId }).then((d) => d.rankingDebug, () => null);
      if (!debug) await new Promise((r) => setTimeout(r, 250));
    }
    expect(debug).not.toBeNull();
    const delivery = (await sql.query(`SELECT id::text AS id FROM alert_deliveries WHERE ranking_id = $1`, [rankingId])).rows[0].id;
    await page.goto(`${base}/console/#/alertDeliveries/${delivery}/show`);
    await page.getByRole('link', { name: rankingId }).click();
    await page.getByTestId('ranking-stages').waitFor();
    expect(await page.getByTestId('ranking-stages').locator('tbody tr td:first-child').allTextContents()).toEqual(debug!.stages.map((x) => x.stage));
    const jobRows = page.getByTestId('ranking-jobs').locator('tbody tr');
    expect(await jobRows.count()).toBe(debug!.items.length);
    const first = [...debug!.items].sort((x, y) => x.position - y.position)[0]!;
    if (first.reasons[0]) expect(await jobRows.first().textContent()).toContain(first.reasons[0].text);
    expect(await page.getByTestId('ranking-meta').textContent()).toContain('alert for candidate');
    await shot(page, 'console-experiments-10-ranking-debug');
    await page.getByLabel('Ranking id').fill('no-such-ranking');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('alert').getByText(/no-such-ranking|not found/i).waitFor();
  }, 120_000);

  it('an analyst reads the dashboard but gets no Start, decision, Launch or Pause button, and sees emails masked', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const analyst = await context.newPage();
    analyst.setDefaultTimeout(15_000);
    const analystProblems = recordPageProblems(analyst);
    await signIn(analyst, 'analyst@matchlab.local', 'analyst-password-1');
    await analyst.goto(`${base}/console/#/experiments`);
    await analyst.getByText(KEY).waitFor();
    expect(await analyst.getByRole('link', { name: 'Launch experiment' }).count()).toBe(0);
    await analyst.getByText(KEY).click();
    await analyst.getByTestId('metric-table').waitFor({ timeout: 30_000 });
    expect(await analyst.getByTestId('lifecycle').count()).toBe(0);
    expect(await analyst.getByTestId('decision-form').count()).toBe(0);
    for (const name of ['Start', 'Pause', 'Stop', 'Record decision']) expect(await analyst.getByRole('button', { name, exact: true }).count()).toBe(0);
    await shot(analyst, 'console-experiments-08-analyst-dashboard');
    await analyst.goto(`${base}/console/#/experiments/create`);
    await analyst.getByText('Your role can read experiments but not launch them.').waitFor();
    await analyst.goto(`${base}/console/#/alertSubscriptions`);
    await analyst.locator('table tbody tr').nth(2).waitFor();
    expect(await analyst.getByText('reader@example.org').count()).toBe(0);
    expect(await analyst.getByText('email: •••').count()).toBe(2);
    await analyst.locator('table tbody tr').first().click();
    await analyst.getByRole('heading', { name: /Alert subscription #/ }).waitFor();
    expect(await analyst.getByRole('button', { name: /Pause|Resume/ }).count()).toBe(0);
    expect(analystProblems).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows an interleaving experiment as the preference over control with its CI', async () => {
    await experiments.create({ key: 'e2e-interleaved', type: 'interleaving', hypothesis: 'pop/2 wins interleaved lists', variants: [{ key: 'control', weight: 0.5, modelRef: 'pop@champion' }, { key: 'better', weight: 0.5, modelRef: 'pop/2' }], primaryMetric: 'click_rate' }, 'e2e');
    await experiments.start('e2e-interleaved');
    const random = rng(11);
    const byVariant = { control: jobIds.slice(0, 10), better: jobIds.slice(10, 20) };
    const events: Array<{ eventId: string; rankingId: string; jobId: string; type: string }> = [];
    const units = candidateIds.slice(0, 60);
    for (const [u, unit] of units.entries()) {
      const list = await experiments.composeInterleaved('e2e-interleaved', unit, byVariant, 10, { rankingId: `il-${u}` });
      for (const item of list.items) if (random() < (item.team === 'better' ? 0.3 : 0.1)) events.push({ eventId: `il-${u}-${item.position}`, rankingId: `il-${u}`, jobId: item.jobId, type: 'click' });
    }
    for (const end = Date.now() + 30_000; ; ) {
      await experiments.flush();
      const n = Number((await sql.query(`SELECT count(*) FROM experiment_rankings r JOIN experiments e ON e.id = r.experiment_id WHERE e.key = 'e2e-interleaved'`)).rows[0].count);
      if (n >= units.length) break;
      if (Date.now() > end) throw new Error(`${n} of ${units.length} interleaved lists written`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await experiments.recordInteractions(events);
    const { experimentAnalysis: a } = await gql<{ experimentAnalysis: { interleaving: { variants: Array<{ variant: string; vsControl: { preference: number; ciLow: number; ciHigh: number } | null }> } } }>(
      `{ experimentAnalysis(key: "e2e-interleaved", refresh: true) { interleaving { variants { variant vsControl { preference ciLow ciHigh } } } } }`);
    const better = a.interleaving.variants.find((v) => v.variant === 'better')!.vsControl!;
    const pct = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v * 100).toFixed(2)}%`;
    await page.goto(`${base}/console/#/experiments/e2e-interleaved/show`);
    const row = page.getByTestId('interleaving').locator('tbody tr', { hasText: 'better' });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(pct(better.preference));
    expect(await row.textContent()).toContain(`[${pct(better.ciLow)}, ${pct(better.ciHigh)}]`);
    expect(better.preference).toBeGreaterThan(0);
    expect(await page.getByTestId('metric-table').count()).toBe(0); // no A/B figures for an interleaving experiment
    await shot(page, 'console-experiments-11-interleaving');
  }, 120_000);

  it('records a ship decision that promotes the winner through the gate, and shows a typed error for a taken key', async () => {
    await page.goto(`${base}/console/#/experiments/${KEY}/show`);
    const form = page.getByTestId('decision-form');
    await form.waitFor();
    await pick(form, 'Decision', 'ship');
    await pick(form, 'Variant to ship', 'treatment (pop/2)');
    expect(await page.getByRole('button', { name: 'Record decision' }).isDisabled()).toBe(true); // no reason yet
    await form.getByLabel('Reason').fill('clear win on click rate, guardrails hold');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByTestId('decision-outcome').getByText(/Decision recorded: ship treatment\. champion of pop → v2\. Gate: /).waitFor();
    await page.getByTestId('decision-summary').getByText(/promoted pop\/2 to champion/).waitFor();
    expect(await page.getByTestId('lifecycle').count()).toBe(0);
    const { model } = await gql<{ model: { aliases: Array<{ alias: string; version: number }> } }>(`{ model(name: "pop") { aliases { alias version } } }`);
    expect(model.aliases.find((x) => x.alias === 'champion')!.version).toBe(2);
    const { aliasHistory } = await gql<{ aliasHistory: Array<{ toVersion: number; experimentKey: string | null }> }>(`{ aliasHistory(model: "pop", alias: "champion") { toVersion experimentKey } }`);
    expect(aliasHistory.at(-1)).toEqual({ toVersion: 2, experimentKey: KEY });
    await shot(page, 'console-experiments-09-decision');

    // The same key again: the API's CONFLICT comes back as a readable error on the review step.
    await wizardToReview(KEY, 'v2');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Create and start' }).click();
    await page.getByTestId('launch-error').getByText(/^Conflict: /).waitFor();
    expect(problems.filter((p) => !/status of (409|404)/.test(p))).toEqual([]);
  }, 180_000);
});
