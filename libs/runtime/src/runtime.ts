import { AppConfig, ConfigError, loadConfig } from '@app/config';
import { DatabaseEndpoint, resolveDatabaseEndpoint, runMigrations, ServiceUnreachableError } from '@app/db';
import { assertRedisReachable } from '@app/kv';
import { writeSync } from 'node:fs';

/** What every process (api, worker, CLI) needs before Nest boots: config, a reachable database with
 *  migrations applied, and a reachable Redis when one is configured. */
export interface Runtime {
  config: AppConfig;
  endpoint: DatabaseEndpoint;
  migrationsApplied: string[];
}

export async function prepareRuntime(env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
  const config = loadConfig(env);
  if (config.redisUrl) await assertRedisReachable(config.redisUrl);
  const endpoint = await resolveDatabaseEndpoint(config);
  try {
    const migrationsApplied = await runMigrations(endpoint.url);
    return { config, endpoint, migrationsApplied };
  } catch (err) {
    await endpoint.close();
    throw err;
  }
}

/** Startup failures a user can fix print one line; anything else keeps its stack. */
export function exitOnStartupError(err: unknown): never {
  // writeSync: process.exit would drop an asynchronous write to a pipe.
  if (err instanceof ConfigError || err instanceof ServiceUnreachableError) {
    writeSync(2, `${err.message}\n`);
  } else {
    writeSync(2, `startup failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
}
