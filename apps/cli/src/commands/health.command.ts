import type { Command } from 'commander';
import { loadConfig } from '@app/config';
import { prepareRuntime } from '@app/runtime';
import { CliError, printResult } from '../cli-output.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('Check the configuration and that the database (and Redis, when configured) answer')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      let config;
      try {
        config = loadConfig();
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const runtime = await prepareRuntime().catch((err: Error) => {
        throw new CliError(err.message);
      });
      const result = {
        database: runtime.endpoint.embedded ? `embedded PGlite in ${config.dataDir}` : 'DATABASE_URL',
        queue: config.usesRedis ? 'redis' : 'postgres',
        migrationsApplied: runtime.migrationsApplied,
        status: 'ok',
      };
      await runtime.endpoint.close();
      printResult(result, !!opts.json, () => `ok: database ${result.database}, queue on ${result.queue}` + (result.migrationsApplied.length ? `, applied ${result.migrationsApplied.join(', ')}` : ''));
    });
}
