import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresUrlOrSkip, seededRandom, TcpProxy } from './support/faults.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

const N = 12_000; // three write batches of 5,000 / 5,000 / 2,000
const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber cobalt crimson ivory jade onyx pearl ruby sapphire topaz umber violet'.split(' ');

/**
 * A jobs file where every 10th row is an exact duplicate (same title, company, place, description) of the row before
 * it under another external id; every other row has its own random description (no near duplicates).
 */
function jobsFile(dir: string, name: string, seed: number): string {
  const rnd = seededRandom(seed);
  const lines: string[] = [];
  let previous: Record<string, unknown> = {};
  for (let i = 1; i <= N; i++) {
    const content = i % 10 === 0
      ? { ...previous }
      : { title: `Engineer ${seed}-${i}`, company: `Company ${i % 50}`, city: 'Berlin', country: 'DE', description: Array.from({ length: 40 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ') };
    previous = content;
    lines.push(JSON.stringify({ external_id: `j${i}`, ...content }));
  }
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `matchlab import jobs` (the built CLI, a real process) talks to PostgreSQL through a TCP proxy in this process; the
 * test cuts every connection while a batch transaction is open. A short outage: the import writes the lost batch
 * again and completes with exact counts. An outage longer than its retry budget: the import fails and says so, and
 * running the same command again resumes it — rows already written are `unchanged`, none is written twice.
 */
describe('fault: PostgreSQL connections dropped during an import (real CLI process, TCP proxy)', () => {
  const base = postgresUrlOrSkip('ingest connection-drop fault test');
  let db: TestDatabase;
  let sql: pg.Client;
  let proxy: TcpProxy;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const cli = (file: string, source: string, onRunning?: () => void): Promise<CliRun> =>
    new Promise((resolve) => {
      const p = spawn(process.execPath, ['dist/apps/cli/src/main.js', 'import', 'jobs', file, '--source', source, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => {
        stderr += d;
        if (process.env['FAULT_DEBUG']) process.stdout.write(`[cli ${source} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${d}`);
      });
      const t0 = Date.now();
      onRunning?.();
      p.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const stored = async (source: string) =>
    (await sql.query(
      `SELECT count(*)::int AS rows, count(DISTINCT external_id)::int AS ids, count(*) FILTER (WHERE status = 'duplicate')::int AS duplicates,
              count(*) FILTER (WHERE status = 'duplicate' AND canonical_job_id = (SELECT c.id FROM jobs c WHERE c.source = j.source AND c.external_id = 'j' || (substr(j.external_id, 2)::int - 1)))::int AS duplicatesOfPrevious
         FROM jobs j WHERE source = $1`,
      [source],
    )).rows[0] as { rows: number; ids: number; duplicates: number; duplicatesofprevious: number };
  /** Polls until the first batch is committed and a write transaction of the import is open, then cuts. */
  const cutMidBatch = async (source: string, refuseMs: number) => {
    const end = Date.now() + 120_000;
    for (;;) {
      const { rows } = await sql.query(
        `SELECT (SELECT count(*)::int FROM jobs WHERE source = $1) AS written,
                (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL) AS open`,
        [source],
      );
      if (rows[0].written >= 5000 && rows[0].written < N && rows[0].open > 0) {
        return { writtenAtCut: rows[0].written as number, openTransactions: rows[0].open as number, cutConnections: proxy.refuse(refuseMs) };
      }
      if (rows[0].written >= N) throw new Error('the import finished before the fault could be injected');
      if (Date.now() > end) throw new Error(`no write transaction seen mid-import (written ${rows[0].written})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  beforeAll(async () => {
    if (!base) return;
    db = await createTestDatabase('fault_ingest');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const target = new URL(db.url);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    dir = mkdtempSync(join(tmpdir(), 'matchlab-fault-ingest-'));
    env = appEnv(db, { LOG_LEVEL: 'warn' });
    env['DATABASE_URL'] = proxy.via(db.url);
  }, 60_000);

  afterAll(async () => {
    await sql?.end();
    await proxy?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${N} jobs, every connection cut mid-batch and refused for 2 s: the import retries the batch and completes with exact counts`, async () => {
    if (!base) return;
    const file = jobsFile(dir, 'jobs-a', 1);
    let fault: Awaited<ReturnType<typeof cutMidBatch>> | undefined;
    let faultError: unknown;
    const run = await cli(file, 'fault-a', () => {
      cutMidBatch('fault-a', 2000).then((f) => (fault = f), (e) => (faultError = e));
    });
    if (faultError) throw faultError;
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    const after = await stored('fault-a');
    const report = { injected: { ...fault, refusedMs: 2000, refusedConnections: proxy.refused }, run: { status: result.status, totalRows: result.totalRows, inserted: result.inserted, duplicates: result.duplicates, unchanged: result.unchanged, retriedBatches: result.retriedBatches }, stored: after, lost: N - after.rows, duplicated: after.rows - after.ids };
    process.stdout.write(`ingest fault test (short outage): ${JSON.stringify(report)}\n`);

    expect(fault?.cutConnections).toBeGreaterThan(0);
    expect(result.retriedBatches).toBeGreaterThanOrEqual(1);
    // Exact counts: the rolled-back batch is counted once, after its commit.
    expect(result).toMatchObject({ status: 'completed', totalRows: N, inserted: N - N / 10, duplicates: N / 10, updated: 0, unchanged: 0, rejected: 0 });
    expect(after).toEqual({ rows: N, ids: N, duplicates: N / 10, duplicatesofprevious: N / 10 });
    const [runRow] = (await sql.query(`SELECT status, total_rows, inserted, duplicates FROM import_runs WHERE id = $1`, [result.id])).rows;
    expect(runRow).toEqual({ status: 'completed', total_rows: N, inserted: N - N / 10, duplicates: N / 10 });
  }, 200_000);

  it(`${N} jobs, the database unreachable longer than the retry budget: the import fails and says so; the same command again resumes without duplicates`, async () => {
    if (!base) return;
    const file = jobsFile(dir, 'jobs-b', 2);
    let fault: Awaited<ReturnType<typeof cutMidBatch>> | undefined;
    let faultError: unknown;
    const refused0 = proxy.refused;
    const t0 = Date.now();
    // Unreachable for 25 s: longer than the import's retries (0.5 + 1 + 2 + 4 + 8 s after the cut).
    const first = await cli(file, 'fault-b', () => {
      cutMidBatch('fault-b', 25_000).then((f) => (fault = f), (e) => (faultError = e));
    });
    const firstSeconds = (Date.now() - t0) / 1000;
    proxy.refuse(0); // the database is back
    if (faultError) throw faultError;
    const committed = await stored('fault-b');
    expect(first.code).not.toBe(0);
    // One line naming the run, the lost connection and what to do.
    expect(first.stderr).toMatch(/import run \d+ failed: .*(Connection terminated|ECONNRESET|connect).*run the same import again to resume/);

    const second = await cli(file, 'fault-b');
    expect(second.code).toBe(0);
    const result = JSON.parse(second.stdout);
    const after = await stored('fault-b');
    const report = {
      injected: { ...fault, refusedConnections: proxy.refused - refused0 }, firstRun: { exitCode: first.code, seconds: firstSeconds, error: first.stderr.trim().split('\n').find((l) => /import run/.test(l))?.slice(0, 300), rowsCommitted: committed.rows },
      rerun: { status: result.status, inserted: result.inserted, duplicates: result.duplicates, unchanged: result.unchanged, retriedBatches: result.retriedBatches ?? 0 }, stored: after, lost: N - after.rows, duplicated: after.rows - after.ids,
    };
    process.stdout.write(`ingest fault test (long outage, re-run): ${JSON.stringify(report)}\n`);

    expect(fault?.cutConnections).toBeGreaterThan(0);
    // Whole batches only: what the failed run left is the batches it committed.
    expect(committed.rows % 5000).toBe(0);
    expect(committed.rows).toBeGreaterThanOrEqual(5000);
    // The re-run leaves what was written alone and writes the rest once.
    expect(result).toMatchObject({ status: 'completed', totalRows: N, unchanged: committed.rows, updated: 0, rejected: 0 });
    expect(result.inserted + result.duplicates).toBe(N - committed.rows);
    expect(after).toEqual({ rows: N, ids: N, duplicates: N / 10, duplicatesofprevious: N / 10 });
  }, 200_000);
});
