import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfigOrExit } from '@app/config';
import { exitOnStartupError, prepareRuntime } from '@app/runtime';
import { acceptRequestId, createLogger, flushTracing, PinoNestLogger, PlatformMetrics, requestContext, tracingConfig, tracingEnabled } from '@app/telemetry';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { pinoHttp } from 'pino-http';
import { ApiModule } from './api.module.js';
import { superviseApiProcesses } from './cluster.js';
import { httpMetricsMiddleware } from './http-metrics.js';
import { applyHttpHardening } from './security/http-hardening.js';

const here = dirname(fileURLToPath(import.meta.url));
// Compiled: dist/apps/api/src; under jest: apps/api/src.
const repoRoot = resolve(here, here.includes(`${'/'}dist${'/'}`) ? '../../../..' : '../../..');

export async function createApiApp(opts: { withWorker: boolean; schemaFile?: string | false; env?: NodeJS.ProcessEnv; logDestination?: DestinationStream }) {
  const runtime = await prepareRuntime(opts.env ?? process.env);
  // The first start writes the admin's credentials there; with AUTH_SECRET and DATABASE_URL set nothing else has
  // created it (a fresh machine added behind the load balancer would fail its first start otherwise).
  mkdirSync(runtime.config.dataDir, { recursive: true });
  const logger = createLogger(runtime.config.logLevel, 'api', opts.logDestination);
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.forRoot(runtime, { withWorker: opts.withWorker, schemaFile: opts.schemaFile ?? false }),
    { logger: new PinoNestLogger(logger), bodyParser: true },
  );
  app.use(httpMetricsMiddleware(app.get(PlatformMetrics)));
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = acceptRequestId(req.headers['x-request-id']) ?? randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  // The request id follows the request's async work, so jobs it enqueues carry it (libs/queue QueueInstrumentation).
  app.use((req: { id?: unknown }, _res: unknown, next: () => void) => requestContext.run({ requestId: String(req.id) }, next));
  // Rate limits, body limit, security headers, CORS (apps/api/src/security).
  const limits = applyHttpHardening(app, runtime.config);
  const closeApp = app.close.bind(app);
  app.close = async () => {
    await closeApp();
    await limits.close();
  };
  const consoleDir = join(repoRoot, 'dist/console');
  if (existsSync(consoleDir)) {
    app.useStaticAssets(consoleDir, { prefix: '/console' });
    // Client-side routes of the single-page console all serve index.html.
    app.use(/^\/console(\/.*)?$/, (_req: unknown, res: { sendFile: (p: string) => void }) => res.sendFile(join(consoleDir, 'index.html')));
  }
  return { app, runtime, logger };
}

async function main() {
  if (superviseApiProcesses(loadConfigOrExit().apiProcesses)) return;
  const withWorker = process.argv.includes('--with-worker');
  const { app, runtime, logger } = await createApiApp({ withWorker });
  const { config, endpoint } = runtime;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining jobs and closing pools');
    const timer = setTimeout(() => {
      // A running job did not finish draining in time; the queue hands it to the next worker (stalled job).
      writeSync(2, `shutdown: jobs still running after SHUTDOWN_TIMEOUT_MS=${config.shutdownTimeoutMs}; exiting with 1\n`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    await app.close();
    await endpoint.close();
    await flushTracing();
    clearTimeout(timer);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  const base = url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost').replace('0.0.0.0', 'localhost');
  const mode = endpoint.embedded ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
  const queue = config.usesRedis ? 'Redis' : 'PostgreSQL';
  logger.info({ url: base, database: mode, queue, worker: withWorker }, 'Matchlab API ready');
  if (!process.env['AUTH_SECRET'] && !endpoint.embedded) logger.warn({ file: join(config.dataDir, 'auth-secret') }, 'AUTH_SECRET is not set: using the secret generated in the data dir; every API and worker process of one deployment must share one AUTH_SECRET (tokens, unsubscribe and click links are signed with it)');
  const tracing = tracingConfig(process.env);
  if (tracing && !tracingEnabled()) logger.warn({ endpoint: tracing.tracesUrl }, 'OTEL_EXPORTER_OTLP_ENDPOINT is set but tracing did not start: run node with --import ./dist/libs/telemetry/src/tracing-preload.js (npm run start:* does)');
  else if (tracing) logger.info({ endpoint: tracing.tracesUrl, service: tracing.serviceName }, 'tracing on (OTLP/HTTP JSON)');
  process.stdout.write(`Matchlab API on ${base}/graphql, console on ${base}/console (database: ${mode}; queue: ${queue}${withWorker ? '; worker in-process' : ''})\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(exitOnStartupError);
}
