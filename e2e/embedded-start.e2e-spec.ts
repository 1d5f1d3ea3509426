import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envWithoutServices, freePort, startNode } from './support/processes.js';

async function gql(base: string, query: string, token?: string): Promise<any> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

/** The Quickstart path: `npm start` with no DATABASE_URL / REDIS_URL (embedded PGlite, queue on PGlite). */
describe('embedded start (no DATABASE_URL, no REDIS_URL)', () => {
  it('boots, seeds the default market in under a minute, serves GraphQL and the console, stops cleanly and restarts on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'matchlab-embedded-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = envWithoutServices({ MATCHLAB_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development' });
    const started = Date.now();
    const api = startNode(['dist/apps/api/src/main.js', '--with-worker'], env);
    try {
      await api.waitFor(/Matchlab API on http:\/\/localhost:\d+\/graphql/, 90_000);
      const health = await fetch(`${base}/healthz`).then((r) => r.json());
      expect(health).toMatchObject({ status: 'ok', queueBackend: 'postgres', checks: { database: { status: 'up' } } });

      const consolePage = await fetch(`${base}/console/`);
      expect(consolePage.status).toBe(200);
      expect(await consolePage.text()).toContain('<div id="root">');

      // The seed job runs on the in-process worker; the market appears within a minute of boot.
      let total = 0;
      while (Date.now() - started < 120_000) {
        const res = await gql(base, '{ jobs { totalCount } }');
        total = res.data?.jobs?.totalCount ?? 0;
        if (total >= 5000) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      const seedSeconds = (Date.now() - started) / 1000;
      process.stdout.write(`embedded start: ${total} jobs seeded ${seedSeconds.toFixed(1)} s after launch\n`);
      expect(total).toBe(5000);
      expect(seedSeconds).toBeLessThan(90);

      const password = /password: (\S+)/.exec(readFileSync(join(dataDir, 'admin-credentials.txt'), 'utf8'))![1];
      const login = await gql(base, `mutation { login(email: "admin@matchlab.local", password: "${password}") { token } }`);
      const token = login.data.login.token as string;
      // Jobs land first; the seed job goes on writing interactions (in batches) for a while. It is finished when the
      // count stops moving: a SIGTERM before that would have to wait for it to drain.
      let counts = await gql(base, '{ candidates { totalCount } interactions(limit: 1) { totalCount } }', token);
      for (let stable = 0, last = -1; stable < 3 && Date.now() - started < 150_000; ) {
        await new Promise((r) => setTimeout(r, 1000));
        counts = await gql(base, '{ candidates { totalCount } interactions(limit: 1) { totalCount } }', token);
        const n = counts.data.interactions.totalCount as number;
        stable = n === last && n > 0 ? stable + 1 : 0;
        last = n;
      }
      expect(counts.data.candidates.totalCount).toBe(2000);
      expect(counts.data.interactions.totalCount).toBeGreaterThan(1000);

      expect(await api.stop('SIGTERM')).toBe(0);
    } finally {
      await api.stop('SIGKILL');
    }

    // Second boot on the same directory: data kept, nothing seeded twice.
    const again = startNode(['dist/apps/api/src/main.js', '--with-worker'], env);
    try {
      await again.waitFor(/Matchlab API on/, 60_000);
      await new Promise((r) => setTimeout(r, 2000));
      const res = await gql(base, '{ jobs { totalCount } }');
      expect(res.data.jobs.totalCount).toBe(5000);
      expect(again.output()).not.toContain('Created admin');
      expect(await again.stop('SIGTERM')).toBe(0);
    } finally {
      await again.stop('SIGKILL');
    }
  }, 240_000);
});
