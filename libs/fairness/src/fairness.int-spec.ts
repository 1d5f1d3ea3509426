import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { AuthService } from '@app/auth';
import { QueueNames } from '@app/queue';
import { generateMarket, respondToList, SimulatorService, stream, utility, type SimMarket } from '@app/simulator';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { FairnessAuditScheduler } from '../../../apps/worker/src/processors/fairness.processor.js';
import { FairnessAuditService } from './fairness-audit.service.js';
import { ProtectedAttributesService } from './protected-attributes.service.js';

const SEED = 4242;
const CANDIDATES = 300;
const JOBS = 200;
const LIST = 10;
const START = new Date(Date.UTC(2026, 0, 5));
const CONTROL_AT = Date.UTC(2026, 2, 1);
const BIASED_AT = Date.UTC(2026, 3, 1);
const EXPOSURE_AT = Date.UTC(2026, 4, 1);
const DAY_MS = 86_400_000;

const AUDIT_FIELDS = `id attribute trigger referenceGroup flagged windowFrom windowTo
  config { rateThreshold meanGap minCandidates }
  groups { group candidates impressions clicks applies populationShare exposureShare
    exposurePerCandidate { estimate low high n } salary { estimate low high n } seniority { estimate low high n }
    clickRate { estimate low high n } applyRate { estimate low high n }
    disparities { metric ratio low high flagged } flagged insufficient }`;

/**
 * The planted-bias test on the synthetic market: candidates get a protected attribute (gender, stored with consent),
 * recommendations are served and answered by the simulator's behaviour model and logged as interactions. In the
 * control window every candidate gets the top-10 jobs by true utility; in the biased window women only get jobs
 * below the median salary. The audit must flag the biased window's salary disparity and flag nothing in the control.
 */
