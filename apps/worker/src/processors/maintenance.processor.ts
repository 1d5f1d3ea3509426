import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobService } from '@app/market';
import { QueueNames } from '@app/queue';
import type { Job, Queue } from 'bullmq';

/** Housekeeping: postings past their expiry date become `expired`. */
@Processor(QueueNames.maintenance)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger('MaintenanceProcessor');

  constructor(@Inject(JobService) private readonly jobs: JobService) {
    super();
  }

  async process(job: Job): Promise<{ expired: number }> {
    if (job.name !== 'expire-jobs') throw new Error(`unknown maintenance job ${job.name}`);
    const expired = await this.jobs.expireDue();
    if (expired) this.logger.log(`expired ${expired} postings`);
    return { expired };
  }
}

@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueNames.maintenance) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler('expire-jobs-hourly', { every: 3_600_000 }, { name: 'expire-jobs', opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
}
