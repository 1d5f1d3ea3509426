import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { startInProcessApi } from '../../../e2e/support/in-process-api.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { DATASETS_DIR, itWithDatasets } from '../../../e2e/support/shared-datasets.js';
import { importDataset } from './datasets.js';
import { ImportService } from './import.service.js';

const desc = 'We build scalable payment systems in TypeScript and Postgres with React on the frontend and Docker in production for millions of users';
const good = { title: 'Sr. Software Eng (m/f/d)', company: 'Acme Inc', location: 'Berlin, Germany', description: desc, salary_min: 60000, salary_max: 80000, salary_currency: 'EUR', employment_type: 'full-time', posted_at: '2026-11-01' };
const lines = [
  JSON.stringify({ external_id: 'a1', ...good }),
  JSON.stringify({ external_id: 'a2', company: 'Acme Inc', description: 'no title' }),
  JSON.stringify({ external_id: 'a3', title: 'Nurse', salary_min: -5 }),
  '{"external_id":"a4", "title": broken',
  JSON.stringify({ external_id: 'a5', title: 'Dev', employment_type: 'sometimes' }),
  JSON.stringify({ external_id: 'a6', ...good }),
  JSON.stringify({ external_id: 'a7', ...good, company: 'ACME inc.', title: 'Senior Software Engineer', description: `${desc} today` }),
  JSON.stringify({ external_id: 'a8', title: 'Cashier', company: 'Shop', location: 'Remote - US' }),
];

