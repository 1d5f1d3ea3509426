import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, startNode, type RunningProcess } from './support/processes.js';
import { appEnv, createTestDatabase, type TestDatabase } from './support/test-database.js';

/** One span as the OTLP/HTTP JSON exporter sends it (the fields this test reads). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}
interface Collected {
  service: string;
  span: OtlpSpan;
}

/**
 * Optional tracing (issue 14 item 2): the API and the worker started with the tracing preload and
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at a real OTLP/HTTP receiver in this test (JSON encoding). A GraphQL mutation
 * that enqueues a job produces API spans (HTTP server, GraphQL, PostgreSQL) under the API's service name, and the
 * worker's span for that job continues the same trace id under the worker's service name.
 */
describe('OpenTelemetry tracing (OTLP/HTTP JSON) across the API and the worker', () => {
  let db: TestDatabase;
  let api: RunningProcess | undefined;
  let worker: RunningProcess | undefined;
  let receiver: Server;
  let port: number;
  const spans: Collected[] = [];
  const contentTypes = new Set<string>();

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') {
          contentTypes.add(String(req.headers['content-type']));
          const payload = JSON.parse(body) as { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
          for (const rs of payload.resourceSpans) {
            const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
            for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ service, span });
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    db = await createTestDatabase('tracing');
    port = await freePort();
    const env = { ...appEnv(db, { PORT: String(port), LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' }) };
    const preload = ['--import', './dist/libs/telemetry/src/tracing-preload.js'];
    worker = startNode([...preload, 'dist/apps/worker/src/main.js'], { ...env, OTEL_SERVICE_NAME: 'matchlab-worker-test' });
    api = startNode([...preload, 'dist/apps/api/src/main.js'], env);
    await Promise.all([worker.waitFor(/Matchlab worker ready/), api.waitFor(/Matchlab API on/)]);
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await db?.drop();
    await new Promise((r) => receiver?.close(r));
  });

  it('a GraphQL request is traced in the API, and the job it enqueued continues the same trace in the worker', async () => {
    expect(api!.output()).toContain('tracing on (OTLP/HTTP JSON)');
    const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-trace-1', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const { login } = await gql('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: 'admin@matchlab.local', p: 'admin-password-1' });
    const { computeFeatures } = await gql('mutation { computeFeatures(input: { views: ["candidate_profile"] }) { id } }', {}, login.token);
    expect(computeFeatures.id).toBeTruthy();

    // The API's HTTP server span of the mutation, then the worker's span for the features job in the same trace.
    const attr = (s: OtlpSpan, k: string) => s.attributes?.find((a) => a.key === k)?.value.stringValue;
    let jobSpan: Collected | undefined;
    for (const end = Date.now() + 60_000; Date.now() < end && !jobSpan; await new Promise((r) => setTimeout(r, 200)))
      jobSpan = spans.find((c) => c.service === 'matchlab-worker-test' && c.span.name.startsWith('process features ') && attr(c.span, 'matchlab.request_id') === 'req-trace-1');
    if (!jobSpan) throw new Error(`no worker span for the features job; spans seen: ${JSON.stringify(spans.map((c) => `${c.service}:${c.span.name}`).slice(0, 60))}`);
    const trace = spans.filter((c) => c.span.traceId === jobSpan!.span.traceId);
    const apiSpans = trace.filter((c) => c.service === 'matchlab-api');
    const names = apiSpans.map((c) => c.span.name);
    // HTTP server span (kind SERVER = 2), a GraphQL operation span and PostgreSQL queries of that request.
    expect(apiSpans.some((c) => c.span.kind === 2 && /POST/.test(c.span.name))).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['mutation', 'graphql.parse', 'graphql.resolve computeFeatures']));
    // Redis commands of the request (the rate limiter, the queue add) are traced too (with Redis).
    if (process.env['REDIS_URL']) expect(apiSpans.some((c) => attr(c.span, 'db.system') === 'redis' || attr(c.span, 'db.system.name') === 'redis')).toBe(true);
    expect(apiSpans.some((c) => attr(c.span, 'db.system') === 'postgresql' || attr(c.span, 'db.system.name') === 'postgresql')).toBe(true);
    // The worker's span is a CONSUMER (5) child of a span of the API's trace.
    expect(jobSpan.span.kind).toBe(5);
    expect(apiSpans.map((c) => c.span.spanId)).toContain(jobSpan.span.parentSpanId);
    // Work inside the job is traced too (the worker's own database queries under the job span).
    const workerChildren = trace.filter((c) => c.service === 'matchlab-worker-test' && c.span.spanId !== jobSpan!.span.spanId);
    expect(workerChildren.length).toBeGreaterThan(0);
    expect([...contentTypes]).toEqual(['application/json']);
    process.stdout.write(`tracing e2e: trace ${jobSpan.span.traceId}: ${apiSpans.length} API spans (${[...new Set(names)].slice(0, 8).join(', ')}), ${workerChildren.length + 1} worker spans (${jobSpan.span.name} + children); ${spans.length} spans received in all\n`);
  }, 90_000);
});
