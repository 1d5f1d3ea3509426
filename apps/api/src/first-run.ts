import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AuthService } from '@app/auth';
import { PiiMaintenanceService } from '@app/privacy';
import { QueueNames } from '@app/queue';
import { SEED_JOB_ID, SEED_JOB_NAME } from '@app/simulator';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Seed used for the first-run market (`matchlab simulate market --seed 1` gives the same data). */
const FIRST_RUN_SEED = 1;

/** On the first start: create the local admin and say how to sign in; seed a synthetic market into an empty database. */
@Injectable()
export class FirstRun implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('FirstRun');
  private seedWatch?: NodeJS.Timeout;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(DataSource) private readonly ds: DataSource,
    @InjectQueue(QueueNames.simulation) private readonly simulation: Queue,
    @Optional() @Inject(PiiMaintenanceService) private readonly pii?: PiiMaintenanceService,
  ) {}

  /**
   * Rows written before PII encryption (PiiEncryption1764200900000) still hold plaintext: encrypt them in batches, in
   * the background (readers fall back to the legacy plaintext meanwhile). Same as `matchlab pii encrypt-existing`.
   */
  private encryptLegacyPii(): void {
    void this.pii
      ?.encryptExisting()
      .then((r) => {
        if (r.candidates + r.resumes + r.alertSubscriptions + r.alertSuppressions > 0) {
          this.logger.log(`PII at rest: encrypted ${r.candidates} candidates, ${r.resumes} resumes, ${r.alertSubscriptions} alert subscriptions and ${r.alertSuppressions} suppression entries written before encryption`);
        }
      })
      .catch((err: Error) => this.logger.error(`PII at rest: encrypting legacy rows failed (run \`matchlab pii encrypt-existing\`): ${err.message}`));
  }

  onApplicationShutdown(): void {
    if (this.seedWatch) clearInterval(this.seedWatch);
  }

  /** One idempotent seed job (fixed job id: concurrent first starts enqueue it once; the simulator is idempotent per seed too). */
  private async seedMarket(): Promise<void> {
    const { onStart, candidates, jobs, days } = this.config.seed;
    if (!onStart || jobs === 0 || candidates === 0) return;
    const [{ any }] = (await this.ds.query(`SELECT EXISTS (SELECT 1 FROM jobs) AS any`)) as Array<{ any: boolean }>;
    if (any) return;
    await this.simulation.add(SEED_JOB_NAME, { seed: FIRST_RUN_SEED, candidates, jobs, days }, { jobId: SEED_JOB_ID, removeOnComplete: false, removeOnFail: false, attempts: 2 });
    this.logger.log(`seeding a synthetic market (seed ${FIRST_RUN_SEED}: ${candidates} candidates, ${jobs} jobs, ${days} days) on the ${QueueNames.simulation} queue`);
    let last = '';
    this.seedWatch = setInterval(() => {
      void this.simulation
        .getJob(SEED_JOB_ID)
        .then(async (job) => {
          if (!job) return;
          const state = await job.getState();
          const line = `seed market: ${state}, ${typeof job.progress === 'number' ? job.progress : 0}%`;
          if (line !== last) this.logger.log(line);
          last = line;
          if (state === 'completed' || state === 'failed') {
            if (state === 'failed') this.logger.error(`seed market failed: ${job.failedReason}`);
            clearInterval(this.seedWatch);
          }
        })
        .catch(() => undefined);
    }, 3000);
    this.seedWatch.unref();
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = await this.auth.ensureAdmin(this.config.admin.email, this.config.admin.password);
    if (admin) {
      const file = join(this.config.dataDir, 'admin-credentials.txt');
      writeFileSync(file, `email: ${admin.email}\npassword: ${admin.password}\n`, { mode: 0o600 });
      const howTo =
        `Created admin ${admin.email} (password in ${file}). Sign in: ` +
        `mutation { login(email: "${admin.email}", password: "…") { token } }, or run: npx matchlab login`;
      this.logger.log(howTo);
      process.stdout.write(`\n${howTo}\n\n`);
    }
    if (this.config.pii.developmentKeys) this.logger.warn('PII at rest is encrypted with the public development keys: set PII_KEYS and PII_INDEX_KEY for real data');
    this.encryptLegacyPii();
    await this.seedMarket();
  }
}
