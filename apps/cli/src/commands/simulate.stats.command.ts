import type { Command } from 'commander';
import { buildPanel, simulateExperiments, StatisticsError, type SimulationResult } from '@app/statistics';
import { CliError, printResult } from '../cli-output.js';

// Loaded after simulate.command.ts and simulate.experiment.command.ts (name order): adds `simulate aa` and `simulate ab`.
function int(name: string, min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new CliError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
    return Number(value);
  };
}
function alphaOpt(value: string): number {
  const a = Number(value);
  if (!(a > 0 && a < 1)) throw new CliError(`--alpha must lie in (0, 1), got "${value}"`);
  return a;
}
function peekOpt(value: string): 'none' | 'daily' {
  if (value !== 'none' && value !== 'daily') throw new CliError(`--peek must be none or daily, got "${value}"`);
  return value;
}

interface Opts {
  runs: number;
  units: number;
  days: number;
  alpha: number;
  peek: 'none' | 'daily';
  seed: number;
  candidates: number;
  jobs: number;
  json?: boolean;
}

function run(opts: Opts, effect: boolean): void {
  let result: SimulationResult;
  try {
    const panel = buildPanel({ seed: opts.seed, candidates: opts.candidates, jobs: opts.jobs });
    result = simulateExperiments(panel, { runs: opts.runs, units: opts.units, days: opts.days, alpha: opts.alpha, peek: opts.peek, seed: opts.seed, effect });
  } catch (err) {
    if (err instanceof StatisticsError) throw new CliError(err.message);
    throw err;
  }
  const m = result.metrics.clicksPerUnit;
  printResult(result, !!opts.json, () =>
    effect
      ? `${result.runs} A/B runs, ${result.units} units, ${result.days} days: power ${result.power} (calculator ${result.predictedPower?.toFixed(3)}) for a lift of ${result.meanLift?.toFixed(4)} clicks per unit, ${result.seconds} s`
      : `${result.runs} A/A runs, ${result.units} units, ${result.days} days, alpha ${result.alpha}: false positive rate ${result.falsePositiveRate} (95% CI ${result.rateCi.map((x) => x.toFixed(3)).join('–')})` +
        (opts.peek === 'daily' ? `; daily peeking: group-sequential ${m.groupSequentialPeeking}, always-valid ${m.alwaysValidPeeking}, naive ${m.naivePeeking}` : '') +
        `, ${result.seconds} s`,
  );
}

function options(c: Command): Command {
  return c
    .option('--runs <n>', 'simulated experiments', int('runs', 1), 500)
    .option('--units <n>', 'units (candidates) per experiment', int('units', 20), 2000)
    .option('--days <n>', 'days per experiment', int('days', 1), 14)
    .option('--alpha <a>', 'significance level', alphaOpt, 0.05)
    .option('--peek <mode>', 'none (one analysis at the end) or daily (sequential analysis every day)', peekOpt, 'none')
    .option('--seed <n>', 'random seed (market and runs)', int('seed', 0), 1)
    .option('--candidates <n>', 'candidates in the synthetic market panel', int('candidates', 10), 1000)
    .option('--jobs <n>', 'jobs in the synthetic market', int('jobs', 200), 1500)
    .option('--json', 'print JSON');
}

export function register(program: Command): void {
  const simulate = program.commands.find((c) => c.name() === 'simulate') ?? program.command('simulate').description('Synthetic data from the latent market model');
  options(simulate.command('aa').description('Calibration: A/A experiments on the synthetic market; prints the false positive rate (with --peek daily: of the sequential analysis)')).action((o: Opts) => run(o, false));
  options(simulate.command('ab').description('Calibration: A/B experiments with a known better ranking; prints the power and the calculator\'s prediction')).action((o: Opts) => run(o, true));
}
