import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Process-wide Prometheus registry and the metrics the platform exports. Names are stable: dashboards use them. */
export class PlatformMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'matchlab_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'matchlab_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency by operation name and type',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'matchlab_graphql_errors_total',
    help: 'GraphQL errors by operation and error code',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });

  readonly queueJobs = new Counter({
    name: 'matchlab_queue_jobs_total',
    help: 'Finished queue jobs by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly queueJobDuration = new Histogram({
    name: 'matchlab_queue_job_duration_seconds',
    help: 'Queue job processing time by queue',
    labelNames: ['queue'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  private queueDepthSource?: () => Promise<Array<{ queue: string; state: string; count: number }>>;

  readonly queueDepth = new Gauge({
    name: 'matchlab_queue_depth',
    help: 'Jobs waiting, active, delayed or failed per queue (read at scrape time)',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
    collect: async () => {
      const rows = await this.queueDepthSource?.().catch(() => []);
      for (const r of rows ?? []) this.queueDepth.set({ queue: r.queue, state: r.state }, r.count);
    },
  });

  /** The queue lib tells where depth comes from; telemetry knows nothing of BullMQ. */
  onQueueDepthScrape(source: () => Promise<Array<{ queue: string; state: string; count: number }>>): void {
    this.queueDepthSource = source;
  }

  readonly importRows = new Counter({
    name: 'matchlab_import_rows_total',
    help: 'Imported rows by kind and outcome (inserted, updated, unchanged, duplicate, rejected)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'matchlab_' });
  }
}
