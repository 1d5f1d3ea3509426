import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DriftService, FeatureJobsService, type FeatureJobData } from '@app/features';
import { QueueNames } from '@app/queue';
import { RetrainingService } from '@app/retraining';
import type { Job, Queue } from 'bullmq';

/**
 * Feature-store jobs: compute (market tables → offline store), materialize (offline → online, with progress)
 * and drift (online values vs training statistics). Concurrency 1: these are I/O-heavy bulk jobs. drainDelay 1 s:
 * "materialise now" is interactive, and where the queue's NOTIFY does not reach the worker (embedded PGlite) an
 * idle worker would otherwise look for new jobs only every 5 s.
 */
@Processor(QueueNames.features, { concurrency: 1, lockDuration: 120_000, drainDelay: 1 })
export class FeaturesProcessor extends WorkerHost {
  private readonly logger = new Logger('FeaturesProcessor');

  constructor(
    @Inject(FeatureJobsService) private readonly jobs: FeatureJobsService,
    @Inject(DriftService) private readonly drift: DriftService,
    @Inject(RetrainingService) private readonly retraining: RetrainingService,
  ) {
    super();
  }

  async process(job: Job<FeatureJobData>): Promise<Record<string, unknown>> {
    if (job.name !== 'compute' && job.name !== 'materialize' && job.name !== 'drift') throw new Error(`unknown features job ${job.name}`);
    this.logger.log(`${job.name} ${job.id}`);
    const started = Date.now();
    const result = await this.jobs.process(job);
    this.logger.log(`${job.name} ${job.id}: done`);
    if (job.name === 'drift') {
      // continuous learning: a retraining policy with a drift trigger retrains when its features drifted in this run
      const rows = (await this.drift.latest()).filter((r) => new Date(r.computedAt).getTime() >= started - 1000);
      const runs = await this.retraining.onDrift(rows).catch((err: Error) => { this.logger.warn(`drift-triggered retraining failed: ${err.message}`); return []; });
      if (runs.length) result['retrainRuns'] = runs.map((r) => r.id);
    }
    return result;
  }
}

/** Drift of every feature service version with training statistics, hourly (nothing to do until a training set was exported). */
@Injectable()
export class FeatureDriftScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueNames.features) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    const data: FeatureJobData = { kind: 'drift', drift: {}, createdBy: 'scheduler' };
    await this.queue.upsertJobScheduler('feature-drift-hourly', { every: 3_600_000 }, { name: 'drift', data, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
}
