import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { KeyValueStore } from '@app/kv';
import { QueueNames } from '@app/queue';
import { REGISTRY_EVENTS_CHANNEL } from '@app/registry';
import { WebhooksService } from '@app/webhooks';
import { UnrecoverableError, type Job } from 'bullmq';

/**
 * Registry webhooks: each `deliver` job makes one signed attempt of a delivery. A failed attempt leaves the delivery
 * `retrying` with its next attempt time (exponential backoff, Retry-After honoured); the trigger below queues it
 * again when due. The last failed attempt fails the job.
 */
@Processor(QueueNames.webhooks, {
  concurrency: 4,
  // Without NOTIFY (embedded PGlite) an idle worker looks for new jobs every drainDelay seconds; Redis wakes it at once.
  drainDelay: 1,
})
export class WebhooksProcessor extends WorkerHost {
  private readonly logger = new Logger('WebhooksProcessor');

  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {
    super();
  }

  async process(job: Job<{ deliveryId: string; attempt?: number }>): Promise<unknown> {
    if (job.name !== 'deliver') throw new Error(`unknown webhooks job ${job.name}`);
    const r = await this.webhooks.attempt(job.data.deliveryId, job.data.attempt);
    if (r.outcome === 'failed') {
      this.logger.warn(`delivery ${job.data.deliveryId} failed: ${r.error}`);
      throw new UnrecoverableError(r.error);
    }
    return r;
  }
}

/**
 * Runs in every worker process. Fans events out as soon as one is published (by any process: API, CLI, worker) —
 * the registry's pub/sub message wakes a dispatch, and concurrent dispatchers skip each other's events; queues due
 * retries; and every 30 s sweeps for events a lost message left behind (or recorded while no worker ran) and for
 * deliveries whose job was lost.
 */
@Injectable()
export class WebhooksDispatchTrigger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhooksDispatchTrigger');
  private unsubscribe?: () => Promise<void>;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly busy = new Map<string, Promise<void>>();
  private dispatchAgain = false;
  private stopped = false;

  constructor(@Inject(KeyValueStore) private readonly kv: KeyValueStore, @Inject(WebhooksService) private readonly webhooks: WebhooksService) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.kv.subscribe(REGISTRY_EVENTS_CHANNEL, () => this.dispatch());
    this.every(this.webhooks.retryPollMs, 'retries', () => this.webhooks.enqueueDueRetries());
    this.every(30_000, 'sweep', async () => {
      await this.webhooks.dispatchPending();
      await this.webhooks.requeueStale();
    });
    this.dispatch();
  }

  /** One dispatch at a time per process; events published while one runs lead to exactly one more. */
  private dispatch(): void {
    if (this.busy.has('dispatch')) {
      this.dispatchAgain = true;
      return;
    }
    this.once('dispatch', async () => {
      do {
        this.dispatchAgain = false;
        await this.webhooks.dispatchPending();
      } while (this.dispatchAgain && !this.stopped);
    });
  }

  private every(ms: number, name: string, fn: () => Promise<unknown>): void {
    const t = setInterval(() => {
      if (!this.busy.has(name)) this.once(name, fn);
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private once(name: string, fn: () => Promise<unknown>): void {
    if (this.stopped) return;
    const run = fn()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.warn(`webhooks ${name} failed (tried again later): ${(err as Error).message}`))
      .finally(() => this.busy.delete(name));
    this.busy.set(name, run);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    await this.unsubscribe?.();
    await Promise.all(this.busy.values());
  }
}
