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

  readonly queueJobWait = new Histogram({
    name: 'matchlab_queue_job_wait_seconds',
    help: 'Time a job waited in its queue before a worker picked it up, by queue',
    labelNames: ['queue'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 3600],
    registers: [this.registry],
  });

  readonly rankedListCache = new Counter({
    name: 'matchlab_ranked_list_cache_requests_total',
    help: 'rankedJobs lookups in the precomputed ranked-list cache by outcome (hit, miss)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rankedListPrecomputed = new Counter({
    name: 'matchlab_ranked_list_precomputed_total',
    help: 'Ranked lists written to the precompute cache, by model reference',
    labelNames: ['model_ref'] as const,
    registers: [this.registry],
  });

  readonly modelLoadDuration = new Histogram({
    name: 'matchlab_model_load_duration_seconds',
    help: 'Time to load a registry model version into serving (artifact read, checksum, deserialisation), by model and strategy',
    labelNames: ['model', 'strategy', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly alertSends = new Counter({
    name: 'matchlab_alert_sends_total',
    help: 'Alert delivery attempts by channel (email, webhook) and outcome (sent, retry, failed, empty, suppressed, skipped)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'matchlab_webhook_attempts_total',
    help: 'Outbound webhook HTTP attempts by source (registry webhooks, alert webhooks) and outcome (delivered, retry, gone, error)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly experimentExposures = new Counter({
    name: 'matchlab_experiment_exposures_total',
    help: 'Served rankings logged as experiment exposures, by experiment and variant',
    labelNames: ['experiment', 'variant'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'matchlab_' });
  }
}
