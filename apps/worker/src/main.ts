import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnStartupError, prepareRuntime, RuntimeModule, type Runtime } from '@app/runtime';
import { createLogger, PinoNestLogger, TelemetryModule } from '@app/telemetry';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerModule } from './worker.module.js';

@Module({})
class WorkerAppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: WorkerAppModule, imports: [RuntimeModule.forRoot(runtime), TelemetryModule, WorkerModule.register()] };
  }
}

async function main() {
  const runtime = await prepareRuntime();
  const logger = createLogger(runtime.config.logLevel, 'worker');
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(runtime), { logger: new PinoNestLogger(logger) });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down: finishing active jobs');
    setTimeout(() => process.exit(1), runtime.config.shutdownTimeoutMs).unref();
    await app.close();
    await runtime.endpoint.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.init();
  logger.info({ queue: runtime.config.usesRedis ? 'redis' : 'postgres' }, 'Matchlab worker ready');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(exitOnStartupError);
}
