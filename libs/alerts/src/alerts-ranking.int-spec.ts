import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { ExperimentsService } from '@app/experiments';
import { TrainingService } from '@app/training';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { AlertsService } from './alerts.service.js';

// Alerts and rankedJobs ranked by a real trained model (popularity) held by the champion alias.
describe('alert ranking by the champion model', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let sql: pg.Client;
  let admin: string;
  let server: Server;
  let hookUrl = '';
  const bodies: string[] = [];
  let candidate = '';
  const jobs: Record<string, string> = {};
  const gql = async (query: string, vars: Record<string, unknown> = {}) => {
    const res = await graphql<any>(app, query, vars, admin);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push(b);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hookUrl = `http://localhost:${(server.address() as AddressInfo).port}/hook`;
    db = await createTestDatabase('alertsrank');
    ({ app, close } = await startInProcessApi(db, { withWorker: false }));
    admin = await loginAsAdmin(app);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const company = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme') RETURNING id`)).rows[0].id;
    const addJob = async (key: string, title: string, agoMinutes: number) => {
      jobs[key] = (
        await sql.query(
          `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, skills, city, country, posted_at, content_hash)
           VALUES ('test', $1::text, $2, $3::text, lower($3::text), '{sql}', 'Berlin', 'DE', now() - ($4::int * interval '1 minute'), md5($1::text) || '00000000') RETURNING id::text AS id`,
          [key, company, title, agoMinutes],
        )
      ).rows[0].id;
    };
    await addJob('popular', 'Popular Analyst', 180);
    await addJob('liked', 'Liked Analyst', 120);
    await addJob('fresh', 'Fresh Analyst', 1);
    const cands: string[] = [];
    for (let i = 0; i < 5; i++) {
      cands.push((await sql.query(`INSERT INTO candidates (source, external_id, name, consent_training, consent_alerts) VALUES ('test', $1, $2, true, true) RETURNING id::text AS id`, [`c${i}`, `Candidate ${i}`])).rows[0].id);
    }
    candidate = cands[0]!;
    // Three other people applied to "popular", one to "liked", nobody to "fresh" (the newest).
    let n = 0;
    for (const [job, who] of [['popular', cands.slice(1, 4)], ['liked', cands.slice(4, 5)]] as const) {
      for (const c of who) await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ($1, $2, $3, 'apply', now() - interval '30 minutes')`, [`e${n++}`, c, jobs[job]]);
    }
    await gql('mutation { registerModel(input: { name: "jobs", strategy: "popularity" }) { name } }');
    const training = app.get(TrainingService);
    const started = await training.startTraining({ model: 'jobs', cutoff: new Date(), validationFraction: 0 }, 'test', { enqueue: false });
    const result = await training.runInProcess(started.id);
    expect(result).toMatchObject({ version: 1 });
    await gql('mutation { setAlias(input: { model: "jobs", alias: "champion", version: 1, reason: "first" }) { gateReason } }');
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('rankedJobs returns the champion ranking with score, position, ranking id and model version; filters apply', async () => {
    const data = await gql('query($c: ID!) { rankedJobs(candidateId: $c, limit: 3) { rankingId modelRef model modelVersion variant jobs { position score job { id title } } } }', { c: candidate });
    const r = data.rankedJobs;
    expect(r).toMatchObject({ modelRef: 'jobs@champion', model: 'jobs', modelVersion: 1, variant: null });
    expect(r.rankingId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.jobs.map((j: any) => j.job.id)).toEqual([jobs['popular'], jobs['liked'], jobs['fresh']]);
    expect(r.jobs.map((j: any) => j.position)).toEqual([1, 2, 3]);
    expect(r.jobs[0].score).toBeGreaterThan(r.jobs[1].score);
    const filtered = await gql('query($c: ID!) { rankedJobs(candidateId: $c, limit: 3, filters: { keywords: ["fresh"] }) { jobs { job { id } } } }', { c: candidate });
    expect(filtered.rankedJobs.jobs.map((j: any) => j.job.id)).toEqual([jobs['fresh']]);
  });

  it('an alert is ranked by the champion (not by recency) and logs the model version as its exposure', async () => {
    const alerts = app.get(AlertsService);
    const { subscription } = await alerts.subscribe({ candidateId: candidate, channel: 'webhook', webhookUrl: hookUrl, frequency: 'daily', timeZone: 'UTC', sendHour: 9 }, 'test');
    const due = new Date(Date.now() - 1000);
    await sql.query(`UPDATE alert_subscriptions SET next_due_at = $2 WHERE id = $1`, [subscription.id, due]);
    const r = await alerts.processAlert(subscription.id, due.getTime());
    expect(r).toMatchObject({ outcome: 'sent', items: 3 });
    const [d] = await alerts.deliveries({ subscriptionId: subscription.id });
    expect(d).toMatchObject({ status: 'sent', modelRef: 'jobs@champion', modelVersion: 1, variant: null });
    expect(d!.items.map((i) => i.jobId)).toEqual([jobs['popular'], jobs['liked'], jobs['fresh']]);
    const payload = JSON.parse(bodies[0]!);
    expect(payload.data).toMatchObject({ modelVersion: 1, rankingId: d!.rankingId });
    const impressions = (await sql.query(`SELECT job_id::text AS job, position FROM interactions WHERE type = 'impression' AND ranking_id = $1 ORDER BY position`, [d!.rankingId])).rows;
    expect(impressions).toEqual([{ job: jobs['popular'], position: 1 }, { job: jobs['liked'], position: 2 }, { job: jobs['fresh'], position: 3 }]);
  });

  it("inside a running experiment the variant's model ranks, and the alert and rankedJobs carry the experiment key and variant", async () => {
    const experiments = app.get(ExperimentsService);
    await experiments.create({ key: 'alert-models', variants: [{ key: 'control', weight: 0.5, modelRef: 'jobs/1', strategy: null }, { key: 'treatment', weight: 0.5, modelRef: 'jobs/1', strategy: null }], primaryMetric: 'click_rate' }, 'test');
    await experiments.start('alert-models');
    const other = (await sql.query(`INSERT INTO candidates (source, external_id, name, consent_alerts) VALUES ('test', 'exp1', 'Exp', true) RETURNING id::text AS id`)).rows[0].id as string;
    const assigned = await experiments.servingAssignment(other);
    expect(assigned).toMatchObject({ experimentKey: 'alert-models', modelRef: 'jobs/1' });

    const ranked = (await gql('query($c: ID!) { rankedJobs(candidateId: $c, limit: 2) { modelRef experimentKey variant modelVersion jobs { position } } }', { c: other })).rankedJobs;
    expect(ranked).toMatchObject({ modelRef: 'jobs/1', experimentKey: 'alert-models', variant: assigned!.variant, modelVersion: 1 });

    const alerts = app.get(AlertsService);
    const { subscription } = await alerts.subscribe({ candidateId: other, channel: 'webhook', webhookUrl: hookUrl, frequency: 'daily', timeZone: 'UTC', sendHour: 9 }, 'test');
    const due = new Date(Date.now() - 1000);
    await sql.query(`UPDATE alert_subscriptions SET next_due_at = $2 WHERE id = $1`, [subscription.id, due]);
    expect(await alerts.processAlert(subscription.id, due.getTime())).toMatchObject({ outcome: 'sent' });
    const [d] = await alerts.deliveries({ subscriptionId: subscription.id });
    expect(d).toMatchObject({ modelRef: 'jobs/1', modelVersion: 1, experimentKey: 'alert-models', variant: assigned!.variant });
    const impressions = (await sql.query(`SELECT DISTINCT experiment_key, variant FROM interactions WHERE ranking_id = $1`, [d!.rankingId])).rows;
    expect(impressions).toEqual([{ experiment_key: 'alert-models', variant: assigned!.variant }]);
  });

  it('under an interleaving experiment rankedJobs serves the team draft of every variant, each job credited to its variant', async () => {
    const experiments = app.get(ExperimentsService);
    await experiments.stop('alert-models');
    await experiments.create({ key: 'alert-interleave', type: 'interleaving', variants: [{ key: 'control', weight: 0.5, modelRef: 'jobs/1', strategy: null }, { key: 'challenger', weight: 0.5, modelRef: 'jobs@champion', strategy: null }], primaryMetric: 'click_rate' }, 'test');
    await experiments.start('alert-interleave');
    const unit = (await sql.query(`INSERT INTO candidates (source, external_id, name, consent_alerts) VALUES ('test', 'il1', 'Il', true) RETURNING id::text AS id`)).rows[0].id as string;
    expect(await experiments.servingAssignment(unit)).toMatchObject({ experimentKey: 'alert-interleave', type: 'interleaving' });

    const r = (await gql('query($c: ID!) { rankedJobs(candidateId: $c, limit: 3) { rankingId modelRef experimentKey variant jobs { position team job { id } } } }', { c: unit })).rankedJobs;
    expect(r).toMatchObject({ experimentKey: 'alert-interleave', variant: null, modelRef: 'jobs/1' });
    // Both variants rank with the same artifact here, so the draft alternates over one list: every job once, in order,
    // each credited to exactly one team, and both teams contribute.
    expect(r.jobs.map((j: any) => j.job.id)).toEqual([jobs['popular'], jobs['liked'], jobs['fresh']]);
    expect(r.jobs.map((j: any) => j.position)).toEqual([1, 2, 3]);
    expect(new Set(r.jobs.map((j: any) => j.team))).toEqual(new Set(['control', 'challenger']));
    await experiments.stop('alert-interleave');
  });
});
