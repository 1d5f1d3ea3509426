import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AlertsService, RankedListCache } from '@app/alerts';
import { AppConfig } from '@app/config';
import { QueueNames } from '@app/queue';
import type { Job, Queue } from 'bullmq';

/**
 * Job alerts. `tick` (a repeatable job, every minute) queues every due subscription in batches; each `alert` job
 * is one (subscription, due time) window — composed, ranked, delivered — and `attempt` jobs retry deliveries.
 * Alert jobs are short (one SMTP transaction or one webhook POST of at most 15 s), so a worker that died is noticed
 * sooner than BullMQ's default (30 s lock, checked every 30 s): its jobs run again within about 20 s. A live worker
 * renews its locks every 7.5 s; were a job ever run twice anyway, the delivery's in-flight marker (`sending_at`,
 * AlertsService.claimAttempt) lets only one run hand the alert to the channel.
 */
@Processor(QueueNames.alerts, { concurrency: 32, drainDelay: 1, lockDuration: 15_000, stalledInterval: 5_000 })
export class AlertsProcessor extends WorkerHost {
  private readonly logger = new Logger('AlertsProcessor');

  constructor(
    @Inject(AlertsService) private readonly alerts: AlertsService,
    @Inject(RankedListCache) private readonly precomputed: RankedListCache,
  ) {
    super();
  }

  async process(job: Job<{ subscriptionId?: string; dueAt?: number; deliveryId?: string; attempt?: number }>): Promise<unknown> {
    switch (job.name) {
      case 'tick':
        return { queued: await this.alerts.enqueueDue() };
      case 'alert': {
        const r = await this.alerts.processAlert(job.data.subscriptionId!, job.data.dueAt!);
        if (r.outcome === 'failed') this.logger.warn(`alert ${r.deliveryId} failed: ${r.error}`);
        return r;
      }
      case 'attempt':
        return this.alerts.run(job.data.deliveryId!, job.data.attempt);
      case 'precompute-ranked': {
        const r = await this.precomputed.precompute();
        this.logger.log(`precomputed ${r.lists} ranked lists (${r.candidates} candidates × ${r.targets} models, ${r.skipped} skipped) in ${r.ms} ms`);
        return r;
      }
      default:
        throw new Error(`unknown alerts job ${job.name}`);
    }
  }
}

/**
 * Registers the minutely tick as a BullMQ job scheduler (on both queue backends: idle PostgreSQL-backend workers
 * poll, libs/queue), and polls for due retries (often enough for the first 5 s retry).
 */
@Injectable()
export class AlertsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AlertsScheduler');
  private timer?: NodeJS.Timeout;
  private busy?: Promise<unknown>;

  constructor(
    @InjectQueue(QueueNames.alerts) private readonly queue: Queue,
    @Inject(AlertsService) private readonly alerts: AlertsService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler('alerts-tick', { every: 60_000 }, { name: 'tick', opts: { removeOnComplete: 100, removeOnFail: 100 } });
    // Nightly precomputed ranked lists (RANKED_PRECOMPUTE_CRON, '' disables).
    if (this.config.precompute.cron) await this.queue.upsertJobScheduler('ranked-precompute', { pattern: this.config.precompute.cron }, { name: 'precompute-ranked', opts: { removeOnComplete: 20, removeOnFail: 20 } });
    else await this.queue.removeJobScheduler('ranked-precompute');
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = this.alerts
        .enqueueRetries()
        .catch((err: unknown) => this.logger.warn(`alert retry poll failed: ${(err as Error).message}`))
        .finally(() => (this.busy = undefined));
    }, this.alerts.retryPollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
  }
}
