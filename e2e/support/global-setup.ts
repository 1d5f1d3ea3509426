import { execFileSync } from 'node:child_process';

/** Builds what e2e tests start as real processes, and says which backends this run uses. */
export default async function globalSetup(): Promise<void> {
  const onlyUnit = process.argv.some((a) => a.includes('.spec.ts')) && !process.argv.some((a) => /e2e|int-spec/.test(a));
  if (!onlyUnit) execFileSync('node', ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' });
  const db = process.env['DATABASE_URL'] ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite (DATABASE_URL unset)';
  const redis = process.env['REDIS_URL'] ? 'Redis (REDIS_URL)' : 'no Redis: Redis-only tests are skipped';
  process.stdout.write(`\nTest backends: ${db}; ${redis}\n`);
}
