import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SourcesService, SYNC_JOB, type SourceRun, type SyncJobData } from '@app/connectors';
import { QueueNames } from '@app/queue';
import type { Job } from 'bullmq';

/**
 * Job source syncs (`sync-source` on the imports queue): a queued run from syncSource, or a scheduler tick (no runId:
 * a new `scheduled` run). Progress = records handled, reported to BullMQ and stored on the run.
 */
@Processor(QueueNames.imports, { concurrency: 1, lockDuration: 300_000 })
export class SourcesProcessor extends WorkerHost {
  private readonly logger = new Logger('SourcesProcessor');

  constructor(@Inject(SourcesService) private readonly sources: SourcesService) {
    super();
  }

  async process(job: Job<SyncJobData>): Promise<Pick<SourceRun, 'id' | 'status' | 'fetched' | 'new' | 'updated' | 'unchanged' | 'expired' | 'rejected'>> {
    if (job.name !== SYNC_JOB) throw new Error(`unknown imports job ${job.name}`);
    const run = await this.sources.sync(job.data.sourceId, {
      runId: job.data.runId || undefined,
      trigger: job.data.runId ? 'manual' : 'scheduled',
      onProgress: (n) => void job.updateProgress(n).catch(() => {}),
    });
    this.logger.log(`source ${job.data.sourceId} run ${run.id}: ${run.status}, ${run.fetched} fetched, ${run.new} new, ${run.updated} updated, ${run.expired} expired, ${run.rejected} rejected`);
    const { id, status, fetched, updated, unchanged, expired, rejected } = run;
    return { id, status, fetched, new: run.new, updated, unchanged, expired, rejected };
  }
}

/** Registers a job scheduler per enabled, scheduled source when the worker starts (addSource keeps them in step). */
@Injectable()
export class SourcesScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('SourcesScheduler');
  constructor(@Inject(SourcesService) private readonly sources: SourcesService) {}

  async onApplicationBootstrap(): Promise<void> {
    const n = await this.sources.scheduleAll();
    if (n) this.logger.log(`${n} job source schedule(s) registered`);
  }
}
