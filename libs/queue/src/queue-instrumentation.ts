import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { currentRequestId, currentTraceCarrier, PlatformMetrics, runJobInTrace } from '@app/telemetry';
import type { Job, Queue, Worker } from 'bullmq';
import { QueueNames } from './queue-names.js';

/**
 * Feeds queue metrics to Prometheus: job outcomes and processing time from every processor in this
 * process, and queue depth (read when /metrics is scraped) for every queue this process knows.
 *
 * Request ids: a job added while an API request is handled gets the request's id as `data.requestId` (every queue
 * of this process is wrapped once), and the worker that processes it logs start and end with that id. With tracing on
 * (OTEL_EXPORTER_OTLP_ENDPOINT), the active trace context goes along as `data.traceContext` and the worker runs the job
 * in a span of that trace.
 */
@Injectable()
export class QueueInstrumentation implements OnApplicationBootstrap {
  private readonly logger = new Logger('Jobs');

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(PlatformMetrics) private readonly metrics: PlatformMetrics,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as unknown;
      if (!(instance instanceof WorkerHost)) continue;
      let worker;
      try {
        worker = instance.worker;
      } catch {
        continue; // not started in this process
      }
      const queue = worker.name;
      traceJobs(queue, worker);
      worker.on('active', (job: Job) => this.log(queue, 'started', job));
      worker.on('completed', (job: Job) => {
        this.observe(queue, 'completed', job);
        this.log(queue, 'completed', job);
      });
      worker.on('failed', (job: Job | undefined, err: Error) => {
        this.observe(queue, 'failed', job);
        if (job) this.log(queue, 'failed', job, err);
      });
    }
    const queues = Object.values(QueueNames)
      .map((name) => {
        try {
          return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
        } catch {
          return undefined;
        }
      })
      .filter((q): q is Queue => q !== undefined);
    for (const q of queues) carryRequestId(q);
    this.metrics.onQueueDepthScrape(async () => {
      const rows: Array<{ queue: string; state: string; count: number }> = [];
      for (const q of queues) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
        for (const [state, count] of Object.entries(counts)) rows.push({ queue: q.name, state, count });
      }
      return rows;
    });
  }

  /** Jobs an API request caused are logged at info with its request id; the rest (fan-out, schedules) at debug. */
  private log(queue: string, event: 'started' | 'completed' | 'failed', job: Job, err?: Error): void {
    const requestId = (job.data as { requestId?: unknown } | undefined)?.requestId;
    const fields = { msg: `job ${event}`, queue, jobId: job.id, jobName: job.name, requestId: typeof requestId === 'string' ? requestId : undefined, attempt: job.attemptsMade, ...(err ? { err: err.message } : {}) };
    if (event === 'failed') this.logger.warn(fields);
    else if (fields.requestId) this.logger.log(fields);
    else this.logger.debug(fields);
  }

  private observe(queue: string, outcome: 'completed' | 'failed', job: Job | undefined): void {
    this.metrics.queueJobs.inc({ queue, outcome });
    if (job?.processedOn && job.finishedOn) this.metrics.queueJobDuration.observe({ queue }, (job.finishedOn - job.processedOn) / 1000);
    if (job?.processedOn && job.timestamp) this.metrics.queueJobWait.observe({ queue }, Math.max(0, job.processedOn - Math.max(job.timestamp + (job.opts?.delay ?? 0), 0)) / 1000);
  }
}

const WRAPPED = Symbol('matchlab.requestId');
const TRACED = Symbol('matchlab.traced');

/** Runs every job of this worker inside a span continuing the job's trace context (a plain call when tracing is off). */
function traceJobs(queue: string, worker: Worker): void {
  const w = worker as Worker & { [TRACED]?: true; callProcessJob: (job: Job, token: string, signal?: AbortSignal) => Promise<unknown> };
  if (w[TRACED]) return;
  w[TRACED] = true;
  const call = w.callProcessJob.bind(w);
  w.callProcessJob = (job, token, signal) => runJobInTrace(queue, job, () => call(job, token, signal));
}

/** Adds the current API request id and trace context (if any) to the data of every job this queue instance adds. */
function carryRequestId(queue: Queue): void {
  const q = queue as Queue & { [WRAPPED]?: true };
  if (q[WRAPPED]) return;
  q[WRAPPED] = true;
  const withId = (data: unknown): unknown => {
    const requestId = currentRequestId();
    const traceContext = currentTraceCarrier();
    if ((!requestId && !traceContext) || data === null || typeof data !== 'object' || Array.isArray(data)) return data;
    const extra: Record<string, unknown> = {};
    if (requestId && !('requestId' in data)) extra.requestId = requestId;
    if (traceContext && !('traceContext' in data)) extra.traceContext = traceContext;
    return Object.keys(extra).length ? { ...data, ...extra } : data;
  };
  const add = q.add.bind(q);
  const addBulk = q.addBulk.bind(q);
  q.add = ((name: string, data: unknown, opts?: unknown) => add(name, withId(data) as never, opts as never)) as typeof q.add;
  q.addBulk = ((jobs: Array<{ name: string; data: unknown; opts?: unknown }>) => addBulk(jobs.map((j) => ({ ...j, data: withId(j.data) })) as never)) as typeof q.addBulk;
}
