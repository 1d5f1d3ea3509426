import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';
import { runCliCaptured } from '../run-cli-captured.js';

// The CLI, run in this process as `matchlab` would with the same environment, on a fresh database; no API or worker
// needed: the simulation writes its exposure batches with the same writer the worker uses.
describe('matchlab experiments and simulate experiment (CLI)', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]) => runCliCaptured(args, env);

  beforeAll(async () => {
    db = await createTestDatabase('cli_experiments');
    env = appEnv(db);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('creates from a JSON file, lists, starts, shows and concludes; a bad file is a typed error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exp-cli-'));
    const file = join(dir, 'exp.json');
    const def = { key: 'cli-ab', hypothesis: 'als wins', variants: [{ key: 'control', weight: 0.5, modelRef: 'jobs-pop@champion' }, { key: 'treatment', weight: 0.5, strategy: { name: 'als' } }], coverage: 0.5, primaryMetric: 'click_rate' };
    writeFileSync(file, JSON.stringify(def));
    const created = await run(['experiments', 'create', '--file', file, '--json']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ key: 'cli-ab', status: 'draft', coverage: 0.5 });
    writeFileSync(file, JSON.stringify({ ...def, key: 'cli-bad', variants: [{ key: 'a', weight: 0.7, modelRef: 'm@x' }, { key: 'b', weight: 0.7, modelRef: 'm@y' }] }));
    const bad = await run(['experiments', 'create', '--file', file]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('WEIGHTS_NOT_SUMMING_TO_ONE');
    expect((await run(['experiments', 'start', 'cli-ab'])).stdout).toMatch(/cli-ab\s+running\s+phase 1/);
    expect((await run(['experiments', 'list'])).stdout).toMatch(/cli-ab\s+running/);
    const shown = await run(['experiments', 'show', 'cli-ab']);
    expect(shown.stdout).toMatch(/phase 1: seed cli-ab:1:/);
    expect(shown.stdout).toMatch(/control\s+0\s+0\s+0/);
    const concluded = await run(['experiments', 'conclude', 'cli-ab', '--decision', 'inconclusive', '--note', 'too short', '--json']);
    expect(JSON.parse(concluded.stdout).experiment).toMatchObject({ status: 'concluded', decision: 'inconclusive', decisionNote: 'too short' });
  });

  it('bandits: a missing exploration floor is a typed error; allocation shows and refreshes epochs; ope needs logged lists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exp-cli-'));
    const file = join(dir, 'bandit.json');
    const def = { key: 'cli-bandit', type: 'bandit', variants: [{ key: 'a', weight: 0.6, modelRef: 'jobs-pop@champion' }, { key: 'b', weight: 0.4, modelRef: 'jobs-pop@challenger' }], primaryMetric: 'click_rate' };
    writeFileSync(file, JSON.stringify(def));
    const missing = await run(['experiments', 'create', '--file', file]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('EXPLORATION_FLOOR_REQUIRED');
    writeFileSync(file, JSON.stringify({ ...def, bandit: { explorationFloor: 0.5 } }));
    expect((await run(['experiments', 'create', '--file', file])).stderr).toContain('INVALID_EXPLORATION_FLOOR');
    writeFileSync(file, JSON.stringify({ ...def, bandit: { explorationFloor: 0.1 } }));
    expect((await run(['experiments', 'create', '--file', file])).code).toBe(0);
    expect((await run(['experiments', 'start', 'cli-bandit'])).code).toBe(0);
    const shown = await run(['experiments', 'allocation', 'cli-bandit']);
    expect(shown.stdout).toMatch(/epoch 0 of phase 1, .* \(initial weights\)/);
    expect(shown.stdout).toMatch(/a\s+0\.6000\s+–\s+0\s+0\s+–/);
    const refreshed = JSON.parse((await run(['experiments', 'allocation', 'cli-bandit', '--refresh', '--history', '1', '--json'])).stdout);
    expect(refreshed.map((e: any) => e.epoch)).toEqual([1, 0]);
    // No data yet: both arms equally likely to be best, each well above the floor.
    expect(refreshed[0].arms.map((x: any) => x.trials)).toEqual([0, 0]);
    for (const x of refreshed[0].arms) expect(Math.abs(x.probability - 0.5)).toBeLessThan(0.03);
    const ope = await run(['experiments', 'ope', 'cli-bandit', '--target', 'a']);
    expect(ope.code).not.toBe(0);
    expect(ope.stderr).toContain('INSUFFICIENT_DATA');
    expect((await run(['experiments', 'ope', 'cli-bandit', '--target', 'zzz'])).stderr).toContain('INVALID_INPUT');
  }, 240_000);

  it('simulate experiment runs assignment, serving, behaviour, logging and analysis end to end', async () => {
    const r = await run(['simulate', 'experiment', '--control', 'popularity', '--treatment', 'als', '--units', '80', '--days', '2', '--seed', '5', '--key', 'sim-cli', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rankings).toBe(160);
    expect(out.items).toBe(160 * 20);
    const byVariant = Object.fromEntries(out.variants.map((v: any) => [v.variant, v]));
    expect(byVariant.control.units + byVariant.treatment.units).toBe(80);
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const exposures = Number((await sql.query(`SELECT count(*) FROM experiment_exposure_items WHERE experiment_key = 'sim-cli'`)).rows[0].count);
      expect(exposures).toBe(3200);
      const attributed = (await sql.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE type = 'click')::int AS clicks FROM interactions WHERE experiment_key = 'sim-cli'`)).rows[0];
      expect(attributed.n).toBe(out.interactions);
      expect(attributed.clicks).toBe(byVariant.control.clicks + byVariant.treatment.clicks);
      expect(attributed.clicks).toBeGreaterThan(0);
      expect((await sql.query(`SELECT status FROM experiments WHERE key = 'sim-cli'`)).rows[0].status).toBe('stopped');
    } finally {
      await sql.end();
    }
  });
});
