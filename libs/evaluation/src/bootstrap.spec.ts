import { describe, expect, it } from '@jest/globals';
import { bootstrapMeanCI, comparePaired, quantileSorted } from './bootstrap.js';
import { SeededRandom } from './rng.js';

describe('bootstrap and paired comparison', () => {
  it('quantiles interpolate like numpy (type 7)', () => {
    const s = Float64Array.of(1, 2, 3, 4);
    expect(quantileSorted(s, 0.5)).toBe(2.5);
    expect(quantileSorted(s, 0.025)).toBeCloseTo(1.075, 12);
  });

  it('the CI of a constant vector is that constant; wider data gives a wider interval', () => {
    expect(bootstrapMeanCI(Float64Array.of(0.3, 0.3, 0.3))).toEqual({ low: 0.3, high: 0.3 });
    const rng = new SeededRandom(1);
    const narrow = Float64Array.from({ length: 400 }, () => 0.5 + 0.01 * rng.next());
    const wide = Float64Array.from({ length: 400 }, () => rng.next());
    const n = bootstrapMeanCI(narrow);
    const w = bootstrapMeanCI(wide);
    expect(w.high - w.low).toBeGreaterThan(10 * (n.high - n.low));
  });

  it('a clear paired improvement has a small p-value and a CI above 0; identical results give p = 1', () => {
    const rng = new SeededRandom(3);
    const a = Float64Array.from({ length: 300 }, () => rng.next());
    const b = a.map((x) => Math.min(1, x + 0.05 + 0.02 * (rng.next() - 0.5)));
    const c = comparePaired(a, b, { seed: 5 });
    expect(c.difference).toBeGreaterThan(0.03);
    expect(c.ci.low).toBeGreaterThan(0);
    expect(c.pValue).toBeLessThan(0.01);
    expect(comparePaired(a, b, { seed: 5 })).toEqual(c);
    expect(comparePaired(a, a).pValue).toBe(1);
  });

  it('noise around zero is not significant and pairs with NaN are dropped', () => {
    const rng = new SeededRandom(9);
    const a = Float64Array.from({ length: 200 }, () => rng.next());
    const b = a.map((x) => x + (rng.next() - 0.5) * 0.001);
    a[0] = NaN;
    const c = comparePaired(a, b, { seed: 1 });
    expect(c.users).toBe(199);
    expect(c.ci.low).toBeLessThan(0.001);
    expect(c.pValue).toBeGreaterThan(0.01);
  });
});

describe('shared resamples', () => {
  it('several columns bootstrapped together give each column\'s own interval exactly', async () => {
    const { bootstrapMeanCIs } = await import('./bootstrap.js');
    const rng = new SeededRandom(4);
    const a = Float64Array.from({ length: 97 }, () => rng.next());
    const b = Float64Array.from({ length: 97 }, () => rng.next() * 0.3);
    expect(bootstrapMeanCIs([a, b], { seed: 8, samples: 300 })).toEqual([bootstrapMeanCI(a, { seed: 8, samples: 300 }), bootstrapMeanCI(b, { seed: 8, samples: 300 })]);
  });
});

describe('comparing many metrics at once', () => {
  it('shared draws give each metric exactly comparePaired; metrics with other users form their own group', async () => {
    const { comparePairedMany } = await import('./bootstrap.js');
    const rng = new SeededRandom(12);
    const as = [0, 1, 2].map(() => Float64Array.from({ length: 150 }, () => rng.next()));
    const bs = as.map((a, m) => a.map((x) => Math.min(1, x + (m - 1) * 0.03 + 0.1 * (rng.next() - 0.5))));
    as[2]![7] = NaN; // novelty-like: a user without a value
    const many = comparePairedMany(as, bs, { seed: 3, samples: 400, permutations: 700 });
    many.forEach((r, m) => {
      const { method, ...rest } = r;
      expect(method).toBe('resampling');
      expect(rest).toEqual(comparePaired(as[m]!, bs[m]!, { seed: 3, samples: 400, permutations: 700 }));
    });
    expect(many[2]!.users).toBe(149);
  });

  it('the normal approximation used for many users agrees with resampling', async () => {
    const { comparePairedMany } = await import('./bootstrap.js');
    const rng = new SeededRandom(21);
    const a = Float64Array.from({ length: 1500 }, () => rng.next());
    const b = a.map((x) => Math.min(1, Math.max(0, x + 0.004 + 0.3 * (rng.next() - 0.5))));
    const [exact] = comparePairedMany([a], [b]);
    const [approx] = comparePairedMany([a], [b], { resampleUpTo: 100 });
    expect(approx!.method).toBe('normal');
    expect(approx!.difference).toBe(exact!.difference);
    expect(approx!.ci.low).toBeCloseTo(exact!.ci.low, 3);
    expect(approx!.ci.high).toBeCloseTo(exact!.ci.high, 3);
    expect(Math.abs(approx!.pValue - exact!.pValue)).toBeLessThan(0.02);
    expect(exact!.pValue).toBeGreaterThan(0.01);
    expect(exact!.pValue).toBeLessThan(0.2);
  });

  it('erfc and the normal quantile match reference values', async () => {
    const { erfc, normalQuantile } = await import('./bootstrap.js');
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.1572992070502851, 7); // scipy.special.erfc(1)
    expect(erfc(-0.5)).toBeCloseTo(1.5204998778130465, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8); // scipy.stats.norm.ppf(0.975)
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
  });
});
