import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

describe('embedded PGlite served over the wire protocol', () => {
  let dir: string;
  let server: EmbeddedPostgres;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'matchlab-pglite-'));
    server = await startEmbeddedPostgres(join(dir, 'db'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs different parameterised queries from many connections at once without mixing their prepared statements', async () => {
    const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: server.url, max: 4 }));
    await pools[0]!.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    // Each pool runs a different statement: if one connection's Bind hit another's Parse, results would mix or fail.
    const run = (i: number) => {
      const pool = pools[i % 3]!;
      if (i % 3 === 0) return pool.query('INSERT INTO t (id, v) VALUES ($1, $2) RETURNING id::text AS a, v AS b', [i, `v${i}`]);
      if (i % 3 === 1) return pool.query('SELECT ($1::int * 10)::text AS a, upper($2::text) AS b', [i, `w${i}`]);
      // Large messages arrive in several socket chunks: the case where batches used to interleave.
      return pool.query("SELECT $1::text || '!' AS a, length($2::text)::text AS b", [String(i), 'x'.repeat(200_000 + i)]);
    };
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => run(i)));
    const expected = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0 ? { a: String(i), b: `v${i}` } : i % 3 === 1 ? { a: String(i * 10), b: `W${i}` } : { a: `${i}!`, b: String(200_000 + i) },
    );
    expect(results.map((r) => r.rows[0])).toEqual(expected);
    const { rows } = await pools[1]!.query<{ n: string }>('SELECT count(*)::text AS n FROM t WHERE v LIKE $1', ['v%']);
    expect(rows[0]!.n).toBe('100');
    await Promise.all(pools.map((p) => p.end()));
  });

  it('keeps overlapping transactions on separate connections isolated (rollback of one keeps the other)', async () => {
    const a = new pg.Client({ connectionString: server.url });
    const b = new pg.Client({ connectionString: server.url });
    await a.connect();
    await b.connect();
    await a.query('CREATE TABLE tx (id int)');
    await a.query('BEGIN');
    await a.query('INSERT INTO tx VALUES ($1)', [1]);
    const bWork = (async () => {
      await b.query('BEGIN');
      await b.query('INSERT INTO tx VALUES ($1)', [2]);
      await b.query('COMMIT');
    })();
    await a.query('ROLLBACK');
    await bWork;
    const { rows } = await a.query('SELECT id FROM tx ORDER BY id');
    expect(rows).toEqual([{ id: 2 }]);
    await a.end();
    await b.end();
  });

  it('survives a failed statement and keeps serving other connections', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 3 });
    await expect(pool.query('SELECT * FROM no_such_table WHERE id = $1', [1])).rejects.toThrow('no_such_table');
    const ok = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.query<{ x: number }>('SELECT $1::int AS x', [i])));
    expect(ok.map((r) => r.rows[0]!.x)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await pool.end();
  });

  it('lets a second process-level caller reuse the running server instead of opening the directory twice', async () => {
    const again = await startEmbeddedPostgres(join(dir, 'db'));
    expect(again.owned).toBe(false);
    expect(again.url).toBe(server.url);
  });
});
