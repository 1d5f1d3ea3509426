import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { QueueNames } from '@app/queue';
import { TrainingService, type TrainingJobData, type TrainingResult } from '@app/training';
import type { Job } from 'bullmq';

/**
 * Training and hyperparameter-search jobs. The fit runs on a worker thread (this process stays responsive);
 * progress goes to job.updateProgress and the training_jobs row, logs to job.log; a version is registered
 * only when everything succeeded. Concurrency 1: one fit at a time per worker process.
 */
@Processor(QueueNames.training, { concurrency: 1, lockDuration: 120_000 })
export class TrainingProcessor extends WorkerHost {
  private readonly logger = new Logger('TrainingProcessor');

  constructor(@Inject(TrainingService) private readonly training: TrainingService) {
    super();
  }

  async process(job: Job<TrainingJobData>): Promise<TrainingResult> {
    if (job.name !== 'train' && job.name !== 'search') throw new Error(`unknown training job ${job.name}`);
    this.logger.log(`${job.name} ${job.id}: ${job.data.model} (${job.data.strategy})`);
    const result = await this.training.process(job);
    this.logger.log(`${job.name} ${job.id}: ${result.status}${result.version ? `, version ${job.data.model}/${result.version}` : ''}`);
    return result;
  }
}
