import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { FairnessAuditService, fairnessSettings } from '@app/fairness';
import { QueueNames } from '@app/queue';
import type { Job, Queue } from 'bullmq';

/** `audit`: one fairness audit per collectable attribute that candidates have given (libs/fairness). */
@Processor(QueueNames.fairness, { concurrency: 1, drainDelay: 1 })
export class FairnessProcessor extends WorkerHost {
  constructor(@Inject(FairnessAuditService) private readonly audits: FairnessAuditService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name !== 'audit') throw new Error(`unknown fairness job ${job.name}`);
    return this.audits.runScheduled();
  }
}

/** Daily by default (MATCHLAB_FAIRNESS_AUDIT_EVERY_MS; 0 turns the schedule off), as a BullMQ job scheduler. */
@Injectable()
export class FairnessAuditScheduler implements OnApplicationBootstrap {
  static readonly schedulerId = 'fairness-audit';
  private readonly logger = new Logger('FairnessAudit');

  constructor(@InjectQueue(QueueNames.fairness) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    const { everyMs } = fairnessSettings();
    if (!(everyMs > 0)) {
      await this.queue.removeJobScheduler(FairnessAuditScheduler.schedulerId);
      this.logger.log('scheduled fairness audits are off (MATCHLAB_FAIRNESS_AUDIT_EVERY_MS=0)');
      return;
    }
    await this.queue.upsertJobScheduler(FairnessAuditScheduler.schedulerId, { every: Math.max(60_000, everyMs) }, { name: 'audit', opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
}
