import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { CSV_COLUMNS } from '@app/fairness';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';
import { runCliCaptured } from '../run-cli-captured.js';

const AT = Date.UTC(2026, 4, 1);

/** `matchlab fairness …` in this process against a test database: attribute import with and without consent, audit as CSV, list, export. */
describe('matchlab fairness (CLI)', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let sql: pg.Client;
  const dir = mkdtempSync(join(tmpdir(), 'matchlab-fairness-cli-'));
  let candidates: string[] = [];

  const cli = (args: string[]) => runCliCaptured(args, env);

  beforeAll(async () => {
    db = await createTestDatabase('fairness_cli');
    env = appEnv(db);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const company = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme') RETURNING id`)).rows[0].id;
    // jobs 1..10: salary midpoint 30k … 120k (10k steps), seniority junior … lead
    await sql.query(
      `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, posted_at, content_hash, salary_annual_min, salary_annual_max, seniority)
       SELECT 'test', 'j' || g, $1, 'Engineer', 'engineer', now(), md5(g::text), 20000 + g * 10000, 20000 + g * 10000, (ARRAY['junior','mid','senior','lead'])[1 + g % 4] FROM generate_series(1, 10) g`,
      [company],
    );
    candidates = (await sql.query(`INSERT INTO candidates (source, external_id, desired_titles, skills, preferences, consent_alerts, consent_training) SELECT 'test', 'c' || g, '{}', '{}', '{}', true, true FROM generate_series(1, 40) g RETURNING id::text AS id`)).rows.map((r: { id: string }) => r.id);
    // group a (even index) is shown the 5 best-paid jobs, group b the 5 worst-paid, each candidate offset by its index
    await sql.query(
      `INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at)
       SELECT 'e' || c.id || '-' || k, c.id, j.id, 'impression', $1::timestamptz + (k || ' minutes')::interval
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM candidates) c
         CROSS JOIN generate_series(0, 4) k
         JOIN (SELECT id, row_number() OVER (ORDER BY id) AS r FROM jobs) j
           ON j.r = CASE WHEN c.n % 2 = 0 THEN 6 + (k + c.n) % 5 ELSE 1 + (k + c.n) % 5 END`,
      [new Date(AT).toISOString()],
    );
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('import-attributes refuses a file with a row without consent (nothing stored) and stores a consented one', async () => {
    const rows = candidates.map((id, i) => `${id},gender,${i % 2 === 1 ? 'a' : 'b'},2026-01-01T00:00:00Z`);
    const noConsent = join(dir, 'no-consent.csv');
    writeFileSync(noConsent, ['candidate_id,attribute,value,consent_at', ...rows.slice(0, 3), `${candidates[3]},gender,a,`].join('\n'));
    const refused = await cli(['fairness', 'import-attributes', noConsent]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/CONSENT_REQUIRED/);
    expect((await sql.query(`SELECT count(*)::int AS n FROM candidate_protected_attributes`)).rows[0].n).toBe(0);
    const ok = join(dir, 'ok.csv');
    writeFileSync(ok, ['candidate_id,attribute,value,consent_at', ...rows].join('\n'));
    const stored = await cli(['fairness', 'import-attributes', ok]);
    expect(stored).toMatchObject({ code: 0, stdout: 'stored 40 protected attributes\n' });
  }, 60_000);

  it('audit --format csv prints one line per group and metric with the salary disparity flagged; list and export read it back', async () => {
    const from = new Date(AT - 3_600_000).toISOString(), to = new Date(AT + 3_600_000).toISOString();
    const r = await cli(['fairness', 'audit', '--attribute', 'gender', '--from', from, '--to', to, '--reference', 'a', '--format', 'csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 2 * 5);
    const col = (line: string, name: (typeof CSV_COLUMNS)[number]) => line.split(',')[CSV_COLUMNS.indexOf(name)];
    const salaryB = lines.find((l) => col(l, 'group') === 'b' && col(l, 'metric') === 'salary')!;
    const salaryA = lines.find((l) => col(l, 'group') === 'a' && col(l, 'metric') === 'salary')!;
    expect(Number(col(salaryA, 'estimate'))).toBeCloseTo(100_000, 6); // jobs 6..10: 80k … 120k
    expect(Number(col(salaryB, 'estimate'))).toBeCloseTo(50_000, 6); // jobs 1..5: 30k … 70k
    expect(Number(col(salaryB, 'ratio_vs_reference'))).toBeCloseTo(0.5, 6);
    expect(col(salaryB, 'flagged')).toBe('true');
    expect(col(lines.find((l) => col(l, 'group') === 'b' && col(l, 'metric') === 'exposure')!, 'flagged')).toBe('false');
    const id = col(lines[1]!, 'audit_id')!;

    const list = await cli(['fairness', 'list', '--format', 'json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ id, attribute: 'gender', trigger: 'manual', result: { referenceGroup: 'a' } });
    const exported = await cli(['fairness', 'export', id, '--format', 'json']);
    expect(JSON.parse(exported.stdout).result.flagged).toBeGreaterThanOrEqual(1);
    const table = await cli(['fairness', 'export', id, '--format', 'table']);
    expect(table.stdout).toMatch(/!salary ×0\.500/);
    expect(await cli(['fairness', 'export', '999999'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/NOT_FOUND/) });
    expect(await cli(['fairness', 'audit', '--format', 'xml'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/INVALID_INPUT: --format/) });
    expect(await cli(['fairness', 'audit', '--attribute', 'religion'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/INVALID_INPUT: attribute must be one of gender, age_band/) });
  }, 120_000);
});
