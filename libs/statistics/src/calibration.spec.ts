// Calibration by simulation on the synthetic market (libs/simulator behaviour model): 500 A/A experiments analysed
// once at the end and 500 peeked at daily, and 500 A/B experiments with a known better ranking. The simulation runs
// in a child process on SWC-compiled code (jest's module sandbox makes these hot loops ~10x slower).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimulationResult } from './calibration.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('calibration by simulation (500 runs each)', () => {
  let r: { aa: SimulationResult; aaDaily: SimulationResult; ab: SimulationResult; seconds: number };
  beforeAll(() => {
    const out = execFileSync(process.execPath, ['bench/statistics-build.mjs', 'bench/statistics-calibrate.ts', '--runs', '500', '--units', '1000'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    r = JSON.parse(out.trim().split('\n').pop()!);
  }, 120_000);

  it('A/A, one analysis at the end: false positive rate within [0.03, 0.07] for every metric type', () => {
    expect(r.aa.runs).toBe(500);
    expect(r.aa.falsePositiveRate).toBeGreaterThanOrEqual(0.03);
    expect(r.aa.falsePositiveRate).toBeLessThanOrEqual(0.07);
    for (const m of Object.values(r.aa.metrics)) {
      expect(m.fixedHorizon).toBeGreaterThanOrEqual(0.03);
      expect(m.fixedHorizon).toBeLessThanOrEqual(0.07);
    }
    expect(r.aa.srmFlagRate).toBeLessThanOrEqual(0.01);
  });

  it('A/A peeked daily: group-sequential boundaries stay within [0.03, 0.07]; always-valid intervals never exceed alpha; naive peeking inflates', () => {
    expect(r.aaDaily.falsePositiveRate).toBeGreaterThanOrEqual(0.03);
    expect(r.aaDaily.falsePositiveRate).toBeLessThanOrEqual(0.07);
    for (const m of Object.values(r.aaDaily.metrics)) {
      expect(m.groupSequentialPeeking!).toBeGreaterThanOrEqual(0.03);
      expect(m.groupSequentialPeeking!).toBeLessThanOrEqual(0.07);
      expect(m.alwaysValidPeeking!).toBeLessThanOrEqual(0.05);
      expect(m.naivePeeking!).toBeGreaterThan(0.1);
    }
  });

  it('A/B with a known better ranking: power within 10 points of the calculator', () => {
    expect(r.ab.power!).toBeGreaterThan(0.2);
    expect(r.ab.power!).toBeLessThan(0.95);
    expect(Math.abs(r.ab.power! - r.ab.predictedPower!)).toBeLessThanOrEqual(0.1);
  });
});
