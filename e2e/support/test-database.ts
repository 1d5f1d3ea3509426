import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrations, startEmbeddedPostgres } from '@app/db';

export interface TestDatabase {
  url: string;
  /** Same server, used by BullMQ's Postgres backend when there is no Redis. */
  queueUrl: string;
  embedded: boolean;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a new database on DATABASE_URL's server, or a new
 * embedded PGlite (in a temp dir) when DATABASE_URL is unset.
 */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const base = process.env['DATABASE_URL'];
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), `matchlab-${label}-`));
    const app = await startEmbeddedPostgres(join(dir, 'pglite'));
    const queue = await startEmbeddedPostgres(join(dir, 'pglite-queue'));
    await runMigrations(app.url);
    return {
      url: app.url,
      queueUrl: queue.url,
      embedded: true,
      async drop() {
        await app.stop();
        await queue.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `matchlab_${label.replace(/\W/g, '_').toLowerCase()}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return {
    url: url.toString(),
    queueUrl: url.toString(),
    embedded: false,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Environment for booting an app against a test database (and Redis, when the run has one). */
export function appEnv(db: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    MATCHLAB_SEED_ON_START: 'false',
    MATCHLAB_DATA_DIR: mkdtempSync(join(tmpdir(), 'matchlab-data-')),
    AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
    ADMIN_PASSWORD: 'admin-password-1',
    QUEUE_PREFIX: `t${process.pid}${Date.now().toString(36)}`,
    ...extra,
  };
  env['DATABASE_URL'] = db.url;
  // Embedded test databases run as servers already; the queue has its own instance there.
  if (db.queueUrl !== db.url) env['QUEUE_DATABASE_URL'] = db.queueUrl;
  return env;
}
