import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuthCoreModule } from '@app/auth';
import { QueueNames } from '@app/queue';
import { prepareRuntime, RuntimeModule, type Runtime } from '@app/runtime';
import { TelemetryModule } from '@app/telemetry';
import { FirstRun } from '../../../apps/api/src/first-run.js';
import { SimulationProcessor } from '../../../apps/worker/src/processors/simulation.processor.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { SEED_JOB_ID, SEED_JOB_NAME, SimulatorModule } from './index.js';

/** The API's first-run hook and the worker's simulation processor, without the rest of the apps. */
@Module({})
class SeedTestModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: SeedTestModule,
      imports: [RuntimeModule.forRoot(runtime), TelemetryModule, AuthCoreModule, SimulatorModule],
      providers: [FirstRun, SimulationProcessor],
    };
  }
}

describe('first-run seed job on the simulation queue', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase('seedjob');
    const env = appEnv(db, { MATCHLAB_SEED_ON_START: 'true', MATCHLAB_SEED_CANDIDATES: '40', MATCHLAB_SEED_JOBS: '80', MATCHLAB_SEED_DAYS: '2' });
    const runtime = await prepareRuntime(env);
    app = await NestFactory.createApplicationContext(SeedTestModule.forRoot(runtime), { logger: ['error'] });
    close = async () => {
      await app.close();
      await runtime.endpoint.close();
    };
  }, 180_000); // PGlite start-up is slow on a busy 2-core machine
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('seeds the configured market once, with progress 100, and a second enqueue is a no-op', async () => {
    const queue = app.get<Queue>(getQueueToken(QueueNames.simulation));
    let state = '';
    for (let i = 0; i < 480 && state !== 'completed' && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      state = (await (await queue.getJob(SEED_JOB_ID))?.getState()) ?? 'missing';
    }
    const job = (await queue.getJob(SEED_JOB_ID))!;
    expect({ state, progress: job.progress }).toEqual({ state: 'completed', progress: 100 });
    expect(job.returnvalue).toMatchObject({ seed: 1, jobs: 80, candidates: 40, created: true });

    const ds = app.get(DataSource);
    const [counts] = await ds.query(`SELECT (SELECT count(*)::int FROM jobs) AS jobs, (SELECT count(*)::int FROM candidates) AS candidates, (SELECT count(*)::int FROM sim_markets) AS markets`);
    expect(counts).toEqual({ jobs: 80, candidates: 40, markets: 1 });

    // What a second process would do on its first start: the fixed job id makes the enqueue a no-op.
    const again = await queue.add(SEED_JOB_NAME, { seed: 1, candidates: 40, jobs: 80, days: 2 }, { jobId: SEED_JOB_ID });
    expect(again.id).toBe(SEED_JOB_ID);
    const all = await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
    expect(all.filter((j) => j.name === SEED_JOB_NAME)).toHaveLength(1);
  }, 150_000);
});
