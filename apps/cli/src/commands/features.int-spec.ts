import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_END, insertMarket } from '../../../../libs/training/test/market-fixture.js';
import { dropOnlineKeys } from '../../../../libs/features/test/redis-cleanup.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';

// The built CLI (jest's global setup builds it), run asynchronously: with embedded PGlite this process serves the database.
const CLI = 'dist/apps/cli/src/main.js';

describe('matchlab features (built CLI)', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const dir = mkdtempSync(join(tmpdir(), 'matchlab-features-cli-'));
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('node', [CLI, 'features', ...args], { env, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    db = await createTestDatabase('cli_features');
    await insertMarket(db.url);
    env = appEnv(db);
  }, 120_000);
  afterAll(async () => {
    await dropOnlineKeys(env?.['QUEUE_PREFIX']);
    await db?.drop();
  });

  it('computes in this process when no worker serves the queue, then lists views and services', async () => {
    const r = await run(['compute', '--as-of', FIXTURE_END.toISOString(), '--backfill-days', '3', '--json']);
    expect(r.code).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job).toMatchObject({ kind: 'compute', status: 'completed', mode: 'in-process' });
    expect(job.result.views.find((v: any) => v.view === 'candidate_engagement')).toMatchObject({ steps: 4 });
    const list = JSON.parse((await run(['list', '--json'])).stdout);
    expect(list.views.map((v: any) => `${v.name}/${v.version}`)).toContain('job_text/1');
    expect(list.services.find((s: any) => s.name === 'job_alert_ranker')).toMatchObject({ version: 1, current: true });
    const human = await run(['list']);
    expect(human.stdout).toMatch(/job_alert_ranker\/1\s+\*\s+\d+ features/);
  }, 120_000);

  it('exports a CSV training set from impressions and ranks features', async () => {
    const out = join(dir, 'train.csv');
    const r = await run(['export', '--service', 'job_alert_ranker', '--from', new Date(FIXTURE_END.getTime() - 3 * 86_400_000).toISOString(), '--to', FIXTURE_END.toISOString(), '--out', out, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(s.rows + 1);
    expect(lines[0]).toMatch(/^candidate_id,job_id,timestamp,label,candidate_profile\.experience_log,/);
    expect(s.statisticsRecorded).toBe(true);
    const rank = JSON.parse((await run(['rank', '--service', 'job_alert_ranker', '--from', new Date(FIXTURE_END.getTime() - 3 * 86_400_000).toISOString(), '--to', FIXTURE_END.toISOString(), '--json'])).stdout);
    expect(rank.rows).toBe(s.rows);
    expect(rank.ranking.length).toBeGreaterThan(20);
    expect(rank.ranking[0].mutualInformation).toBeGreaterThanOrEqual(rank.ranking.at(-1).mutualInformation);
  }, 120_000);

  it('materialises, reads online values with their age, and checks drift', async () => {
    const m = await run(['materialize', '--service', 'job_alert_ranker', '--json']);
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ kind: 'materialize', status: 'completed' });
    const online = JSON.parse((await run(['online', '--service', 'job_alert_ranker', '--entity', 'job', '--ids', '1,2', '--json'])).stdout);
    expect(online.rows).toHaveLength(2);
    const i = online.features.indexOf('job_attributes.salary_log');
    expect(online.rows[0].status[i]).toBe('present');
    expect(online.rows[0].ages[i]).toBeGreaterThan(0);
    const drift = await run(['drift', '--service', 'job_alert_ranker', '--json']);
    expect(drift.code).toBe(0);
    expect(JSON.parse(drift.stdout).find((d: any) => d.feature === 'job_attributes.salary_log')).toMatchObject({ service: 'job_alert_ranker', version: 1 });
  }, 120_000);

  it('names bad input in one line and exits 1', async () => {
    const labels = join(dir, 'labels.jsonl');
    writeFileSync(labels, `${JSON.stringify({ candidate_id: 1, job_id: 1, timestamp: FIXTURE_END.toISOString(), label: 1 })}\n${JSON.stringify({ candidate_id: 2, job_id: 1, label: 0 })}\n`);
    const r = await run(['export', '--service', 'job_alert_ranker', '--labels', labels, '--out', join(dir, 'x.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('matchlab: training-set row 1 has no timestamp: point-in-time features need the time each label was observed\n');
    const unknown = await run(['online', '--service', 'nope', '--ids', '1']);
    expect(unknown.stderr).toBe('matchlab: unknown feature service "nope"\n');
    const neither = await run(['online', '--ids', '1']);
    expect([neither.code, neither.stderr]).toEqual([1, 'matchlab: give either --service or --model\n']);
    const noModel = await run(['online', '--model', 'no-such-model/1', '--ids', '1']);
    expect([noModel.code, noModel.stderr]).toEqual([1, 'matchlab: model no-such-model not found\n']);
    const view = await run(['compute', '--views', 'nope']);
    expect(view.stderr).toBe('matchlab: unknown feature view "nope"\n');
  }, 60_000);
});
