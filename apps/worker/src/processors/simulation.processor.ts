import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { QueueNames } from '@app/queue';
import { SEED_JOB_NAME, SimulatorService, type SimulateOptions, type SimulateResult } from '@app/simulator';
import type { Job } from 'bullmq';

export interface SimulationJobData {
  seed: number;
  candidates: number;
  jobs: number;
  days: number;
  /** ISO date; default: `days` days before today. */
  start?: string;
}

/** Writes synthetic markets (the first-run seed and `simulate-market` jobs), reporting percent progress. */
@Processor(QueueNames.simulation)
export class SimulationProcessor extends WorkerHost {
  private readonly logger = new Logger('SimulationProcessor');

  constructor(@Inject(SimulatorService) private readonly simulator: SimulatorService) {
    super();
  }

  async process(job: Job<SimulationJobData>): Promise<SimulateResult> {
    if (job.name !== SEED_JOB_NAME && job.name !== 'simulate-market') throw new Error(`unknown simulation job ${job.name}`);
    const { seed, candidates, jobs, days, start } = job.data;
    const options: SimulateOptions = { seed, candidates, jobs, days, ...(start ? { start: new Date(start) } : {}) };
    let lastLogged = -1;
    let lastPercent = -1;
    const result = await this.simulator.simulateMarket(options, async (p) => {
      const percent = Math.floor(p.percent);
      if (percent !== lastPercent) {
        lastPercent = percent;
        await job.updateProgress(percent);
      }
      if (percent >= lastLogged + 25) {
        lastLogged = percent - (percent % 25);
        this.logger.log(`${job.name} seed ${seed}: ${percent}% (${p.phase})`);
      }
    });
    this.logger.log(
      result.created
        ? `market seed ${seed}: ${result.jobs} jobs, ${result.candidates} candidates, ${result.interactions} interactions in ${result.seconds} s`
        : `market seed ${seed} already present; nothing to do`,
    );
    return result;
  }
}
