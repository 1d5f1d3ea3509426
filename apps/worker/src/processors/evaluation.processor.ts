import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { EvaluationJobService, type EvaluationJobData } from '@app/evaluation-jobs';
import { QueueNames } from '@app/queue';
import type { Job } from 'bullmq';

/**
 * Offline evaluation jobs: a `plan` job builds the split and queues one `shard` job per shard; the shard that
 * completes last merges. Concurrency 1 per process, so the shards of one evaluation spread over the worker
 * processes; a shard yields to the event loop every few dozen users, so the queue lock is renewed.
 * drainDelay 1 s: people wait on evaluations interactively, and where the queue's NOTIFY wake-up does not reach
 * the worker (embedded PGlite) an idle worker would otherwise look for the plan job only every 5 s.
 */
@Processor(QueueNames.evaluation, { concurrency: 1, lockDuration: 120_000, drainDelay: 1 })
export class EvaluationProcessor extends WorkerHost {
  private readonly logger = new Logger('EvaluationProcessor');

  constructor(@Inject(EvaluationJobService) private readonly evaluations: EvaluationJobService) {
    super();
  }

  async process(job: Job<EvaluationJobData>): Promise<{ status: string }> {
    const t0 = Date.now();
    const result = await this.evaluations.process(job);
    this.logger.log(`${job.name} ${job.data.id}${job.data.shard !== undefined ? ` shard ${job.data.shard}` : ''}: ${result.status} in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    return result;
  }
}