describe('ingest (real database)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let close: () => Promise<void>;
  let service: ImportService;
  let ds: DataSource;
  let file: string;
  const dir = mkdtempSync(join(tmpdir(), 'ingest-'));

  beforeAll(async () => {
    db = await createTestDatabase('ingest');
    ({ app, close } = await startInProcessApi(db));
    service = app.get(ImportService);
    ds = app.get(DataSource);
    file = join(dir, 'jobs.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  const snapshot = () => ds.query(`SELECT external_id, title, normalized_title, status, canonical_job_id, content_hash, salary_annual_min, posted_at, updated_at, country, city, skills FROM jobs WHERE source = 'jobs' ORDER BY external_id`);

  it('--strict imports nothing and reports every bad row', async () => {
    const r = await service.importFile('jobs', file, { strict: true });
    expect(r.status).toBe('rejected');
    expect(r.rejections.map((x) => x.line)).toEqual([2, 3, 4, 5]);
    expect(r.inserted + r.updated + r.duplicates).toBe(0);
    expect((await ds.query(`SELECT count(*)::int AS n FROM jobs`))[0].n).toBe(0);
  });

  it('reports each bad row with its line number, imports the rest and links duplicates to the canonical job', async () => {
    const r = await service.importFile('jobs', file);
    expect(r.status).toBe('completed');
    expect(r.rejections).toEqual([
      expect.objectContaining({ line: 2, field: 'title', reason: 'title is required' }),
      expect.objectContaining({ line: 3, field: 'salary_min', reason: 'salary_min must not be negative' }),
      expect.objectContaining({ line: 4, field: null, reason: expect.stringMatching(/^malformed JSON/) }),
      expect.objectContaining({ line: 5, field: 'employment_type', reason: expect.stringMatching(/unknown employment_type "sometimes"/) }),
    ]);
    expect(r).toMatchObject({ totalRows: 8, inserted: 2, duplicates: 2, rejected: 4, unchanged: 0 });
    const jobs = await snapshot();
    const a1 = jobs.find((j: any) => j.external_id === 'a1');
    expect(a1).toMatchObject({ status: 'active', normalized_title: 'software engineer', country: 'DE', city: 'Berlin', salary_annual_min: 65217.39 });
    expect(a1.skills).toEqual(expect.arrayContaining(['typescript', 'postgresql', 'react', 'docker']));
    expect(jobs.find((j: any) => j.external_id === 'a6')).toMatchObject({ status: 'duplicate', canonical_job_id: a1.id ?? expect.anything() });
    const [{ id: a1Id }] = await ds.query(`SELECT id::text FROM jobs WHERE external_id = 'a1'`);
    const links = await ds.query(`SELECT external_id, canonical_job_id::text AS c FROM jobs WHERE status = 'duplicate' ORDER BY external_id`);
    expect(links).toEqual([{ external_id: 'a6', c: a1Id }, { external_id: 'a7', c: a1Id }]);
    const stored = await ds.query(`SELECT line, field, reason FROM import_rejections WHERE run_id = $1 ORDER BY line`, [r.id]);
    expect(stored.map((x: any) => x.line)).toEqual([2, 3, 4, 5]);
    const [run] = await ds.query(`SELECT status, inserted, duplicates, rejected FROM import_runs WHERE id = $1`, [r.id]);
    expect(run).toEqual({ status: 'completed', inserted: 2, duplicates: 2, rejected: 4 });
  });

  it('a second import of the same file changes nothing', async () => {
    const before = await snapshot();
    const r = await service.importFile('jobs', file);
    expect(r).toMatchObject({ inserted: 0, updated: 0, duplicates: 0, unchanged: 4, rejected: 4 });
    expect(await snapshot()).toEqual(before);
  });

  it('imports small batches through GraphQL with permissions and a row cap', async () => {
    const admin = await loginAsAdmin(app);
    const rows = JSON.stringify([{ external_id: 'g1', title: 'Data Analyst', company: 'Beta' }, { external_id: 'g2', title: '' }]);
    const res = await graphql<any>(app, 'mutation($rows: String!) { importRows(kind: jobs, rows: $rows, source: "gql") { id status inserted rejected rejections { line field reason } } }', { rows }, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data.importRows).toMatchObject({ status: 'completed', inserted: 1, rejected: 1, rejections: [{ line: 2, field: 'title', reason: 'title is required' }] });
    const big = JSON.stringify(Array.from({ length: 1001 }, (_, i) => ({ external_id: `x${i}`, title: 't' })));
    const capped = await graphql<any>(app, 'mutation($rows: String!) { importRows(kind: jobs, rows: $rows) { id } }', { rows: big }, admin);
    expect(capped.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const anon = await graphql<any>(app, '{ importRuns { totalCount } }', {});
    expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const list = await graphql<any>(app, `{ importRuns(limit: 2) { totalCount items { id kind } } importRun(id: "${res.data.importRows.id}") { rejections { line } } }`, {}, admin);
    expect(list.data.importRuns.totalCount).toBe(4);
    expect(list.data.importRun.rejections).toEqual([{ line: 2 }]);
  });

  it('the built CLI prints JSON and exits 0, 1 with --strict rejections, 1 with one line for a missing file', async () => {
    const bin = join(process.cwd(), 'bin', 'matchlab.js');
    if (!existsSync(join(process.cwd(), 'dist', 'apps', 'cli', 'src', 'commands', 'import.command.js'))) throw new Error('build first: node scripts/build.mjs');
    const env = appEnv(db);
    const run = (args: string[]) => promisify(execFile)('node', [bin, ...args], { env }).then((r) => ({ code: 0, ...r }), (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }));
    const ok = await run(['import', 'jobs', file, '--json', '--source', 'cli']);
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout);
    // Same postings under another source: all four good rows are exact duplicates of the 'jobs' source's rows.
    expect(out).toMatchObject({ status: 'completed', source: 'cli', inserted: 0, duplicates: 4, rejected: 4 });
    expect(out.rejections.map((x: any) => x.line)).toEqual([2, 3, 4, 5]);
    // The built CLI prepares rows on a worker thread (and writes with COPY on PostgreSQL): a re-import changes nothing.
    const again = JSON.parse((await run(['import', 'jobs', file, '--json', '--source', 'cli'])).stdout);
    expect(again).toMatchObject({ status: 'completed', inserted: 0, updated: 0, duplicates: 0, unchanged: 4, rejected: 4 });
    const strict = await run(['import', 'jobs', file, '--json', '--strict', '--source', 'cli2']);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).status).toBe('rejected');
    const missing = await run(['import', 'jobs', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/not found/);
  }, 120_000);

  const datasets = DATASETS_DIR;
  itWithDatasets('imports the real datasets with sane counts, idempotently', async () => {
    const [gjs] = await importDataset(service, 'google-job-skills', datasets);
    expect(gjs!.totalRows).toBe(1250);
    expect(gjs!.rejected).toBe(0);
    expect(gjs!.duplicates).toBeGreaterThan(0);
    expect(gjs!.inserted + gjs!.duplicates).toBe(1250);
    const [views, cands, clicks] = await importDataset(service, 'job-views', datasets);
    expect(views!.totalRows).toBe(7047);
    expect(cands!.inserted).toBe(3448);
    expect(clicks!.totalRows).toBe(12370);
    expect(clicks!.inserted).toBeGreaterThanOrEqual(8920);
    const [res] = await importDataset(service, 'resumes', datasets);
    expect(res!.totalRows).toBe(962);
    expect(res!.inserted).toBe(166);
    expect(res!.duplicates).toBe(962 - 166);
    const [again] = await importDataset(service, 'google-job-skills', datasets);
    expect(again).toMatchObject({ inserted: 0, updated: 0, duplicates: 0, unchanged: 1250 });
  }, 300_000);
});
