import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Optional OpenTelemetry tracing (OTLP over HTTP, JSON encoding). Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; when off nothing of the SDK is loaded, and the queue hooks below
 * return at the first line. The SDK must start before the app's modules load (ESM), so processes start with
 * `node --import ./dist/libs/telemetry/src/tracing-preload.js …` (the npm start scripts do).
 */
export interface TracingConfig {
  /** Where spans are POSTed (the traces path of the OTLP/HTTP endpoint). */
  tracesUrl: string;
  serviceName: string;
  /** Extra OTLP headers (OTEL_EXPORTER_OTLP_HEADERS: `k=v,k2=v2`). */
  headers: Record<string, string>;
}

const STATE = Symbol.for('matchlab.tracing');
type TracingState = { config: TracingConfig; shutdown: () => Promise<void> };
const g = globalThis as typeof globalThis & { [STATE]?: TracingState };

/** The process role from its entry point, for the default service name (matchlab-api, matchlab-worker, matchlab-cli). */
function role(argv1: string | undefined): string {
  const p = (argv1 ?? '').replace(/\\/g, '/');
  if (p.includes('apps/worker/')) return 'worker';
  if (p.includes('apps/cli/') || p.endsWith('/matchlab.js')) return 'cli';
  return 'api';
}

/**
 * Reads the standard OTel variables. Returns undefined when tracing is off (no endpoint, OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none); a malformed endpoint throws one line naming the variable.
 */
export function tracingConfig(env: NodeJS.ProcessEnv, argv1: string | undefined = process.argv[1]): TracingConfig | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if ((!traces && !base) || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER?.trim() === 'none') return undefined;
  const name = traces ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const raw = (traces ?? base)!;
  if (!/^https?:\/\/[^\s]+$/.test(raw)) throw new Error(`config: ${name} must be an http(s) URL (got "${raw}")`);
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim();
  if (protocol && protocol !== 'http/json') throw new Error(`config: OTEL_EXPORTER_OTLP_PROTOCOL: only http/json is supported (got "${protocol}")`);
  const headers: Record<string, string> = {};
  for (const part of (env.OTEL_EXPORTER_OTLP_HEADERS ?? '').split(',')) {
    const i = part.indexOf('=');
    if (i > 0) headers[decodeURIComponent(part.slice(0, i).trim())] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return {
    // The signal-specific variable is used as is; the base one gets /v1/traces appended (OTLP/HTTP spec).
    tracesUrl: traces ?? `${raw.replace(/\/+$/, '')}/v1/traces`,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || `matchlab-${role(argv1)}`,
    headers,
  };
}

/** Whether this process exports traces (startTracing ran with a config). */
export function tracingEnabled(): boolean {
  return g[STATE] !== undefined;
}

/**
 * Starts the tracer provider and the http, pg, ioredis and graphql instrumentations. Registers the import hook
 * first, so ESM imports after this call are instrumented: call it from a `--import` preload, before the app loads.
 * Idempotent; a no-op (nothing imported) when tracing is off.
 */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<TracingConfig | undefined> {
  if (g[STATE]) return g[STATE].config;
  const config = tracingConfig(env);
  if (!config) return undefined;
  const { register } = await import('node:module');
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { registerInstrumentations }, http, pg, ioredis, graphql] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/instrumentation-graphql'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl, headers: config.headers }))],
  });
  provider.register(); // global provider, AsyncLocalStorage context manager, W3C trace-context propagator
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new http.HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/healthz' || req.url === '/metrics' }),
      // Only inside a trace: the worker's queue polling and the pools' housekeeping would otherwise be root spans.
      new pg.PgInstrumentation({ requireParentSpan: true }),
      new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
      new graphql.GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
    ],
  });
  g[STATE] = { config, shutdown: () => provider.shutdown() };
  return config;
}

/** Exports the spans still buffered (call before process.exit). A no-op when tracing is off. */
export async function flushTracing(): Promise<void> {
  await g[STATE]?.shutdown().catch(() => undefined);
}

/** Trace context of the active span as a W3C carrier ({ traceparent, tracestate? }), for job data; undefined when off. */
export function currentTraceCarrier(): Record<string, string> | undefined {
  if (!g[STATE]) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/**
 * Runs a queue job inside a CONSUMER span that continues the trace carried in the job's data (`traceContext`), so a
 * job enqueued by an API request shows up in that request's trace. Calls `fn` directly when tracing is off.
 */
export function runJobInTrace<T>(queue: string, job: { id?: string; name: string; data?: unknown }, fn: () => Promise<T>): Promise<T> {
  if (!g[STATE]) return fn();
  const data = (job.data ?? {}) as { traceContext?: unknown; requestId?: unknown };
  const carrier = data.traceContext && typeof data.traceContext === 'object' ? (data.traceContext as Record<string, string>) : {};
  const parent = propagation.extract(ROOT_CONTEXT, carrier);
  const tracer = trace.getTracer('matchlab-queue');
  const attributes: Record<string, string> = { 'messaging.system': 'bullmq', 'messaging.destination.name': queue, 'messaging.operation.type': 'process', 'messaging.operation.name': job.name };
  if (job.id) attributes['messaging.message.id'] = job.id;
  if (typeof data.requestId === 'string') attributes['matchlab.request_id'] = data.requestId;
  return tracer.startActiveSpan(`process ${queue} ${job.name}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
