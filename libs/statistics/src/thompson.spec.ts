import { logBeta } from './distributions.js';
import { SeededRng } from './rng.js';
import { floorAllocation, probabilityBest, probabilityBetaGreater, sampleBeta } from './thompson.js';

describe('Thompson sampling', () => {
  it('Beta draws have the Beta mean and variance', () => {
    const rng = new SeededRng(1);
    for (const [a, b] of [[2, 5], [0.5, 0.5], [30, 70]] as const) {
      let s = 0, s2 = 0;
      const n = 40_000;
      for (let i = 0; i < n; i++) {
        const x = sampleBeta(rng, a, b);
        s += x;
        s2 += x * x;
      }
      const mean = s / n, variance = s2 / n - mean * mean;
      expect(Math.abs(mean - a / (a + b))).toBeLessThan(0.005);
      expect(Math.abs(variance - (a * b) / ((a + b) ** 2 * (a + b + 1)))).toBeLessThan(0.002);
    }
  });

  it('the exact two-arm probability matches scipy numerical integration', () => {
    // scipy 1.17: quad(beta.pdf(x, a1, b1) * beta.cdf(x, a2, b2), 0, 1)
    expect(probabilityBetaGreater(11, 91, 6, 96, logBeta)).toBeCloseTo(0.9042682118576959, 9);
    expect(probabilityBetaGreater(3, 2, 2, 3, logBeta)).toBeCloseTo(0.7571428571428571, 9);
    expect(probabilityBetaGreater(40, 60, 35, 65, logBeta)).toBeCloseTo(0.7686099901923014, 9);
  });

  it('Monte Carlo P(best) agrees with the exact value and is reproducible from its seed', () => {
    const p = probabilityBest([{ alpha: 11, beta: 91 }, { alpha: 6, beta: 96 }], 20_000, 42);
    expect(Math.abs(p[0]! - 0.9042682118576959)).toBeLessThan(0.01);
    expect(p[0]! + p[1]!).toBeCloseTo(1, 12);
    expect(probabilityBest([{ alpha: 11, beta: 91 }, { alpha: 6, beta: 96 }], 20_000, 42)).toEqual(p);
    const three = probabilityBest([{ alpha: 1, beta: 1 }, { alpha: 1, beta: 1 }, { alpha: 1, beta: 1 }], 30_000, 7);
    for (const x of three) expect(Math.abs(x - 1 / 3)).toBeLessThan(0.015);
  });

  it('floors and renormalises: every arm keeps at least the floor, the rest keeps its proportions', () => {
    // 0.9, 0.08, 0.02 with floor 0.05: the third arm pinned at 0.05, 0.95 shared 0.9 : 0.08 → 0.8724…, 0.0775…
    const f = floorAllocation([0.9, 0.08, 0.02], 0.05);
    expect(f[2]).toBeCloseTo(0.05, 12);
    expect(f[0]).toBeCloseTo((0.95 * 0.9) / 0.98, 12);
    expect(f[1]).toBeCloseTo((0.95 * 0.08) / 0.98, 12);
    // pinning one arm can push another below the floor: 0.97, 0.02, 0.01 with floor 0.1 → both pinned, 0.8 left
    expect(floorAllocation([0.97, 0.02, 0.01], 0.1).map((x) => Number(x.toFixed(12)))).toEqual([0.8, 0.1, 0.1]);
    expect(floorAllocation([1, 0, 0, 0], 0.25)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(floorAllocation([0.5, 0.5], 0.05)).toEqual([0.5, 0.5]);
    expect(() => floorAllocation([0.5, 0.5, 0], 0.4)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
