import { armTargetProbabilities, offPolicyEstimate } from './off-policy.js';
import { SeededRng } from './rng.js';

// Five logged lists: arm, propensity, reward. Target: always serve "a".
const actions = ['a', 'b', 'a', 'a', 'b'];
const propensities = [0.5, 0.5, 0.25, 0.5, 0.75];
const rewards = [1, 0, 0, 1, 1];
const target = armTargetProbabilities(actions, 'a'); // 1, 0, 1, 1, 0

describe('off-policy estimates (IPS, SNIPS) against hand-computed values', () => {
  it('IPS, SNIPS, their standard errors and intervals, ESS', () => {
    const r = offPolicyEstimate({ rewards, propensities, targetProbabilities: target });
    // w = 2, 0, 4, 2, 0; w·r = 2, 0, 0, 2, 0
    // IPS = 4/5 = 0.8; deviations of w·r from 0.8: 1.2, −0.8, −0.8, 1.2, −0.8 → Σ² = 4.8, s² = 1.2, SE = √(1.2/5)
    expect(r.ips.estimate).toBeCloseTo(0.8, 12);
    expect(r.ips.se).toBeCloseTo(Math.sqrt(0.24), 12);
    expect(r.ips.ciLow).toBeCloseTo(0.8 - 1.959963984540054 * Math.sqrt(0.24), 10);
    expect(r.ips.ciHigh).toBeCloseTo(0.8 + 1.959963984540054 * Math.sqrt(0.24), 10);
    // SNIPS = 4/8 = 0.5; w(r − 0.5) = 1, 0, −2, 1, 0 → Σ² = 6; Var = 5/4 · 6 / 8² = 0.1171875
    expect(r.snips!.estimate).toBeCloseTo(0.5, 12);
    expect(r.snips!.se).toBeCloseTo(Math.sqrt(0.1171875), 12);
    // ESS = 8² / (4 + 16 + 4) = 64/24
    expect(r.effectiveSampleSize).toBeCloseTo(64 / 24, 12);
    expect(r).toMatchObject({ n: 5, clusters: 5, matched: 3, sumWeights: 8, meanWeight: 1.6, maxWeight: 4, clipped: 0 });
    expect(r.ips.bootstrapLow).toBeNull();
  });

  it('cluster-robust standard errors when lists share a unit', () => {
    const r = offPolicyEstimate({ rewards, propensities, targetProbabilities: target, clusters: ['u1', 'u1', 'u2', 'u3', 'u3'] });
    // IPS per cluster: Σwr = 2, 0, 2; m = 2, 1, 2; residuals 2 − 1.6, 0 − 0.8, 2 − 1.6 → Σ² = 0.96; Var = 3/2 · 0.96 / 25
    expect(r.ips.estimate).toBeCloseTo(0.8, 12);
    expect(r.ips.se).toBeCloseTo(0.24, 12);
    // SNIPS per cluster: Σ w(r − 0.5) = 1, −2, 1 → Σ² = 6; Var = 3/2 · 6 / 64
    expect(r.snips!.se).toBeCloseTo(0.375, 12);
    expect(r.clusters).toBe(3);
  });

  it('clips weights', () => {
    const r = offPolicyEstimate({ rewards, propensities, targetProbabilities: target, clip: 3 });
    // w = 2, 0, 3, 2, 0: the clipped list had no reward, so IPS is unchanged and SNIPS = 4/7
    expect(r.clipped).toBe(1);
    expect(r.ips.estimate).toBeCloseTo(0.8, 12);
    expect(r.snips!.estimate).toBeCloseTo(4 / 7, 12);
    expect(r.maxWeight).toBe(3);
  });

  it('a stochastic target over arms and a target that never matches', () => {
    const mixed = offPolicyEstimate({ rewards, propensities, targetProbabilities: armTargetProbabilities(actions, { a: 0.5, b: 0.5 }) });
    // w = 1, 1, 2, 1, 2/3; w·r = 1, 0, 0, 1, 2/3 → IPS = (8/3)/5; SNIPS = (8/3)/(17/3) = 8/17
    expect(mixed.ips.estimate).toBeCloseTo(8 / 15, 12);
    expect(mixed.snips!.estimate).toBeCloseTo(8 / 17, 12);
    const none = offPolicyEstimate({ rewards, propensities, targetProbabilities: armTargetProbabilities(actions, 'c') });
    expect(none.ips.estimate).toBe(0);
    expect(none.snips).toBeNull();
    expect(none.matched).toBe(0);
  });

  it('is unbiased: under a known logging policy the estimate covers the true rate about 95% of the time', () => {
    const rng = new SeededRng(11);
    const rate: Record<string, number> = { a: 0.3, b: 0.1, c: 0.2 };
    const mu: Record<string, number> = { a: 0.2, b: 0.5, c: 0.3 };
    let covered = 0, snipsCovered = 0, sum = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) {
      const n = 2000;
      const acts: string[] = [], props: number[] = [], rs: number[] = [];
      for (let i = 0; i < n; i++) {
        const u = rng.next();
        const a = u < 0.2 ? 'a' : u < 0.7 ? 'b' : 'c';
        acts.push(a);
        props.push(mu[a]!);
        rs.push(rng.next() < rate[a]! ? 1 : 0);
      }
      const r = offPolicyEstimate({ rewards: rs, propensities: props, targetProbabilities: armTargetProbabilities(acts, 'a') });
      sum += r.ips.estimate;
      if (r.ips.ciLow <= 0.3 && 0.3 <= r.ips.ciHigh) covered++;
      if (r.snips!.ciLow <= 0.3 && 0.3 <= r.snips!.ciHigh) snipsCovered++;
    }
    expect(Math.abs(sum / runs - 0.3)).toBeLessThan(0.005);
    expect(covered / runs).toBeGreaterThan(0.92);
    expect(covered / runs).toBeLessThan(0.98);
    expect(snipsCovered / runs).toBeGreaterThan(0.92);
  });

  it('a seeded cluster bootstrap agrees with the normal interval and is reproducible', () => {
    const rng = new SeededRng(5);
    const acts: string[] = [], props: number[] = [], rs: number[] = [], clusters: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const a = rng.next() < 0.25 ? 'a' : 'b';
      acts.push(a);
      props.push(a === 'a' ? 0.25 : 0.75);
      rs.push(rng.next() < (a === 'a' ? 0.4 : 0.2) ? 1 : 0);
      clusters.push(Math.floor(i / 3));
    }
    const input = { rewards: rs, propensities: props, targetProbabilities: armTargetProbabilities(acts, 'a'), clusters, bootstrap: { resamples: 1000, seed: 9 } };
    const r = offPolicyEstimate(input);
    expect(Math.abs(r.ips.bootstrapLow! - r.ips.ciLow)).toBeLessThan(0.01);
    expect(Math.abs(r.ips.bootstrapHigh! - r.ips.ciHigh)).toBeLessThan(0.01);
    expect(Math.abs(r.snips!.bootstrapLow! - r.snips!.ciLow)).toBeLessThan(0.01);
    expect(offPolicyEstimate(input)).toEqual(r);
  });

  it('refuses bad input with typed errors', () => {
    expect(() => offPolicyEstimate({ rewards: [1], propensities: [0], targetProbabilities: [1] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => offPolicyEstimate({ rewards: [1], propensities: [1.5], targetProbabilities: [1] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => offPolicyEstimate({ rewards: [1, 0], propensities: [0.5], targetProbabilities: [1, 0] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => offPolicyEstimate({ rewards: [], propensities: [], targetProbabilities: [] })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => offPolicyEstimate({ rewards: [1], propensities: [0.5], targetProbabilities: [1], clip: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => armTargetProbabilities(['a'], { a: 0.5 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
