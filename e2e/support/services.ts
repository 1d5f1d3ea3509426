/**
 * Tests that need Redis itself call this. Without REDIS_URL they are skipped with a visible note,
 * unless MATCHLAB_REQUIRE_SERVICES=1 (set by .ci/run), which turns the skip into a failure.
 */
export function redisUrlOrSkip(what: string): string | undefined {
  const url = process.env['REDIS_URL'];
  if (url) return url;
  if (process.env['MATCHLAB_REQUIRE_SERVICES'] === '1') {
    throw new Error(`${what} needs Redis, but REDIS_URL is unset and MATCHLAB_REQUIRE_SERVICES=1`);
  }
  process.stdout.write(`NOTE: skipped "${what}": needs Redis (set REDIS_URL to run it)\n`);
  return undefined;
}
