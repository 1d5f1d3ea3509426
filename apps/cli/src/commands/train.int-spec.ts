import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { FIXTURE_END, insertMarket } from '../../../../libs/training/test/market-fixture.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';

// Runs the built CLI (jest's global setup builds it) as a user would; asynchronously, because with embedded
// PGlite the database is served by this test process.
const CLI = 'dist/apps/cli/src/main.js';

describe('matchlab train and matchlab models (built CLI)', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('node', [CLI, ...args], { env, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    db = await createTestDatabase('cli_train');
    await insertMarket(db.url);
    env = appEnv(db);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('trains in this process when no worker serves the queue, registering the model on the fly', async () => {
    const r = await run(['train', '--model', 'm', '--strategy', 'popularity', '--cutoff', FIXTURE_END.toISOString(), '--follow', '--json']);
    expect(r.code).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job).toMatchObject({ status: 'completed', version: 1, mode: 'in-process', model: 'm', strategy: 'popularity' });
    const human = await run(['train', '--model', 'm', '--params', '{"binary":false}', '--cutoff', FIXTURE_END.toISOString(), '--follow']);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('no worker process serves the training queue: running job');
    expect(human.stdout).toMatch(/^job local-[0-9a-f-]+ completed: version m\/2\n$/);
  }, 120_000);

  it('shows lineage, promotes, rolls back and prints the alias history', async () => {
    const show = JSON.parse((await run(['models', 'show', 'm', '--json'])).stdout);
    expect(show.versions.map((v: any) => [v.version, v.params.binary, v.dataset.cutoff])).toEqual([[2, false, FIXTURE_END.toISOString()], [1, true, FIXTURE_END.toISOString()]]);
    expect(show.versions[0].dataset.rows.candidates).toBe(35);
    const champion = JSON.parse((await run(['models', 'promote', 'm', '1', '--json'])).stdout);
    expect(champion).toEqual({ model: 'm', alias: 'champion', version: 1, gateReason: 'alias champion is unset; first promotion' });
    expect((await run(['models', 'promote', 'm', '1', '--alias', 'challenger'])).code).toBe(0);
    const second = await run(['models', 'promote', 'm', '2', '--alias', 'challenger', '--reason', 'try it']);
    expect(second.stdout).toBe('m@challenger → version 2 (alias challenger is not protected)\n');
    const rollback = JSON.parse((await run(['models', 'rollback', 'm', '--alias', 'challenger', '--reason', 'worse online', '--json'])).stdout);
    expect(rollback).toEqual({ model: 'm', alias: 'challenger', version: 1 });
    const history = JSON.parse((await run(['models', 'history', 'm', '--json'])).stdout);
    expect(history.map((h: any) => [h.alias, h.action, h.fromVersion, h.toVersion, h.reason])).toEqual([
      ['champion', 'set', null, 1, ''],
      ['challenger', 'set', null, 1, ''],
      ['challenger', 'set', 1, 2, 'try it'],
      ['challenger', 'rollback', 2, 1, 'worse online'],
    ]);
    const list = JSON.parse((await run(['models', 'list', '--json'])).stdout);
    expect(list).toEqual([{ name: 'm', strategy: 'popularity', owner: expect.stringMatching(/^cli:/), versions: 2, latest: 2, aliases: { champion: 1, challenger: 1 } }]);
  }, 60_000);

  it('names bad input in one line and exits 1', async () => {
    const params = await run(['train', '--model', 'm', '--params', '{"binary":3}']);
    expect(params.code).toBe(1);
    expect(params.stderr).toBe('matchlab: popularity: invalid parameter binary: Invalid input: expected boolean, received number\n');
    const model = await run(['train', '--model', 'nope', '--follow']);
    expect(model.stderr).toBe('matchlab: model nope does not exist; pass --strategy to register it\n');
    const empty = await run(['train', '--model', 'm', '--cutoff', '2020-01-01T00:00:00Z', '--follow']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/failed \(EMPTY_TRAINING_SET\): no positive interactions before 2020-01-01T00:00:00.000Z/);
    const version = await run(['models', 'promote', 'm', 'two']);
    expect(version.stderr).toBe('matchlab: VERSION must be a positive integer, got "two"\n');
  }, 60_000);
});
