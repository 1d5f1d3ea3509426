import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startApi, type ApiProcess } from '../libs/training/test/api-process.js';
import { FIXTURE_END, insertMarket } from '../libs/training/test/market-fixture.js';
import { startNode, type RunningProcess } from './support/processes.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

interface Sample { api: number; sentAt: number; doneAt: number; version?: number; error?: string }

/**
 * Acceptance: two API processes (built server, same database, and Redis when REDIS_URL is set; otherwise the
 * Postgres key-value store's poller carries the registry events) serve recommend(modelRef: "m@champion") in a
 * loop while the alias moves; both switch within 5 seconds and no request fails.
 */
describe('two API processes follow an alias move with zero failed requests', () => {
  let db: TestDatabase;
  const apis: ApiProcess[] = [];
  let worker: RunningProcess | undefined;
  let token: string;
  let candidate: string;

  beforeAll(async () => {
    db = await createTestDatabase('model_switch');
    await insertMarket(db.url);
    const env = appEnv(db, { LOG_LEVEL: 'warn' });
    worker = startNode(['dist/apps/worker/src/main.js'], { ...env, LOG_LEVEL: 'info' });
    // One after the other: two first starts at once race to create the admin user (duplicate key).
    apis.push(await startApi(env));
    apis.push(await startApi(env));
    await worker.waitFor(/Matchlab worker ready/, 90_000);
    token = await apis[0]!.login();
    const gql = (q: string, v: Record<string, unknown> = {}) => apis[0]!.gql(q, v, token);
    const reg = await gql('mutation { registerModel(input: { name: "m", strategy: "als", gate: { protectedAliases: [] } }) { name } }');
    expect(reg.errors).toBeUndefined();
    for (const params of ['{"factors":4,"iterations":3}', '{"factors":16,"iterations":5}']) {
      const started = await gql('mutation($p: String!, $c: DateTime!) { startTraining(input: { model: "m", params: $p, cutoff: $c }) { id } }', { p: params, c: FIXTURE_END.toISOString() });
      expect(started.errors).toBeUndefined();
      const id = started.data.startTraining.id;
      let job: any;
      for (let i = 0; i < 600; i++) {
        job = (await gql('query($id: ID!) { trainingJob(id: $id) { status error version } }', { id })).data.trainingJob;
        if (job.status !== 'queued' && job.status !== 'running') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(job).toMatchObject({ status: 'completed', error: null });
    }
    expect((await gql('mutation { setAlias(input: { model: "m", alias: "champion", version: 1 }) { version { version } } }')).errors).toBeUndefined();
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    candidate = (await c.query(`SELECT id::text FROM candidates WHERE consent_training ORDER BY id LIMIT 1`)).rows[0].id;
    await c.end();
  }, 240_000);

  afterAll(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    await worker?.stop();
    await db?.drop();
  });

  /** Requests from both processes (2 in flight each) until stopped; every response recorded. */
  function load(samples: Sample[]) {
    let running = true;
    const loops = apis.flatMap((api, a) =>
      [0, 1].map(async () => {
        while (running) {
          const sentAt = Date.now();
          try {
            const r = await api.gql(`query($c: ID!) { recommend(candidateId: $c, k: 5, modelRef: "m@champion") { version items { position job { id } } } }`, { c: candidate }, token);
            const ok = !r.errors && r.data?.recommend?.items?.length === 5;
            samples.push({ api: a, sentAt, doneAt: Date.now(), version: r.data?.recommend?.version, ...(ok ? {} : { error: JSON.stringify(r.errors ?? r.data) }) });
          } catch (err) {
            samples.push({ api: a, sentAt, doneAt: Date.now(), error: (err as Error).message });
          }
        }
      }),
    );
    return async () => {
      running = false;
      await Promise.all(loops);
    };
  }

  /** Per process: ms from the move until the first response of the new version after which no old one came. */
  function switchTimes(samples: Sample[], movedAt: number, to: number): number[] {
    return apis.map((_, a) => {
      const mine = samples.filter((s) => s.api === a && s.sentAt >= movedAt).sort((x, y) => x.sentAt - y.sentAt);
      const lastOld = mine.map((s) => s.version !== to).lastIndexOf(true);
      const first = mine[lastOld + 1];
      return first ? first.sentAt - movedAt : Infinity;
    });
  }

  async function moveAndMeasure(move: () => Promise<void>, from: number, to: number): Promise<number[]> {
    const samples: Sample[] = [];
    const stop = load(samples);
    try {
      // warm: both processes serve the current version
      const warmEnd = Date.now() + 10_000;
      while (Date.now() < warmEnd && !apis.every((_, a) => samples.some((s) => s.api === a && s.version === from))) await new Promise((r) => setTimeout(r, 50));
      const movedAt = Date.now();
      await move();
      const end = movedAt + 8_000;
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        const times = switchTimes(samples, movedAt, to);
        // settled: both switched and have served the new version for a further second
        if (times.every((t) => Number.isFinite(t) && Date.now() - movedAt - t > 1000)) break;
      }
      await stop();
      const failures = samples.filter((s) => s.error);
      expect(failures).toEqual([]);
      expect(samples.length).toBeGreaterThan(50);
      const times = switchTimes(samples, movedAt, to);
      process.stdout.write(`alias move ${from} → ${to}: ${samples.length} requests, 0 failed; switch after ${times.map((t) => `${t} ms`).join(' and ')} (api 1, api 2)\n`);
      return times;
    } finally {
      await stop();
    }
  }

  it('promote v2 to champion: both processes serve v2 within 5 s, no request fails', async () => {
    const times = await moveAndMeasure(async () => {
      const r = await apis[0]!.gql('mutation { setAlias(input: { model: "m", alias: "champion", version: 2, reason: "switch test" }) { version { version } } }', {}, token);
      expect(r.errors).toBeUndefined();
    }, 1, 2);
    for (const t of times) expect(t).toBeLessThan(5000);
  }, 60_000);

  it('roll back from the other process: both return to v1 within 5 s, no request fails', async () => {
    const times = await moveAndMeasure(async () => {
      const r = await apis[1]!.gql('mutation { rollbackAlias(model: "m", alias: "champion", reason: "switch back") { version } }', {}, token);
      expect(r.errors).toBeUndefined();
    }, 2, 1);
    for (const t of times) expect(t).toBeLessThan(5000);
  }, 60_000);
});
