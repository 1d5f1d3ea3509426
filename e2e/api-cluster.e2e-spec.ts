import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { postgresUrlOrSkip } from './support/faults.js';
import { freePort, startNode, type RunningProcess } from './support/processes.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * API_PROCESSES=2 (apps/api/src/cluster.ts): one supervisor, two API processes on one port. Both serve requests; a
 * child that dies is replaced while the other keeps answering; SIGTERM stops everything with exit code 0.
 */
describe('API_PROCESSES=2: two API processes share the port', () => {
  const pgUrl = postgresUrlOrSkip('API cluster e2e (two API processes need a shared PostgreSQL)');
  let db: TestDatabase;
  let api: RunningProcess;
  let port: number;

  const children = (): number[] =>
    execFileSync('ps', ['-o', 'pid=', '--ppid', String(api.proc.pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  const count = (pattern: RegExp) => api.output().match(new RegExp(pattern.source, 'g'))?.length ?? 0;
  const untilCount = async (pattern: RegExp, n: number) => {
    for (let i = 0; i < 600 && count(pattern) < n; i++) await new Promise((r) => setTimeout(r, 100));
    expect(count(pattern)).toBeGreaterThanOrEqual(n);
  };
  const once = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }), signal: AbortSignal.timeout(5000) });
    return res.status;
  };
  /** A request as a client behind a load balancer makes it: a connection that the killed process held fails (reset or
   * silence until the timeout) and is retried on a new one. */
  const typename = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once();
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  };

  beforeAll(async () => {
    if (!pgUrl) return;
    db = await createTestDatabase('apicluster');
    port = await freePort();
    api = startNode(['dist/apps/api/src/main.js'], appEnv(db, { LOG_LEVEL: 'warn', PORT: String(port), API_PROCESSES: '2' }));
    await api.waitFor(/2 processes sharing the port/);
    await untilCount(/Matchlab API on/, 2);
  }, 120_000);

  afterAll(async () => {
    if (api && api.proc.exitCode === null) await api.stop();
    await db?.drop();
  });

  it('serves from two processes, replaces one that dies, and stops cleanly', async () => {
    if (!pgUrl) return;
    const first = children();
    expect(first).toHaveLength(2);
    const statuses = await Promise.all(Array.from({ length: 20 }, typename));
    expect(statuses.every((s) => s === 200)).toBe(true);

    process.kill(first[0]!, 'SIGKILL');
    // the other process keeps answering while the supervisor starts a replacement
    expect(await typename()).toBe(200);
    await api.waitFor(/exited \(SIGKILL\); starting another/);
    await untilCount(/Matchlab API on/, 3);
    const now = children();
    expect(now).toHaveLength(2);
    expect(now).toContain(first[1]);
    expect(now).not.toContain(first[0]);
    expect(await typename()).toBe(200);

    expect(await api.stop('SIGTERM')).toBe(0);
    for (const pid of now) expect(() => process.kill(pid, 0)).toThrow(); // every child is gone
  }, 120_000);
});
