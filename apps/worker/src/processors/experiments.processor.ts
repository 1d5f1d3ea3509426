import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ExperimentResultsService, ExperimentsService, type RankingEvent } from '@app/experiments';
import { QueueNames } from '@app/queue';
import type { Job, Queue } from 'bullmq';

/**
 * Exposure logs: each `exposures` job is a batch of served rankings, written in one transaction. A retried or
 * duplicated job writes nothing twice (ranking ids are event ids). `refresh-results` (every 10 minutes) recomputes
 * and caches the analysis of every running experiment.
 */
@Processor(QueueNames.experiments, { concurrency: 4, drainDelay: 1 })
export class ExperimentsProcessor extends WorkerHost {
  constructor(
    @Inject(ExperimentsService) private readonly experiments: ExperimentsService,
    @Inject(ExperimentResultsService) private readonly results: ExperimentResultsService,
  ) {
    super();
  }

  async process(job: Job<{ rankings: RankingEvent[] }>): Promise<unknown> {
    if (job.name === 'refresh-results') return this.results.refreshRunning();
    if (job.name !== 'exposures') throw new Error(`unknown experiments job ${job.name}`);
    return this.experiments.writeRankingBatch(job.data.rankings);
  }
}

/** Every 10 minutes: a BullMQ job scheduler on Redis; a timer on the Postgres queue backend (as the alerts tick). */
@Injectable()
export class ExperimentResultsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly everyMs = 10 * 60_000;
  private readonly logger = new Logger('ExperimentResultsScheduler');
  private timer?: NodeJS.Timeout;
  private busy?: Promise<unknown>;

  constructor(
    @InjectQueue(QueueNames.experiments) private readonly queue: Queue,
    @Inject(ExperimentResultsService) private readonly results: ExperimentResultsService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.usesRedis) {
      await this.queue.upsertJobScheduler('experiment-results', { every: ExperimentResultsScheduler.everyMs }, { name: 'refresh-results', opts: { removeOnComplete: 100, removeOnFail: 100 } });
      return;
    }
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = this.results
        .refreshRunning()
        .catch((err: unknown) => this.logger.warn(`experiment results refresh failed: ${(err as Error).message}`))
        .finally(() => (this.busy = undefined));
    }, ExperimentResultsScheduler.everyMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
  }
}
