import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { ExperimentsService, type RankingEvent } from '@app/experiments';
import { QueueNames } from '@app/queue';
import type { Job } from 'bullmq';

/**
 * Exposure logs: each `exposures` job is a batch of served rankings, written in one transaction. A retried or
 * duplicated job writes nothing twice (ranking ids are event ids).
 */
@Processor(QueueNames.experiments, { concurrency: 4, drainDelay: 1 })
export class ExperimentsProcessor extends WorkerHost {
  constructor(@Inject(ExperimentsService) private readonly experiments: ExperimentsService) {
    super();
  }

  async process(job: Job<{ rankings: RankingEvent[] }>): Promise<unknown> {
    if (job.name !== 'exposures') throw new Error(`unknown experiments job ${job.name}`);
    return this.experiments.writeRankingBatch(job.data.rankings);
  }
}
