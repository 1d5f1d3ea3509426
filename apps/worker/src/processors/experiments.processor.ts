import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ExperimentResultsService, ExperimentsService, type RankingEvent } from '@app/experiments';
import { QueueNames } from '@app/queue';
import type { Job, Queue } from 'bullmq';

/**
 * Exposure logs: each `exposures` job is a batch of served rankings, written in one transaction. A retried or
 * duplicated job writes nothing twice (ranking ids are event ids). `refresh-results` (every 10 minutes) recomputes
 * and caches the analysis of every running experiment; `refresh-bandits` (every minute) opens a new allocation epoch
 * for each running bandit whose latest epoch is older than its refreshMinutes.
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
    if (job.name === 'refresh-bandits') return this.experiments.refreshDueBandits();
    if (job.name !== 'exposures') throw new Error(`unknown experiments job ${job.name}`);
    return this.experiments.writeRankingBatch(job.data.rankings);
  }
}

/** Every 10 minutes, as a BullMQ job scheduler (on both queue backends: idle PostgreSQL-backend workers poll, libs/queue). */
@Injectable()
export class ExperimentResultsScheduler implements OnApplicationBootstrap {
  static readonly everyMs = 10 * 60_000;
  /** Bandits due for a new allocation epoch are looked for every minute (each has its own refreshMinutes). */
  static readonly banditEveryMs = 60_000;

  constructor(@InjectQueue(QueueNames.experiments) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler('experiment-results', { every: ExperimentResultsScheduler.everyMs }, { name: 'refresh-results', opts: { removeOnComplete: 100, removeOnFail: 100 } });
    await this.queue.upsertJobScheduler('bandit-allocations', { every: ExperimentResultsScheduler.banditEveryMs }, { name: 'refresh-bandits', opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
}
