import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { prepareRuntime, RuntimeModule, type Runtime } from '@app/runtime';
import { TelemetryModule } from '@app/telemetry';
import { userInfo } from 'node:os';
import { CliError } from './cli-output.js';

@Module({})
class CliAppModule {
  static forRoot(runtime: Runtime, modules: Array<Type | DynamicModule>): DynamicModule {
    return { module: CliAppModule, imports: [RuntimeModule.forRoot(runtime), TelemetryModule, ...modules] };
  }
}

/**
 * Runs `fn` inside a Nest application context with the given domain modules, on the same database the
 * server uses (with no DATABASE_URL: the embedded one, shared with a running `npm start` if there is one).
 */
export async function withCliContext<T>(modules: Array<Type | DynamicModule>, fn: (ctx: INestApplicationContext, runtime: Runtime) => Promise<T>): Promise<T> {
  let runtime: Runtime;
  try {
    runtime = await prepareRuntime();
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const ctx = await NestFactory.createApplicationContext(CliAppModule.forRoot(runtime, modules), { logger: ['error'] });
  try {
    return await fn(ctx, runtime);
  } finally {
    await ctx.close();
    await runtime.endpoint.close();
  }
}

/** Who the registry, the job tables and the audit trail record for a CLI action: `cli:<OS user>`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown'; // no passwd entry for the uid (some containers)
  }
}