describe('fairness audit on the synthetic market with a planted bias', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let admin: string;
  let analyst: string;
  let sql: pg.Client;
  let market: SimMarket;
  let candidateIds: string[];
  let jobIds: string[];
  const gender = (i: number) => (stream(SEED, 'gender', i).next() < 0.5 ? 'female' : 'male');

  beforeAll(async () => {
    db = await createTestDatabase('fairness');
    ({ app, close } = await startInProcessApi(db));
    admin = await loginAsAdmin(app);
    await app.get(AuthService, { strict: false }).createUser('analyst@example.org', 'analyst-password-1', 'analyst');
    analyst = (await graphql<any>(app, 'mutation { login(email: "analyst@example.org", password: "analyst-password-1") { token } }')).data.login.token;
    await new SimulatorService(app.get(DataSource)).simulateMarket({ seed: SEED, candidates: CANDIDATES, jobs: JOBS, days: 1, start: START });
    market = generateMarket({ seed: SEED, candidates: CANDIDATES, jobs: JOBS, days: 1, start: START });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const ids = async (table: string, ext: string[]) => {
      const r = await sql.query(`SELECT external_id, id::text AS id FROM ${table} WHERE external_id = ANY($1)`, [ext]);
      const m = new Map<string, string>(r.rows.map((x: { external_id: string; id: string }) => [x.external_id, x.id]));
      return ext.map((e) => m.get(e)!);
    };
    candidateIds = await ids('candidates', market.candidates.map((c) => c.externalId));
    jobIds = await ids('jobs', market.jobs.map((j) => j.externalId));
    expect(candidateIds.every(Boolean) && jobIds.every(Boolean)).toBe(true);
  }, 300_000);

  afterAll(async () => {
    await sql?.end();
    await close?.();
    await db?.drop();
  });

  /** Serves every candidate one list at `at` and logs impressions, clicks and applies; returns the events written. */
  async function serve(tag: string, at: number, biased: boolean, womenListSize = LIST): Promise<number> {
    const mid = (j: SimMarket['jobs'][number]) => (j.salaryAnnualMin + j.salaryAnnualMax) / 2;
    const median = [...market.jobs.map(mid)].sort((a, b) => a - b)[Math.floor(JOBS / 2)]!;
    const rows: Array<[string, string, string, string, string, number, string]> = [];
    market.candidates.forEach((c, i) => {
      const pool = market.jobs.map((j, k) => ({ k, u: utility(c.truth, j.truth), j })).filter((x) => !(biased && gender(i) === 'female') || mid(x.j) < median);
      const top = pool.sort((a, b) => b.u - a.u).slice(0, gender(i) === 'female' ? womenListSize : LIST);
      const events = respondToList(top.map((x) => x.u), 0, stream(SEED, 'serve', tag, i));
      const t0 = at + i * 60_000;
      for (const e of events) {
        if (e.type !== 'impression' && e.type !== 'click' && e.type !== 'apply') continue;
        rows.push([`${tag}-${i}-${e.position}-${e.type}`, candidateIds[i]!, jobIds[top[e.position - 1]!.k]!, e.type, new Date(t0 + e.offsetMs).toISOString(), e.position - 1, `${tag}-${i}`]);
      }
    });
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000);
      await sql.query(
        `INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at, position, ranking_id, source)
         SELECT e, c, j, t, o, p, r, 'fairness-test' FROM unnest($1::varchar[], $2::bigint[], $3::bigint[], $4::varchar[], $5::timestamptz[], $6::int[], $7::varchar[]) AS x(e, c, j, t, o, p, r)`,
        [0, 1, 2, 3, 4, 5, 6].map((col) => chunk.map((r) => r[col])),
      );
    }
    return rows.length;
  }

  const run = (token: string, from: number, extra = '') => graphql<any>(app, `mutation($from: DateTime!, $to: DateTime!) { runFairnessAudit(input: { attribute: "gender", from: $from, to: $to, referenceGroup: "male"${extra} }) { ${AUDIT_FIELDS} } }`, { from: new Date(from).toISOString(), to: new Date(from + DAY_MS).toISOString() }, token);

  it('stores protected attributes only with consent (typed error, nothing of the batch stored) and only for admins', async () => {
    const records = candidateIds.map((id, i) => ({ candidateId: id, attribute: 'gender', value: gender(i), consentAt: '2026-01-01T00:00:00Z' }));
    const withoutConsent = [...records.slice(0, 5), { candidateId: candidateIds[5]!, attribute: 'gender', value: 'female' }];
    const refused = await graphql<any>(app, `mutation($r: [ProtectedAttributeInput!]!) { recordProtectedAttributes(records: $r) }`, { r: withoutConsent }, admin);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FAILED_PRECONDITION');
    expect(refused.errors?.[0]?.message).toMatch(/consent/);
    expect((await sql.query(`SELECT count(*)::int AS n FROM candidate_protected_attributes`)).rows[0].n).toBe(0);
    await expect(app.get(ProtectedAttributesService).record([{ candidateId: candidateIds[0]!, attribute: 'gender', value: 'female', consentAt: null }])).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
    await expect(app.get(ProtectedAttributesService).record([{ candidateId: candidateIds[0]!, attribute: 'religion', value: 'x', consentAt: '2026-01-01' }])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const forbidden = await graphql<any>(app, `mutation($r: [ProtectedAttributeInput!]!) { recordProtectedAttributes(records: $r) }`, { r: records.slice(0, 1) }, analyst);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stored = await graphql<any>(app, `mutation($r: [ProtectedAttributeInput!]!) { recordProtectedAttributes(records: $r) }`, { r: records }, admin);
    expect(stored.errors).toBeUndefined();
    expect(stored.data.recordProtectedAttributes).toBe(CANDIDATES);
    const coverage = await app.get(ProtectedAttributesService).coverage('gender');
    expect(coverage.reduce((s, c) => s + c.candidates, 0)).toBe(CANDIDATES);
    console.log(`protected attributes stored with consent: ${JSON.stringify(coverage)}; a batch with one record without consent → CONSENT_REQUIRED, 0 stored`);
  }, 60_000);

  it('flags nothing in the unbiased control window', async () => {
    const events = await serve('control', CONTROL_AT, false);
    const res = await run(analyst, CONTROL_AT);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN'); // analysts read audits; running needs evaluations:run
    const r = await run(admin, CONTROL_AT);
    expect(r.errors).toBeUndefined();
    const audit = r.data.runFairnessAudit;
    report('control', events, audit);
    expect(audit.groups.map((g: any) => g.group)).toEqual(['female', 'male']);
    expect(audit.groups.reduce((s: number, g: any) => s + g.candidates, 0)).toBe(CANDIDATES);
    expect(audit.flagged).toBe(0);
    const female = audit.groups.find((g: any) => g.group === 'female');
    const salary = female.disparities.find((d: any) => d.metric === 'salary');
    expect(salary.ratio).toBeGreaterThan(0.9);
    expect(salary.low).toBeLessThan(1.02);
  }, 120_000);

  it('flags the planted salary disparity (and only against women) in the biased window', async () => {
    const events = await serve('biased', BIASED_AT, true);
    const r = await run(admin, BIASED_AT);
    expect(r.errors).toBeUndefined();
    const audit = r.data.runFairnessAudit;
    report('biased', events, audit);
    const female = audit.groups.find((g: any) => g.group === 'female');
    const male = audit.groups.find((g: any) => g.group === 'male');
    const salary = female.disparities.find((d: any) => d.metric === 'salary');
    expect(salary.flagged).toBe(true);
    expect(salary.ratio).toBeLessThan(0.9);
    expect(salary.high).toBeLessThan(1);
    expect(female.flagged).toBe(true);
    expect(male.disparities).toEqual([]); // the reference
    expect(female.salary.high).toBeLessThan(male.salary.low);
    // the report is stored, listed, readable by analysts and exportable
    const list = await graphql<any>(app, `{ fairnessAudits(attribute: "gender") { id flagged trigger } }`, {}, analyst);
    expect(list.data.fairnessAudits.map((a: any) => a.id)).toEqual(expect.arrayContaining([audit.id]));
    expect(list.data.fairnessAudits[0].id).toBe(audit.id);
    const one = await graphql<any>(app, `query($id: ID!) { fairnessAudit(id: $id) { id flagged groups { group flagged } } }`, { id: audit.id }, analyst);
    expect(one.data.fairnessAudit).toEqual({ id: audit.id, flagged: audit.flagged, groups: audit.groups.map((g: any) => ({ group: g.group, flagged: g.flagged })) });
    const csv = (await graphql<any>(app, `query($id: ID!) { fairnessAuditExport(id: $id, format: CSV) }`, { id: audit.id }, analyst)).data.fairnessAuditExport as string;
    const salaryLine = csv.split('\n').find((l) => l.includes(',female,') && l.includes(',salary,'))!;
    expect(salaryLine.split(',').at(-2)).toBe('true');
    const json = JSON.parse((await graphql<any>(app, `query($id: ID!) { fairnessAuditExport(id: $id, format: JSON) }`, { id: audit.id }, analyst)).data.fairnessAuditExport);
    expect(json.result.flagged).toBe(audit.flagged);
    const missing = await graphql<any>(app, `{ fairnessAudit(id: "999999") { id } }`, {}, analyst);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const bad = await run(admin, BIASED_AT, ', rateThreshold: 2');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }, 120_000);

  it('flags the planted exposure disparity when women are shown 6 jobs instead of 10', async () => {
    const events = await serve('exposure', EXPOSURE_AT, false, 6);
    const r = await run(admin, EXPOSURE_AT);
    expect(r.errors).toBeUndefined();
    const audit = r.data.runFairnessAudit;
    report('exposure', events, audit);
    const female = audit.groups.find((g: any) => g.group === 'female');
    const exposure = female.disparities.find((d: any) => d.metric === 'exposure');
    expect(exposure.ratio).toBeCloseTo(0.6, 12);
    expect(exposure.flagged).toBe(true);
    expect(female.exposureShare).toBeLessThan(female.populationShare);
    expect(female.disparities.find((d: any) => d.metric === 'salary').flagged).toBe(false);
  }, 120_000);

  it('the daily job scheduler is registered on the fairness queue; the scheduled run audits every given attribute', async () => {
    const queue = app.get<Queue>(getQueueToken(QueueNames.fairness), { strict: false });
    await new FairnessAuditScheduler(queue).onApplicationBootstrap();
    const scheduler = await queue.getJobScheduler(FairnessAuditScheduler.schedulerId);
    expect(Number(scheduler?.every)).toBe(DAY_MS);
    await queue.removeJobScheduler(FairnessAuditScheduler.schedulerId);
    const { audits } = await app.get(FairnessAuditService).runScheduled(new Date(BIASED_AT + DAY_MS));
    expect(audits).toHaveLength(1);
    const stored = await app.get(FairnessAuditService).get(audits[0]!);
    expect(stored.trigger).toBe('scheduled');
    expect(stored.result.groups.reduce((s, g) => s + g.candidates, 0)).toBe(CANDIDATES);
    // consent withdrawn: the rows go, later audits no longer see the candidate
    expect(await app.get(ProtectedAttributesService).withdraw(candidateIds[0]!)).toBe(1);
    expect((await sql.query(`SELECT count(*)::int AS n FROM candidate_protected_attributes`)).rows[0].n).toBe(CANDIDATES - 1);
  }, 60_000);
});

function report(label: string, events: number, audit: any): void {
  const f = (x: number | null, d = 3) => (x === null ? '–' : x.toFixed(d));
  const lines = [`fairness audit (${label}): ${events} logged events, reference ${audit.referenceGroup}, ${audit.flagged} flagged`];
  for (const g of audit.groups) {
    lines.push(`  ${g.group}: ${g.candidates} candidates, ${g.impressions} impressions (exposure share ${f(g.exposureShare)} vs population ${f(g.populationShare)}), salary ${f(g.salary.estimate, 0)} [${f(g.salary.low, 0)}, ${f(g.salary.high, 0)}], seniority ${f(g.seniority.estimate, 2)} [${f(g.seniority.low, 2)}, ${f(g.seniority.high, 2)}], click ${f(g.clickRate.estimate)} [${f(g.clickRate.low)}, ${f(g.clickRate.high)}], apply ${f(g.applyRate.estimate)} [${f(g.applyRate.low)}, ${f(g.applyRate.high)}]`);
    for (const d of g.disparities) lines.push(`    ${d.metric}: ratio ${f(d.ratio)} [${f(d.low)}, ${f(d.high)}]${d.flagged ? '  FLAGGED' : ''}`);
  }
  console.log(lines.join('\n'));
}
