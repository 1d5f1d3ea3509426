import { describe, expect, it } from '@jest/globals';
import { drift, ksPValue, ksStatistic, psi, psiFromShares, quantileSorted, summarize } from './stats.js';

// Reference values: numpy 2.4 / scipy 1.17 (np.quantile, scipy.stats.ks_2samp, kstwobign.sf) and hand computation.
describe('feature statistics', () => {
  it('quantiles interpolate linearly between order statistics like numpy', () => {
    const xs = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    expect(quantileSorted(xs, 0.25)).toBeCloseTo(3.25, 12);
    expect(quantileSorted(xs, 0.9)).toBeCloseTo(9.1, 12);
  });

  it('summarises a numeric feature: count, missing rate, mean, population std, deciles as PSI bins', () => {
    const s = summarize('float', [1, 2, 3, 4, null, 5]);
    expect(s).toMatchObject({ kind: 'numeric', count: 6, missing: 1, min: 1, max: 5, mean: 3 });
    expect(s.missingRate).toBeCloseTo(1 / 6, 12);
    expect(s.std).toBeCloseTo(Math.SQRT2, 12);
    const t = summarize('int', Array.from({ length: 10 }, (_, i) => i + 1));
    expect(t.binEdges!.map((e) => +e.toFixed(6))).toEqual([1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1]);
    expect(t.binShares!.map((x) => +x.toFixed(6))).toEqual(new Array(10).fill(0.1));
    expect(t.quantiles!.find((q) => q.p === 0.5)!.value).toBeCloseTo(5.5, 12);
  });

  it('summarises categories by share, keeping the top 50 and folding the rest into __other__', () => {
    const s = summarize('string', ['a', 'a', 'b', null]);
    expect(s).toMatchObject({ kind: 'categorical', count: 4, missing: 1, categories: [{ value: 'a', share: 2 / 3 }, { value: 'b', share: 1 / 3 }] });
    const many = summarize('string', Array.from({ length: 60 }, (_, i) => `c${i}`));
    expect(many.categories).toHaveLength(51);
    expect(many.categories![50]).toEqual({ value: '__other__', share: 10 / 60 });
  });

  it('computes PSI against hand-computed values (shares, numeric deciles, categories with an unseen value)', () => {
    // (0.25−0.5)·ln(0.5) + (0.75−0.5)·ln(1.5)
    expect(psiFromShares([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.27465307216702745, 12);
    const train = summarize('float', Array.from({ length: 10 }, (_, i) => i + 1));
    expect(psi(train, [1, 1, 1, 1, 1, 10, 10, 10, 10, 10])).toBeCloseTo(6.808228348909804, 9);
    expect(psi(train, Array.from({ length: 10 }, (_, i) => i + 1))).toBeCloseTo(0, 12);
    const cats = { kind: 'categorical' as const, count: 10, missing: 0, missingRate: 0, categories: [{ value: 'a', share: 0.5 }, { value: 'b', share: 0.3 }, { value: 'c', share: 0.2 }] };
    expect(psi(cats, ['a', 'a', 'b', 'd'])).toBeCloseTo(3.4837655776151477, 9);
  });

  it('adds a missing bin when values go missing', () => {
    const train = summarize('float', [1, 2, 3, 4]);
    const p = psi(train, [1, 2, null, null])!;
    // bins of 1..4: edges (1.3, 1.6, 1.9, 2.2, 2.5, 2.8, 3.1, 3.4, 3.7) → 1 | 2 | 3 | 4 in bins 0, 3, 6, 9
    const e = [0.25, 0, 0, 0.25, 0, 0, 0.25, 0, 0, 0.25, 0], a = [0.25, 0, 0, 0.25, 0, 0, 0, 0, 0, 0, 0.5];
    expect(p).toBeCloseTo(psiFromShares(e, a), 12);
    expect(p).toBeGreaterThan(1);
  });

  it('computes the two-sample KS statistic and its asymptotic p-value like scipy', () => {
    const x = [0.1, 0.5, 0.9, 1.3, 2.2, 2.5, 3.1, 4.0], y = [0.3, 1.1, 1.7, 2.9, 3.3, 3.8, 4.4, 5.0, 5.5, 6.1];
    expect(ksStatistic(x, y)).toBeCloseTo(0.475, 12);
    expect(ksPValue(0.475, 8, 10)).toBeCloseTo(0.2685148591228448, 6);
    const a = Array.from({ length: 200 }, (_, i) => (i * 0.37) % 1.7), b = Array.from({ length: 150 }, (_, i) => ((i * 0.53) % 2.1) + 0.2);
    const d = ksStatistic(a, b);
    expect(d).toBeCloseTo(0.2733333333333333, 12);
    expect(ksPValue(d, 200, 150)).toBeCloseTo(5.479636084983901e-6, 9);
    expect(ksStatistic([1, 2, 3], [1, 2, 3])).toBe(0);
  });

  it('flags drift when PSI or KS passes the threshold, and not for the training distribution itself', () => {
    const values = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    const train = summarize('float', values);
    expect(drift(train, values)).toMatchObject({ drifted: false, ks: expect.any(Number) });
    expect(drift(train, values).psi!).toBeCloseTo(0, 12);
    expect(drift(train, values).ks!).toBeLessThan(0.01);
    const shifted = drift(train, values.map((v) => v + 300));
    expect(shifted.drifted).toBe(true);
    expect(shifted.psi!).toBeGreaterThan(0.2);
    expect(shifted.ks!).toBeCloseTo(0.306, 12); // scipy ks_2samp
  });
});
