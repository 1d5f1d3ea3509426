import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { PlatformMetrics } from '@app/telemetry';
import type { Job, Queue } from 'bullmq';
import { QueueNames } from './queue-names.js';

/**
 * Feeds queue metrics to Prometheus: job outcomes and processing time from every processor in this
 * process, and queue depth (read when /metrics is scraped) for every queue this process knows.
 */
@Injectable()
export class QueueInstrumentation implements OnApplicationBootstrap {
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
      worker.on('completed', (job: Job) => this.observe(queue, 'completed', job));
      worker.on('failed', (job: Job | undefined) => this.observe(queue, 'failed', job));
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
    this.metrics.onQueueDepthScrape(async () => {
      const rows: Array<{ queue: string; state: string; count: number }> = [];
      for (const q of queues) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
        for (const [state, count] of Object.entries(counts)) rows.push({ queue: q.name, state, count });
      }
      return rows;
    });
  }

  private observe(queue: string, outcome: 'completed' | 'failed', job: Job | undefined): void {
    this.metrics.queueJobs.inc({ queue, outcome });
    if (job?.processedOn && job.finishedOn) this.metrics.queueJobDuration.observe({ queue }, (job.finishedOn - job.processedOn) / 1000);
  }
}
