import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort, startNode, type RunningProcess } from './support/processes.js';
import { redisUrlOrSkip } from './support/services.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

/** With DATABASE_URL and REDIS_URL set, the API and the worker run as separate processes sharing them. */
describe('api and worker as separate processes on Postgres and Redis', () => {
  const redisUrl = redisUrlOrSkip('api and worker as separate processes on Redis');
  let db: TestDatabase;
  let api: RunningProcess | undefined;
  let worker: RunningProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let port: number;

  beforeAll(async () => {
    if (!redisUrl) return;
    db = await createTestDatabase('procs');
    port = await freePort();
    env = { ...appEnv(db, { PORT: String(port), LOG_LEVEL: 'info' }), REDIS_URL: redisUrl };
    delete env['QUEUE_DATABASE_URL'];
    worker = startNode(['dist/apps/worker/src/main.js'], env);
    api = startNode(['dist/apps/api/src/main.js'], env);
    await Promise.all([worker.waitFor(/Matchlab worker ready/), api.waitFor(/Matchlab API on/)]);
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await db?.drop();
  });

  it('the worker process runs a job enqueued on Redis, and the API process serves the result', async () => {
    if (!redisUrl) return;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`
      INSERT INTO jobs (source, external_id, title, normalized_title, posted_at, expires_at, content_hash)
      VALUES ('t', 'old', 'Old job', 'old job', now() - interval '40 days', now() - interval '1 day', repeat('c', 40)),
             ('t', 'new', 'New job', 'new job', now(), now() + interval '30 days', repeat('d', 40))`);
    await client.end();

    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue('maintenance', { connection, prefix: env['QUEUE_PREFIX'] });
    const job = await queue.add('expire-jobs', {});
    let state = await job.getState();
    for (let i = 0; i < 100 && state !== 'completed' && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await job.getState();
    }
    expect(state).toBe('completed');
    const done = await queue.getJob(job.id!);
    expect(done?.returnvalue).toEqual({ expired: 1 });
    await queue.close();
    connection.disconnect();

    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ jobs(filter: { status: [expired] }) { totalCount items { externalId } } }' }),
    }).then((r) => r.json() as Promise<any>);
    expect(res.data.jobs).toEqual({ totalCount: 1, items: [{ externalId: 'old' }] });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json() as Promise<any>);
    expect(health).toMatchObject({ status: 'ok', queueBackend: 'redis', checks: { redis: { status: 'up', backend: 'redis' } } });
  });

  it('the worker drains and exits 0 on SIGTERM', async () => {
    if (!redisUrl) return;
    expect(await worker!.stop('SIGTERM')).toBe(0);
    expect(worker!.output()).toContain('worker shutting down');
  });
});
