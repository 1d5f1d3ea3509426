import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { QueueNames } from '@app/queue';
import { RetrainingService, type RetrainJobData } from '@app/retraining';
import type { Job } from 'bullmq';

/**
 * Retrain pipelines (`run`: train → evaluate → gate → challenger, waiting on the training and evaluation queues)
 * and the policies' job schedulers (`scheduled`: start a run). Concurrency 2 so a scheduler tick is never stuck
 * behind a running pipeline; the fits themselves run on the training queue's worker.
 */
@Processor(QueueNames.retraining, { concurrency: 2, lockDuration: 120_000, drainDelay: 1 })
export class RetrainingProcessor extends WorkerHost {
  private readonly logger = new Logger('RetrainingProcessor');

  constructor(@Inject(RetrainingService) private readonly retraining: RetrainingService) {
    super();
  }

  async process(job: Job<RetrainJobData>): Promise<Record<string, unknown>> {
    this.logger.log(`${job.name} ${job.id}: ${job.data.model}`);
    return this.retraining.process(job);
  }
}

/** Registers a job scheduler per enabled retraining policy when the worker starts (setRetrainPolicy keeps them in step). */
@Injectable()
export class RetrainingScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('RetrainingScheduler');
  constructor(@Inject(RetrainingService) private readonly retraining: RetrainingService) {}

  async onApplicationBootstrap(): Promise<void> {
    const n = await this.retraining.scheduleAll();
    if (n) this.logger.log(`${n} retraining schedule(s) registered`);
  }
}
