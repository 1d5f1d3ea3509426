import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrations } from './migrate.js';

const base = process.env['DATABASE_URL'];
const hasTools = (() => {
  try {
    execFileSync('pg_dump', ['--version']);
    execFileSync('pg_restore', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

/** Row count of every table in `public`, by name. */
async function tableCounts(url: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables: Array<{ t: string }> = (await c.query(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows;
    const out: Record<string, number> = {};
    for (const { t } of tables) out[t] = Number((await c.query(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
    return out;
  } finally {
    await c.end();
  }
}

/**
 * The README's backup/restore procedure, run for real: `pg_dump -Fc` of a migrated, populated database, `pg_restore`
 * into a new empty database, then every table has the same rows, sequences continue, and `runMigrations` finds nothing
 * to do. Needs a real PostgreSQL (DATABASE_URL) and the client tools; skipped otherwise (the embedded mode is backed
 * up by copying its data directory while it is stopped, see README).
 */
(base && hasTools ? describe : describe.skip)('backup and restore (pg_dump -Fc / pg_restore)', () => {
  const stamp = `${process.pid}_${Date.now().toString(36)}`;
  const names = { src: `matchlab_backup_src_${stamp}`, dst: `matchlab_backup_dst_${stamp}` };
  const urlOf = (name: string) => {
    const u = new URL(base!);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const dir = mkdtempSync(join(tmpdir(), 'matchlab-backup-'));
  const admin = () => new pg.Client({ connectionString: base });

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE ${names.src}`);
    await c.end();
    await runMigrations(urlOf(names.src));
    const s = new pg.Client({ connectionString: urlOf(names.src) });
    await s.connect();
    const company = (await s.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme') RETURNING id`)).rows[0].id;
    await s.query(
      `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, skills, posted_at, content_hash, salary_annual_min, salary_annual_max, seniority)
       SELECT 'test', 'j' || g, $1, 'Engineer ' || g, 'engineer', '{sql}', now(), md5(g::text), 40000 + g * 100, 60000 + g * 100, 'mid' FROM generate_series(1, 50) g`,
      [company],
    );
    await s.query(`INSERT INTO candidates (source, external_id, desired_titles, skills, preferences, consent_alerts, consent_training) SELECT 'test', 'c' || g, '{engineer}', '{sql}', '{}', true, true FROM generate_series(1, 30) g`);
    await s.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) SELECT 'e' || c.id || '-' || j.id, c.id, j.id, 'impression', now() FROM candidates c CROSS JOIN jobs j WHERE j.id % 5 = c.id % 5`);
    await s.query(`INSERT INTO candidate_protected_attributes (candidate_id, attribute, value, consent_at) SELECT id, 'gender', CASE WHEN id % 2 = 0 THEN 'female' ELSE 'male' END, now() FROM candidates`);
    await s.end();
  }, 120_000);

  afterAll(async () => {
    const c = admin();
    await c.connect();
    for (const n of Object.values(names)) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
    await c.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores every table with its rows into a new database that needs no migration and keeps its sequences', async () => {
    const file = join(dir, 'matchlab.dump');
    execFileSync('pg_dump', ['-Fc', '--no-owner', '-f', file, urlOf(names.src)]);
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE ${names.dst}`);
    await c.end();
    execFileSync('pg_restore', ['--no-owner', '--exit-on-error', '-d', urlOf(names.dst), file]);
    const [src, dst] = [await tableCounts(urlOf(names.src)), await tableCounts(urlOf(names.dst))];
    expect(dst).toEqual(src);
    expect(src['interactions']).toBe(300);
    expect(src['migrations']).toBeGreaterThan(20);
    expect(await runMigrations(urlOf(names.dst))).toEqual([]);
    const d = new pg.Client({ connectionString: urlOf(names.dst) });
    await d.connect();
    const next = (await d.query(`INSERT INTO candidates (source, external_id, desired_titles, skills, preferences, consent_alerts, consent_training) VALUES ('test', 'after-restore', '{}', '{}', '{}', false, false) RETURNING id::int AS id`)).rows[0].id;
    await d.end();
    expect(next).toBe(31);
    console.log(`backup/restore: pg_dump -Fc (${statSync(file).size} bytes) → pg_restore into a new database: ${Object.keys(src).length} tables, identical row counts (${src['jobs']} jobs, ${src['candidates']} candidates, ${src['interactions']} interactions, ${src['candidate_protected_attributes']} protected attributes, ${src['migrations']} migrations), no pending migration, next candidate id ${next}`);
  }, 120_000);
});
