import type { Command } from 'commander';
import { SimulatorError, SimulatorModule, SimulatorService } from '@app/simulator';
import { withCliContext } from '../cli-context.js';
import { CliError, printResult, progressBar } from '../cli-output.js';

function int(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new CliError(`--${name} must be a non-negative integer, got "${value}"`);
    return Number(value);
  };
}

export function register(program: Command): void {
  const simulate = program.command('simulate').description('Synthetic data from the latent market model');
  simulate
    .command('market')
    .description('Generate a reproducible synthetic job market (companies, jobs, candidates, interactions, ground truth); idempotent per seed')
    .option('--candidates <n>', 'number of candidates', int('candidates'), 2000)
    .option('--jobs <n>', 'number of job postings', int('jobs'), 5000)
    .option('--days <n>', 'days of interaction history', int('days'), 30)
    .option('--seed <n>', 'random seed (0…4294967295); one market per seed', int('seed'), 1)
    .option('--start <date>', 'first simulated day (UTC, YYYY-MM-DD); default: <days> days before today')
    .option('--json', 'print JSON')
    .action(async (opts: { candidates: number; jobs: number; days: number; seed: number; start?: string; json?: boolean }) => {
      let start: Date | undefined;
      if (opts.start !== undefined) {
        start = new Date(`${opts.start}T00:00:00Z`);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.start) || Number.isNaN(start.getTime())) throw new CliError(`--start must be a date YYYY-MM-DD, got "${opts.start}"`);
      }
      await withCliContext([SimulatorModule], async (ctx) => {
        const bar = progressBar(`simulate seed ${opts.seed}`, 100, !opts.json);
        const t0 = Date.now();
        const result = await ctx
          .get(SimulatorService)
          .simulateMarket({ seed: opts.seed, candidates: opts.candidates, jobs: opts.jobs, days: opts.days, start }, (p) => {
            bar.update(Math.floor(p.percent), { rate: Math.round(p.rows / Math.max(0.001, (Date.now() - t0) / 1000)) });
          })
          .catch((err: unknown) => {
            if (err instanceof SimulatorError) throw new CliError(err.message);
            throw err;
          })
          .finally(() => bar.stop());
        printResult(result, !!opts.json, () =>
          result.created
            ? `market ${result.marketId} (seed ${result.seed}, from ${result.start.slice(0, 10)}): ${result.companies} companies, ${result.jobs} jobs, ${result.candidates} candidates, ${result.interactions} interactions in ${result.seconds} s`
            : `market ${result.marketId} with seed ${result.seed} already exists (${result.jobs} jobs, ${result.candidates} candidates, ${result.interactions} interactions); nothing changed`,
        );
      });
    });
}
