import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, startNode, type RunningProcess } from './support/processes.js';
import { redisUrlOrSkip } from './support/services.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * Scale-out (issue 14 item 4): two API processes (as behind a load balancer without sticky sessions) and two worker
 * processes on one PostgreSQL and one Redis. What one API process does is seen by the other at once — a session
 * token, an API key's revocation, the shared rate-limit budget — and the workers register the repeatable schedules
 * once between them and run each job once. (Throughput and identical results for 1, 2, 4 workers:
 * bench/scale-out.bench.mjs.)
 */
describe('two API processes and two workers on one PostgreSQL and Redis', () => {
  const redisUrl = redisUrlOrSkip('scale-out e2e (two API and two worker processes on Redis)');
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const apis: Array<{ proc: RunningProcess; port: number }> = [];
  const workers: RunningProcess[] = [];
  const KEY_BUDGET = 6;

  beforeAll(async () => {
    if (!redisUrl) return;
    db = await createTestDatabase('scaleout');
    env = { ...appEnv(db, { LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0', RATE_LIMIT_PER_API_KEY: String(KEY_BUDGET) }), REDIS_URL: redisUrl };
    delete env['QUEUE_DATABASE_URL'];
    // Each process has its own data dir, as on separate machines: only AUTH_SECRET (in env) is shared.
    const own = () => ({ ...env, MATCHLAB_DATA_DIR: `${env['MATCHLAB_DATA_DIR']}-${Math.random().toString(36).slice(2)}` });
    for (let i = 0; i < 2; i++) workers.push(startNode(['dist/apps/worker/src/main.js'], own()));
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      apis.push({ proc: startNode(['dist/apps/api/src/main.js'], { ...own(), PORT: String(port) }), port });
    }
    await Promise.all([...workers.map((w) => w.waitFor(/Matchlab worker ready/)), ...apis.map((a) => a.proc.waitFor(/Matchlab API on/))]);
  }, 120_000);

  afterAll(async () => {
    for (const a of apis) await a.proc.stop();
    for (const w of workers) await w.stop();
    await db?.drop();
  });

  const gql = async (api: number, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://127.0.0.1:${apis[api]!.port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return { status: res.status, body: (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
  };

  it('a session token from one API process works on the other; a key revoked on one is refused by the other at once; the per-key budget is shared', async () => {
    if (!redisUrl) return;
    const login = await gql(0, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: 'admin@matchlab.local', p: 'admin-password-1' });
    const bearer = { authorization: `Bearer ${login.body.data.login.token}` };
    const me = await gql(1, '{ apiKeys { prefix } }', {}, bearer);
    expect(me.body.errors).toBeUndefined();

    const create = async (name: string) => (await gql(1, 'mutation($n: String!) { createApiKey(name: $n, role: analyst) { key apiKey { prefix } } }', { n: name }, bearer)).body.data.createApiKey as { key: string; apiKey: { prefix: string } };
    const asKey = (api: number, key: string) => gql(api, '{ jobs(limit: 1) { totalCount } }', {}, { 'x-api-key': key });

    // Revocation: the key is cached by both processes after a use; revoking it on API 1 clears API 0's cache too.
    const revoked = await create('revoked-elsewhere');
    expect((await asKey(0, revoked.key)).body.errors).toBeUndefined();
    expect((await asKey(1, revoked.key)).body.errors).toBeUndefined();
    expect((await gql(1, 'mutation($p: String!) { revokeApiKey(prefix: $p) }', { p: revoked.apiKey.prefix }, bearer)).body.data.revokeApiKey).toBe(true);
    let refused: Awaited<ReturnType<typeof asKey>> | undefined;
    const t0 = Date.now();
    for (; Date.now() - t0 < 2000; await new Promise((r) => setTimeout(r, 25))) {
      refused = await asKey(0, revoked.key);
      if (refused.body.errors) break;
    }
    expect(refused!.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const revokeSeenMs = Date.now() - t0;

    // Rate limit: one budget of KEY_BUDGET requests per window for the key, whichever process serves them.
    const budget = await create('shared-budget');
    const statuses: number[] = [];
    for (let i = 0; i < KEY_BUDGET + 2; i++) statuses.push((await asKey(i % 2, budget.key)).status);
    expect(statuses.slice(0, KEY_BUDGET)).toEqual(Array(KEY_BUDGET).fill(200));
    expect(statuses.slice(KEY_BUDGET)).toEqual([429, 429]);
    process.stdout.write(`scale-out e2e: revocation on API 1 refused by API 0 after ${revokeSeenMs} ms; per-key budget ${KEY_BUDGET} across both APIs: ${statuses.join(',')}\n`);
  }, 60_000);

  it('the two workers register each repeatable schedule once and run each job once', async () => {
    if (!redisUrl) return;
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const alerts = new Queue('alerts', { connection, prefix: env['QUEUE_PREFIX'] });
    const schedulers = await alerts.getJobSchedulers();
    expect(schedulers.filter((s) => s.key === 'alerts-tick')).toHaveLength(1);

    const maintenance = new Queue('maintenance', { connection, prefix: env['QUEUE_PREFIX'] });
    const jobs = await maintenance.addBulk(Array.from({ length: 20 }, (_, i) => ({ name: 'expire-jobs', data: { n: i } })));
    const done = async () => Promise.all(jobs.map(async (j) => (await maintenance.getJob(j.id!))!));
    let finished = await done();
    for (let i = 0; i < 200 && !finished.every((j) => j.finishedOn); i++) {
      await new Promise((r) => setTimeout(r, 100));
      finished = await done();
    }
    expect(finished.map((j) => j.attemptsStarted ?? j.attemptsMade)).toEqual(Array(20).fill(1));
    expect(finished.every((j) => j.finishedOn && !j.failedReason)).toBe(true);
    await alerts.close();
    await maintenance.close();
    connection.disconnect();
  }, 60_000);
});
