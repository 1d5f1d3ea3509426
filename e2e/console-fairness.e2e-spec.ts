import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FairnessAuditService, ProtectedAttributesService } from '@app/fairness';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { createApiApp } from '../apps/api/src/main.js';
import { CONSOLE_DIST, ensureConsoleBuilt, launchBrowser, recordPageProblems, screenshot } from './support/browser.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

const AT = Date.UTC(2026, 4, 1);

/** The fairness page in headless Chromium: the stored audits, one audit's per-group table, the flagged row highlighted. */
describe('console: fairness audits', () => {
  let db: TestDatabase;
  let close: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let problems: string[];
  let auditId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    db = await createTestDatabase('console_fairness');
    const { app, runtime } = await createApiApp({ withWorker: false, env: appEnv(db) });
    const nest = app as NestExpressApplication;
    nest.useStaticAssets(CONSOLE_DIST, { prefix: '/console' }); // see console.e2e-spec.ts
    await nest.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(nest.getHttpServer().address() as AddressInfo).port}`;
    close = async () => {
      await nest.close();
      await runtime.endpoint.close();
    };
    // 40 candidates in two groups, 5 impressions and 1 click each; group b is shown only the 5 worst-paid of 10 jobs
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const company = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme') RETURNING id`)).rows[0].id;
    await sql.query(
      `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, posted_at, content_hash, salary_annual_min, salary_annual_max, seniority)
       SELECT 'test', 'j' || g, $1, 'Engineer', 'engineer', now(), md5(g::text), 20000 + g * 10000, 20000 + g * 10000, 'mid' FROM generate_series(1, 10) g`,
      [company],
    );
    const ids: string[] = (await sql.query(`INSERT INTO candidates (source, external_id, desired_titles, skills, preferences, consent_alerts, consent_training) SELECT 'test', 'c' || g, '{}', '{}', '{}', true, true FROM generate_series(1, 40) g RETURNING id::text AS id`)).rows.map((r: { id: string }) => r.id);
    await sql.query(
      `INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at)
       SELECT 'e' || c.id || '-' || k, c.id, j.id, CASE WHEN k = 5 THEN 'click' ELSE 'impression' END, $1::timestamptz
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM candidates) c CROSS JOIN generate_series(0, 5) k
         JOIN (SELECT id, row_number() OVER (ORDER BY id) AS r FROM jobs) j ON j.r = CASE WHEN c.n % 2 = 0 THEN 6 + k % 5 ELSE 1 + k % 5 END`,
      [new Date(AT).toISOString()],
    );
    await sql.end();
    await app.get(ProtectedAttributesService).record(ids.map((id, i) => ({ candidateId: id, attribute: 'gender', value: i % 2 === 1 ? 'a' : 'b', consentAt: '2026-01-01T00:00:00Z' })));
    auditId = (await app.get(FairnessAuditService).run({ attribute: 'gender', from: new Date(AT - 3_600_000), to: new Date(AT + 3_600_000), config: { referenceGroup: 'a' } })).id;

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(15_000);
    problems = recordPageProblems(page);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
    await db?.drop();
  });

  it('lists the audit and shows its groups with intervals, the flagged group highlighted', async () => {
    await page.goto(`${base}/console/#/login`);
    await page.locator('input[name="email"]').waitFor({ timeout: 60_000 });
    await page.locator('input[name="email"]').fill('admin@matchlab.local');
    await page.locator('input[name="password"]').fill('admin-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Active jobs by seniority').waitFor({ timeout: 60_000 });
    await page.getByText('Fairness audits').first().click();
    await page.getByTestId('fairness-audits').waitFor();
    const auditRows = await page.getByTestId('fairness-audits').locator('tbody tr').allTextContents();
    expect(auditRows).toHaveLength(1);
    expect(auditRows[0]).toContain('gender');
    const groups = page.getByTestId('fairness-groups').locator('tbody tr');
    expect(await groups.count()).toBe(2);
    expect(await groups.nth(0).getAttribute('data-flagged')).toBe('false'); // a, the reference
    expect(await groups.nth(1).getAttribute('data-flagged')).toBe('true');
    const salaryB = await groups.nth(1).locator('td[data-metric="salary"]').textContent();
    expect(salaryB).toContain('50,000'); // jobs 1..5: 30k … 70k
    expect(salaryB).toContain('×0.50');
    expect(await groups.nth(0).locator('td[data-metric="salary"]').textContent()).toContain('100,000');
    expect(await groups.nth(1).locator('td[data-metric="click_rate"]').textContent()).toMatch(/20\.0% \[\d+\.\d%, \d+\.\d%\]/);
    await screenshot(page, 'console-fairness-01-audit');
    expect(page.url()).toContain('/fairness');
    expect(auditId).toMatch(/^\d+$/);
    expect(problems).toEqual([]);
  }, 120_000);
});
