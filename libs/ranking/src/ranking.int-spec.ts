import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { AlertsService } from '@app/alerts';
import { ExperimentsService } from '@app/experiments';
import { TrainingService } from '@app/training';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin, graphqlData } from '../../../e2e/support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';

// The ranking pipeline end to end on a real database: a trained model (popularity) as champion, rankedJobs through the
// pipeline with reasons, the stage log behind rankingDebug, a location change through the normal import path showing
// up in the next list, pipeline configs with typed errors, and alerts carrying reasons in their webhook payload.
describe('ranking pipeline', () => {
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
  const company: Record<string, string> = {};
  const gqlRaw = (query: string, vars: Record<string, unknown> = {}) => graphql<any>(app, query, vars, admin);
  const gql = (query: string, vars: Record<string, unknown> = {}) => graphqlData<any>(app, query, vars, admin);
  const RANKED = `query($c: ID!, $n: Int!) { rankedJobs(candidateId: $c, limit: $n) { rankingId jobs { position score job { id title company { name } location { city } } reasons { code text detail } } } }`;
  const candidateRow = (city: string, region: string) => JSON.stringify([{ external_id: 'ada', name: 'Ada', city, region, country: 'DE', skills: ['SQL', 'Python'], salary_expectation: 60000, consent_training: true, consent_alerts: true }]);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => { bodies.push(b); res.writeHead(204).end(); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hookUrl = `http://localhost:${(server.address() as AddressInfo).port}/hook`;
    db = await createTestDatabase('ranking');
    ({ app, close } = await startInProcessApi(db, { withWorker: false }));
    admin = await loginAsAdmin(app);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    for (const name of ['Acme', 'Beta', 'Gamma', 'Delta']) company[name] = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ($1::text, lower($1::text)) RETURNING id::text AS id`, [name])).rows[0].id;
    const addJob = async (key: string, title: string, co: string, city: string, region: string, skills: string[], agoHours: number, salary: [number, number] | null = null) => {
      jobs[key] = (await sql.query(
        `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, skills, city, region, country, posted_at, salary_annual_min, salary_annual_max, content_hash)
         VALUES ('test', $1::text, $2, $3::text, lower($3::text), $4, $5, $6, 'DE', now() - ($7::int * interval '1 hour'), $8, $9, md5($1::text) || '00000000') RETURNING id::text AS id`,
        [key, company[co], title, skills, city, region, agoHours, salary?.[0] ?? null, salary?.[1] ?? null],
      )).rows[0].id;
    };
    // Berlin: three popular Acme jobs, then Beta and Gamma; Munich: two jobs nobody applied to yet.
    await addJob('acme1', 'Data Analyst', 'Acme', 'Berlin', 'Berlin', ['SQL', 'Python'], 30, [55000, 70000]);
    await addJob('acme2', 'Data Analyst II', 'Acme', 'Berlin', 'Berlin', ['SQL', 'Python', 'dbt'], 30);
    await addJob('acme3', 'Senior Data Analyst', 'Acme', 'Berlin', 'Berlin', ['SQL', 'Tableau'], 30);
    await addJob('beta1', 'BI Developer', 'Beta', 'Berlin', 'Berlin', ['SQL', 'Power BI'], 30);
    await addJob('gamma1', 'Backend Engineer', 'Gamma', 'Berlin', 'Berlin', ['Go'], 30);
    await addJob('munich1', 'Analytics Engineer', 'Delta', 'Munich', 'Bavaria', ['SQL', 'dbt'], 3);
    await addJob('munich2', 'Data Engineer', 'Delta', 'Munich', 'Bavaria', ['Python', 'Airflow'], 3);
    // the candidate comes in through the normal import path (the same path changes the location later)
    const imp = await gql('mutation($r: String!) { importRows(kind: candidates, source: "test", rows: $r) { inserted rejected } }', { r: candidateRow('Berlin', 'Berlin') });
    expect(imp.importRows).toMatchObject({ inserted: 1, rejected: 0 });
    candidate = (await sql.query(`SELECT id::text AS id FROM candidates WHERE source = 'test' AND external_id = 'ada'`)).rows[0].id;
    const others: string[] = [];
    for (let i = 0; i < 6; i++) others.push((await sql.query(`INSERT INTO candidates (source, external_id, consent_training) VALUES ('test', $1, true) RETURNING id::text AS id`, [`o${i}`])).rows[0].id);
    const applies: Array<[string, number]> = [['acme1', 6], ['acme2', 5], ['acme3', 4], ['beta1', 3], ['gamma1', 2]];
    let n = 0;
    for (const [job, count] of applies) for (const c of others.slice(0, count)) await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ($1, $2, $3, 'apply', now() - interval '20 hours')`, [`e${n++}`, c, jobs[job]]);
    // Ada applied to acme2 (filtered from her lists; "similar to" source for explanations)
    await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ('ada-apply', $1, $2, 'apply', now() - interval '10 hours')`, [candidate, jobs['acme2']]);
    await gql('mutation { registerModel(input: { name: "jobs", strategy: "popularity" }) { name } }');
    const training = app.get(TrainingService);
    const started = await training.startTraining({ model: 'jobs', cutoff: new Date(Date.now() - 3600_000), validationFraction: 0 }, 'test', { enqueue: false });
    expect(await training.runInProcess(started.id)).toMatchObject({ version: 1 });
    await gql('mutation { setAlias(input: { model: "jobs", alias: "champion", version: 1, reason: "first" }) { gateReason } }');
  }, 300_000); // embedded PGlite (two instances) boots slowly on a loaded machine

  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('rankedJobs: at most one job per company on top, the applied job filtered, truthful reasons', async () => {
    const r = (await gql(RANKED, { c: candidate, n: 4 })).rankedJobs;
    const ids = r.jobs.map((j: any) => j.job.id);
    expect(ids).not.toContain(jobs['acme2']);
    expect(ids.slice(0, 3)).toEqual([jobs['acme1'], jobs['beta1'], jobs['gamma1']]);
    expect(new Set(r.jobs.slice(0, 3).map((j: any) => j.job.company.name)).size).toBe(3);
    // 4th: a second Acme job would be next by popularity; the cap gives the place to another company (Delta, Munich)
    expect(r.jobs[3].job.company.name).toBe('Delta');
    expect(r.jobs[3].reasons.map((x: any) => x.code)).not.toContain('PROFILE_LOCATION'); // she has not moved yet
    const top = r.jobs[0];
    expect(top.reasons).toEqual(expect.arrayContaining([
      { code: 'MATCHED_SKILLS', text: 'Matches your skills: SQL, Python', detail: 'SQL, Python' },
      { code: 'SIMILAR_TO_APPLIED', text: 'Similar to Data Analyst II at Acme, which you applied to', detail: jobs['acme2'] },
      { code: 'SALARY_FITS', text: 'Salary fits your expectation (55,000–70,000, you expect 60,000)', detail: '55000-70000' },
    ]));
    const gamma = r.jobs.find((j: any) => j.job.id === jobs['gamma1']);
    expect(gamma.reasons.map((x: any) => x.code)).not.toContain('MATCHED_SKILLS'); // Go only: no shared skill
    expect(gamma.reasons.map((x: any) => x.code)).not.toContain('SALARY_FITS'); // no salary given
  });

  it('rankingDebug shows every stage of that list: candidates, moves, the diversity cap and the filtered job', async () => {
    const r = (await gql(RANKED, { c: candidate, n: 4 })).rankedJobs;
    const d = (await gql(`query($id: String!) { rankingDebug(rankingId: $id) { rankingId candidateId channel modelRef modelVersion pipeline config
      stages { stage params itemsIn itemsOut added removed { jobId reason } moves { jobId before after scoreBefore scoreAfter } }
      items { jobId position score reasons { code text } } } }`, { id: r.rankingId })).rankingDebug;
    expect(d).toMatchObject({ rankingId: r.rankingId, candidateId: candidate, channel: 'rankedJobs', modelRef: 'jobs@champion', modelVersion: 1, pipeline: 'default' });
    expect(d.stages.map((s: any) => s.stage)).toEqual(['candidates', 'score', 'freshness', 'profileChange', 'loadBalance', 'diversity', 'filters']);
    // the popularity model's catalogue filters the candidate's training items; acme2 comes from history, so the
    // candidates stage yields the 6 other jobs
    expect(d.stages[0].added).toHaveLength(d.stages[0].itemsOut);
    const diversity = d.stages.find((s: any) => s.stage === 'diversity');
    expect(JSON.parse(diversity.params)).toMatchObject({ maxPerCompany: 1 });
    const acme3 = diversity.moves.find((m: any) => m.jobId === jobs['acme3']);
    expect(acme3.after).toBeGreaterThan(acme3.before); // pushed below the other companies
    const filters = d.stages.find((s: any) => s.stage === 'filters');
    expect(filters.itemsOut).toBeLessThanOrEqual(filters.itemsIn);
    expect(d.items.map((i: any) => i.jobId)).toEqual(r.jobs.map((j: any) => j.job.id));
    expect(d.items[0].reasons.map((x: any) => x.code)).toEqual(r.jobs[0].reasons.map((x: any) => x.code));
    const missing = await gqlRaw('query { rankingDebug(rankingId: "no-such-ranking") { rankingId } }');
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'UNKNOWN_RANKING' });
  });

  it('a candidate who moves to Munich (import update) sees Munich jobs in the next list, explained', async () => {
    const before = (await gql(RANKED, { c: candidate, n: 3 })).rankedJobs;
    expect(before.jobs.map((j: any) => j.job.location.city)).toEqual(['Berlin', 'Berlin', 'Berlin']);
    const imp = await gql('mutation($r: String!) { importRows(kind: candidates, source: "test", rows: $r) { updated rejected } }', { r: candidateRow('Munich', 'Bavaria') });
    expect(imp.importRows).toMatchObject({ updated: 1, rejected: 0 });
    const after = (await gql(RANKED, { c: candidate, n: 3 })).rankedJobs;
    const munich = after.jobs.filter((j: any) => j.job.location.city === 'Munich');
    expect(munich.length).toBeGreaterThanOrEqual(1);
    expect(munich[0].position).toBeLessThanOrEqual(2); // above Berlin jobs the model scores higher
    expect(munich[0].reasons[0]).toEqual({ code: 'PROFILE_LOCATION', text: 'In your new location: Munich', detail: 'Munich' });
    expect(munich[0].reasons.map((x: any) => x.code)).toContain('NEW_IN_YOUR_AREA');
    const d = (await gql('query($id: String!) { rankingDebug(rankingId: $id) { stages { stage moves { jobId before after scoreBefore scoreAfter } } } }', { id: after.rankingId })).rankingDebug;
    const moved = d.stages.find((s: any) => s.stage === 'profileChange').moves.find((m: any) => m.jobId === munich[0].job.id);
    expect(moved.after).toBeLessThan(moved.before);
    expect(moved.scoreAfter - moved.scoreBefore).toBeCloseTo(0.5, 4); // the stage's weight × city match
  });

  it('pipeline configs: typed errors for unknown stages, features and weights out of range; a stored default is used', async () => {
    const save = (config: unknown) => gqlRaw('mutation($c: String!) { saveRankingPipeline(name: "default", config: $c) { name config } }', { c: JSON.stringify(config) });
    const base = [{ stage: 'candidates' }, { stage: 'score' }];
    const reason = async (config: unknown) => (await save(config)).errors?.[0]?.extensions;
    expect(await reason({ stages: [...base, { stage: 'boostEverything' }] })).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_STAGE' });
    expect(await reason({ stages: [...base, { stage: 'profileChange', features: ['horoscope'] }] })).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_FEATURE' });
    expect(await reason({ stages: [...base, { stage: 'freshness', weight: 3 }] })).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'WEIGHT_OUT_OF_RANGE', details: { field: 'stages[2].weight', min: 0, max: 1 } });
    // a default without diversity and profile boost: the Acme jobs come back together, no Munich boost
    const ok = await save({ stages: [{ stage: 'candidates', sources: [{ source: 'model', topN: 50 }] }, ...base.slice(1), { stage: 'filters' }] });
    expect(ok.errors).toBeUndefined();
    expect(JSON.parse(ok.data.saveRankingPipeline.config).stages.at(-1)).toMatchObject({ stage: 'filters', applied: true });
    const r = (await gql(RANKED, { c: candidate, n: 2 })).rankedJobs;
    expect(r.jobs.map((j: any) => j.job.id)).toEqual([jobs['acme1'], jobs['acme3']]);
    const d = (await gql('query($id: String!) { rankingDebug(rankingId: $id) { pipeline stages { stage } } }', { id: r.rankingId })).rankingDebug;
    expect(d).toEqual({ pipeline: 'default', stages: [{ stage: 'candidates' }, { stage: 'score' }, { stage: 'filters' }] });
    const list = (await gql('query { rankingPipelines { name } }')).rankingPipelines;
    expect(list.map((p: any) => p.name)).toEqual(['default']);
  });

  it('a pipeline bound to an experiment variant ranks that variant\'s lists (the variant\'s model still scores)', async () => {
    const experiments = app.get(ExperimentsService);
    await experiments.create({ key: 'rank-exp', variants: [{ key: 'control', weight: 0.5, modelRef: 'jobs/1', strategy: null }, { key: 'treatment', weight: 0.5, modelRef: 'jobs/1', strategy: null }], primaryMetric: 'click_rate' }, 'test');
    await experiments.start('rank-exp');
    const a = await experiments.servingAssignment(candidate);
    expect(a).toMatchObject({ experimentKey: 'rank-exp' });
    const config = JSON.stringify({ stages: [{ stage: 'candidates' }, { stage: 'score' }, { stage: 'freshness', weight: 1, halfLifeDays: 1 }, { stage: 'filters' }] });
    const saved = await gql('mutation($c: String!, $v: String) { saveRankingPipeline(name: "fresh-first", config: $c, experimentKey: "rank-exp", variant: $v) { name experimentKey variant } }', { c: config, v: a!.variant });
    expect(saved.saveRankingPipeline).toEqual({ name: 'fresh-first', experimentKey: 'rank-exp', variant: a!.variant });
    const r = (await gql(RANKED, { c: candidate, n: 3 })).rankedJobs;
    const d = (await gql('query($id: String!) { rankingDebug(rankingId: $id) { pipeline experimentKey variant modelVersion stages { stage } } }', { id: r.rankingId })).rankingDebug;
    expect(d).toEqual({ pipeline: 'fresh-first', experimentKey: 'rank-exp', variant: a!.variant, modelVersion: 1, stages: [{ stage: 'candidates' }, { stage: 'score' }, { stage: 'freshness' }, { stage: 'filters' }] });
    const other = (await gql('query { rankingPipelines { name experimentKey variant } }')).rankingPipelines;
    expect(other).toEqual([{ name: 'default', experimentKey: null, variant: null }, { name: 'fresh-first', experimentKey: 'rank-exp', variant: a!.variant }]);
    await experiments.stop('rank-exp');
  });

  it('alerts run through the pipeline: the webhook payload carries reasons and the alert ranking is in rankingDebug', async () => {
    await sql.query(`DELETE FROM ranking_pipelines`); // back to the built-in default
    (app.get(AlertsService).ranker.ranking as unknown as { pipelines: unknown }).pipelines = null;
    const alerts = app.get(AlertsService);
    const { subscription } = await alerts.subscribe({ candidateId: candidate, channel: 'webhook', webhookUrl: hookUrl, frequency: 'daily', timeZone: 'UTC', sendHour: 9 }, 'test');
    const due = new Date(Date.now() - 1000);
    await sql.query(`UPDATE alert_subscriptions SET next_due_at = $2 WHERE id = $1`, [subscription.id, due]);
    expect(await alerts.processAlert(subscription.id, due.getTime())).toMatchObject({ outcome: 'sent' });
    const payload = JSON.parse(bodies.at(-1)!);
    const items = payload.data.jobs as Array<{ jobId: string; reasons: Array<{ code: string; text: string }> }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((i) => i.jobId)).not.toContain(jobs['acme2']); // applied
    expect(items[0]!.reasons[0]).toMatchObject({ code: 'PROFILE_LOCATION', text: 'In your new location: Munich' });
    for (const i of items) expect(i.reasons.length).toBeGreaterThan(0);
    const d = (await gql('query($id: String!) { rankingDebug(rankingId: $id) { channel modelVersion items { jobId } } }', { id: payload.data.rankingId })).rankingDebug;
    expect(d).toEqual({ channel: 'alert', modelVersion: 1, items: items.map((i) => ({ jobId: i.jobId })) });
  });
});
