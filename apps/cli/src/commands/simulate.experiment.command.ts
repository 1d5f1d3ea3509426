import type { Command } from 'commander';
import { ExperimentError, ExperimentsCoreModule } from '@app/experiments';
import { SimulatorError, SimulatorModule } from '@app/simulator';
import { withCliContext } from '../cli-context.js';
import { CliError, printResult } from '../cli-output.js';
import { simulateExperiment } from '../experiment-simulation.js';
import { resultsTable } from './experiments.command.js';

function int(name: string, min = 1) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new CliError(`--${name} must be an integer >= ${min}, got "${value}"`);
    return Number(value);
  };
}

// Loaded after simulate.command.ts (files load in name order), so it adds to the existing `simulate` command.
export function register(program: Command): void {
  const simulate = program.commands.find((c) => c.name() === 'simulate') ?? program.command('simulate').description('Synthetic data from the latent market model');
  simulate
    .command('experiment')
    .description('Run an A/B experiment end to end on the synthetic market (assignment, served lists, simulated behaviour, item-level logging, per-variant results)')
    .requiredOption('--control <strategy>', 'strategy served to control (popularity, content, item-knn, user-knn, als, ease, hybrid, two-tower)')
    .requiredOption('--treatment <strategy>', 'strategy served to treatment')
    .option('--units <n>', 'candidates in the market (all eligible)', int('units'), 1000)
    .option('--days <n>', 'experiment days (one list per unit per day)', int('days'), 7)
    .option('--seed <n>', 'market seed', int('seed', 0), 1)
    .option('--jobs <n>', 'jobs in the market (default: 2 per unit, 200…5000)', int('jobs'))
    .option('--history-days <n>', 'organic history before the experiment, used to fit both strategies', int('history-days'), 14)
    .option('--list-size <n>', 'items per ranked list', int('list-size'), 20)
    .option('--key <key>', 'experiment key (default: sim-<seed>-<control>-vs-<treatment>-<time>)')
    .option('--json', 'print JSON')
    .action(async (opts: { control: string; treatment: string; units: number; days: number; seed: number; jobs?: number; historyDays: number; listSize: number; key?: string; json?: boolean }) => {
      await withCliContext([SimulatorModule, ExperimentsCoreModule], async (ctx) => {
        const r = await simulateExperiment(ctx, opts, opts.json ? undefined : (l) => console.error(l)).catch((err: unknown) => {
          if (err instanceof ExperimentError || err instanceof SimulatorError) throw new CliError(`${err.code}: ${err.message}`);
          throw err;
        });
        printResult(r, !!opts.json, () =>
          [
            `experiment ${r.experimentKey}: ${opts.control} (control) vs ${opts.treatment} (treatment), ${opts.units} units, ${opts.days} days, seed ${opts.seed}`,
            `${r.rankings} ranked lists, ${r.items} exposed items, ${r.interactions} interactions logged in ${r.seconds} s`,
            resultsTable(r.variants),
            `ground truth (hidden from the analysis): mean click probability of a served item once examined: ${Object.entries(r.meanTrueClickProbability).map(([k, v]) => `${k} ${(v * 100).toFixed(2)}%`).join(', ')}`,
          ].join('\n'),
        );
      });
    });
}
