import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnStartupError, prepareRuntime, RuntimeModule, type Runtime } from '@app/runtime';
import { createLogger, flushTracing, PinoNestLogger, PlatformMetrics, startMetricsServer, TelemetryModule, tracingConfig, tracingEnabled } from '@app/telemetry';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { WorkerModule } from './worker.module.js';

@Module({})
class WorkerAppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: WorkerAppModule, imports: [RuntimeModule.forRoot(runtime), TelemetryModule, WorkerModule.register()] };
  }
}

/**
 * The worker process: every queue processor, plus the Prometheus listener on WORKER_METRICS_PORT (0: none). A taken
 * port (a second worker on one host with the default) is logged, not fatal: jobs matter more than scrapes.
 */
export async function createWorkerApp(opts: { env?: NodeJS.ProcessEnv; logDestination?: DestinationStream } = {}) {
  const runtime = await prepareRuntime(opts.env ?? process.env);
  const logger = createLogger(runtime.config.logLevel, 'worker', opts.logDestination);
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(runtime), { logger: new PinoNestLogger(logger) });
  await app.init();
  const { workerMetricsPort, workerMetricsHost } = runtime.config.observability;
  const metricsServer =
    workerMetricsPort > 0
      ? await startMetricsServer(app.get(PlatformMetrics), workerMetricsPort, workerMetricsHost).catch((err: unknown) => {
          logger.warn({ port: workerMetricsPort, err: (err as Error).message }, 'worker /metrics listener not started; set WORKER_METRICS_PORT to a free port per worker');
          return undefined;
        })
      : undefined;
  return {
    app,
    runtime,
    logger,
    metricsPort: metricsServer?.port ?? null,
    close: async () => {
      await metricsServer?.close();
      await app.close();
      await runtime.endpoint.close();
    },
  };
}

async function main() {
  const { runtime, logger, metricsPort, close } = await createWorkerApp();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down: finishing active jobs');
    setTimeout(() => process.exit(1), runtime.config.shutdownTimeoutMs).unref();
    await close();
    await flushTracing();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  logger.info({ queue: runtime.config.usesRedis ? 'redis' : 'postgres', metricsPort }, 'Matchlab worker ready');
  if (!process.env['AUTH_SECRET'] && !runtime.endpoint.embedded) logger.warn({ file: join(runtime.config.dataDir, 'auth-secret') }, 'AUTH_SECRET is not set: using the secret generated in the data dir; every API and worker process of one deployment must share one AUTH_SECRET (tokens, unsubscribe and click links are signed with it)');
  const tracing = tracingConfig(process.env);
  if (tracing && !tracingEnabled()) logger.warn({ endpoint: tracing.tracesUrl }, 'OTEL_EXPORTER_OTLP_ENDPOINT is set but tracing did not start: run node with --import ./dist/libs/telemetry/src/tracing-preload.js (npm run start:* does)');
  else if (tracing) logger.info({ endpoint: tracing.tracesUrl, service: tracing.serviceName }, 'tracing on (OTLP/HTTP JSON)');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(exitOnStartupError);
}
