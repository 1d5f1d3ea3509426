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
