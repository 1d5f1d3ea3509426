import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '@app/migrations';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

/** How many of the latest migrations the "populated down/up" test reverts and re-applies. */
const LATEST_N = 5;

/** Rows of the main tables, keyed by table. */
async function counts(sql: pg.Client, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await sql.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  return out;
}

async function userTables(sql: pg.Client): Promise<string[]> {
  const r = await sql.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`);
  return r.rows.map((x: { tablename: string }) => x.tablename);
}

/** Tables that every migration after the first LATEST_N… leaves alone: created by the oldest migrations. */
const MAIN_TABLES = ['companies', 'jobs', 'candidates', 'resumes', 'interactions', 'users', 'currency_rates'];

/**
 * Every migration forward and back on a fresh database: a new database on DATABASE_URL's server (real PostgreSQL in
 * CI), otherwise an embedded PGlite. Populated before any `down`, so the down/up pairs run on real rows.
 */
describe('migrations round trip (up, populate, down N, up, down to zero, up)', () => {
  let url: string;
  let drop: () => Promise<void>;
  let ds: DataSource;
  let sql: pg.Client;
  let embedded: EmbeddedPostgres | undefined;

  beforeAll(async () => {
    const base = process.env['DATABASE_URL'];
    if (base) {
      const name = `matchlab_migrations_${process.pid}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(base);
      u.pathname = `/${name}`;
      url = u.toString();
      drop = async () => {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      };
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'matchlab-migrations-'));
      embedded = await startEmbeddedPostgres(join(dir, 'pglite'));
      url = embedded.url;
      drop = async () => {
        await embedded!.stop();
        rmSync(dir, { recursive: true, force: true });
      };
    }
    ds = new DataSource({ type: 'postgres', url, migrations, extra: { max: 1 }, logging: false });
    await ds.initialize();
    sql = new pg.Client({ connectionString: url });
  }, 120_000);

  afterAll(async () => {
    await sql?.end().catch(() => undefined);
    await ds?.destroy().catch(() => undefined);
    await drop?.();
  });

  const down = async (n: number): Promise<string[]> => {
    const reverted: string[] = [];
    for (let i = 0; i < n; i++) {
      const before: Array<{ name: string }> = await ds.query(`SELECT name FROM migrations ORDER BY timestamp DESC, id DESC LIMIT 1`);
      await ds.undoLastMigration({ transaction: 'each' });
      reverted.push(before[0]!.name);
    }
    return reverted;
  };

  it('applies every migration on a fresh database', async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => new m().name ?? m.name).sort((a, b) => Number(a.slice(-13)) - Number(b.slice(-13))));
    await sql.connect();
    expect(await userTables(sql)).toEqual(expect.arrayContaining(MAIN_TABLES));
  }, 120_000);

  it(`reverts the latest ${LATEST_N} migrations on a populated database and re-applies them; rows of untouched tables survive`, async () => {
    // A small market in the main tables (and rows in later tables, so their down runs on data too).
    const company = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme') RETURNING id`)).rows[0].id;
    for (let i = 0; i < 12; i++) {
      await sql.query(
        `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, country, remote, salary_annual_min, salary_annual_max, seniority, posted_at, content_hash)
         VALUES ('test', $1::text, $2, 'Engineer', 'engineer', 'desc', '{typescript}', 'Berlin', 'DE', false, 50000, 70000, 'mid', now(), md5($1::text) || '00000000')`,
        [`j${i}`, company],
      );
    }
    for (let i = 0; i < 8; i++) {
      await sql.query(`INSERT INTO candidates (source, external_id, name, email, desired_titles, skills, preferences, consent_alerts, consent_training) VALUES ('test', $1, 'C', $2, '{engineer}', '{typescript}', '{}', true, true)`, [`c${i}`, `c${i}@example.org`]);
    }
    await sql.query(`INSERT INTO resumes (candidate_id, source, external_id, text, content_hash) SELECT id, 'test', 'r' || id, 'resume text', md5(id::text) FROM candidates`);
    await sql.query(
      `INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at, position)
       SELECT 'e' || c.id || '-' || j.id, c.id, j.id, CASE WHEN (c.id + j.id) % 3 = 0 THEN 'click' ELSE 'impression' END, now(), 0
       FROM candidates c CROSS JOIN jobs j`,
    );
    await sql.query(`INSERT INTO users (email, password_hash, role) VALUES ('ops@example.org', 'x', 'admin')`);
    // rows in later tables too, so their downs run on data: an unsubscribe interaction, a profile change (trigger),
    // a ranking log, protected attributes and a fairness report
    await sql.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) SELECT 'unsub', min(c.id), min(j.id), 'unsubscribe', now() FROM candidates c, jobs j`);
    await sql.query(`UPDATE candidates SET skills = '{typescript,sql}' WHERE external_id = 'c0'`);
    expect((await sql.query(`SELECT count(*)::int AS n FROM candidate_profile_changes`)).rows[0].n).toBe(1);
    await sql.query(`INSERT INTO ranking_logs (ranking_id, candidate_id, channel, pipeline, config, stages, items) SELECT 'r1', min(id), 'api', 'default', '{}', '[]', '[]' FROM candidates`);
    await sql.query(`INSERT INTO candidate_protected_attributes (candidate_id, attribute, value, consent_at) SELECT id, 'gender', 'female', now() FROM candidates LIMIT 2`);
    await sql.query(`INSERT INTO fairness_audits (attribute, trigger, window_from, window_to, flagged, report) VALUES ('gender', 'manual', now() - interval '1 day', now(), 0, '{}')`);
    const before = await counts(sql, MAIN_TABLES);
    expect(before['interactions']).toBe(97);

    const reverted = await down(LATEST_N);
    const expected = migrations.map((m) => new m().name!).sort((a, b) => Number(a.slice(-13)) - Number(b.slice(-13))).slice(-LATEST_N).reverse();
    expect(reverted).toEqual(expected);
    expect(await counts(sql, MAIN_TABLES)).toEqual(before);

    const reapplied = await ds.runMigrations({ transaction: 'each' });
    expect(reapplied.map((m) => m.name)).toEqual([...expected].reverse());
    expect(await counts(sql, MAIN_TABLES)).toEqual(before);
    console.log(`migrations: reverted and re-applied ${reverted.join(', ')} on a populated database; rows kept: ${JSON.stringify(before)}`);
  }, 180_000);

  it('reverts every migration down to zero (populated) and applies them all again', async () => {
    const total = migrations.length;
    // UnsubscribeInteraction's down refuses while unsubscribe interactions exist (by design: going back must not drop
    // recorded behaviour silently); the failed down rolls back and leaves that migration applied.
    const reverted: string[] = [];
    let refused: string | null = null;
    while (reverted.length < total) {
      try {
        reverted.push(...(await down(1)));
      } catch (err) {
        const latest: Array<{ name: string }> = await ds.query(`SELECT name FROM migrations ORDER BY timestamp DESC, id DESC LIMIT 1`);
        expect(refused).toBeNull();
        refused = latest[0]!.name;
        expect(refused).toBe('UnsubscribeInteraction1764100021000');
        expect(String((err as Error).message)).toMatch(/interactions_type_check|violated/);
        expect((await sql.query(`SELECT count(*)::int AS n FROM interactions WHERE type = 'unsubscribe'`)).rows[0].n).toBe(1);
        await sql.query(`DELETE FROM interactions WHERE type = 'unsubscribe'`);
      }
    }
    expect(refused).toBe('UnsubscribeInteraction1764100021000');
    expect(reverted).toHaveLength(total);
    expect((await sql.query(`SELECT count(*) AS n FROM migrations`)).rows[0].n).toBe('0');
    expect(await userTables(sql)).toEqual([]);
    const types = await sql.query(`SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'`);
    expect(types.rows).toEqual([]);
    const functions = await sql.query(`SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`);
    expect(functions.rows).toEqual([]);
    const again = await ds.runMigrations({ transaction: 'each' });
    expect(again).toHaveLength(total);
    expect(await userTables(sql)).toEqual(expect.arrayContaining(MAIN_TABLES));
    console.log(`migrations: ${total} reverted to zero on a populated database (no tables, types or functions left; ${refused}'s down refused while an unsubscribe interaction existed, as designed) and re-applied`);
  }, 300_000);
});
