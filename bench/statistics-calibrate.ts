// Calibration by simulation without the CLI build: A/A without and with daily peeking, and A/B with a known better
// ranking, on one synthetic-market panel. Used by libs/statistics/src/calibration.spec.ts and by hand:
//   node bench/statistics-build.mjs bench/statistics-calibrate.ts [--runs 500] [--units 1000] [--seed 1]
import { buildPanel, simulateExperiments } from '../libs/statistics/src/calibration.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const runs = Number(arg('runs', '500')), units = Number(arg('units', '1000')), seed = Number(arg('seed', '1'));
const t0 = performance.now();
const panel = buildPanel({ seed });
const aa = simulateExperiments(panel, { runs, units, seed });
const aaDaily = simulateExperiments(panel, { runs, units, seed, peek: 'daily' });
const ab = simulateExperiments(panel, { runs, units, seed, effect: true });
console.log(JSON.stringify({ aa, aaDaily, ab, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) }));
