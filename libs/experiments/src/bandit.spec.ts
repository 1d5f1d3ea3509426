import { banditUnitDraw, checkBanditConfig, computeAllocation, isBanditProblem, pickArm, thompsonSeed } from './bandit.js';

describe('bandit allocation (pure)', () => {
  it('requires an exploration floor in (0, 1/arms) with typed codes', () => {
    expect(checkBanditConfig(null, 3)).toMatchObject({ code: 'EXPLORATION_FLOOR_REQUIRED' });
    expect(checkBanditConfig({}, 3)).toMatchObject({ code: 'EXPLORATION_FLOOR_REQUIRED' });
    for (const bad of [0, -0.1, 1 / 3, 0.5, Number.NaN]) expect(checkBanditConfig({ explorationFloor: bad }, 3)).toMatchObject({ code: 'INVALID_EXPLORATION_FLOOR' });
    expect(checkBanditConfig({ explorationFloor: 0.05, reward: 'view' as never }, 3)).toMatchObject({ code: 'INVALID_INPUT' });
    const ok = checkBanditConfig({ explorationFloor: 0.05 }, 3);
    expect(isBanditProblem(ok)).toBe(false);
    expect(ok).toEqual({ explorationFloor: 0.05, reward: 'click', refreshMinutes: 60, samples: 10_000 });
  });

  it('picks arms by cumulative probability, skipping arms with zero probability', () => {
    expect(pickArm([0.2, 0.3, 0.5], 0)).toBe(0);
    expect(pickArm([0.2, 0.3, 0.5], 0.19999)).toBe(0);
    expect(pickArm([0.2, 0.3, 0.5], 0.2)).toBe(1);
    expect(pickArm([0.2, 0.3, 0.5], 0.99999)).toBe(2);
    expect(pickArm([0.5, 0, 0.5], 0.5)).toBe(2);
    expect(pickArm([0.3, 0.3, 0.3999999999], 0.9999999999999)).toBe(2);
  });

  it('unit draws are deterministic and uniform, so arm shares match the allocation', () => {
    expect(banditUnitDraw('s:1', 3, 'u42')).toBe(banditUnitDraw('s:1', 3, 'u42'));
    expect(banditUnitDraw('s:1', 3, 'u42')).not.toBe(banditUnitDraw('s:1', 4, 'u42'));
    const p = [0.1, 0.6, 0.3];
    const n = [0, 0, 0];
    const N = 100_000;
    for (let u = 0; u < N; u++) n[pickArm(p, banditUnitDraw('exp:1:abcd', 2, String(u)))]!++;
    n.forEach((c, i) => expect(Math.abs(c / N - p[i]!)).toBeLessThan(0.005));
  });

  it('epoch 0 follows the configured weights (floored); later epochs follow the posterior, reproducibly', () => {
    const variants = ['a', 'b', 'c'];
    const first = computeAllocation({ variants, counts: {}, floor: 0.05, samples: 5000, seed: 1, initialWeights: [0.98, 0.01, 0.01] });
    expect(first.map((x) => Number(x.probability.toFixed(12)))).toEqual([0.9, 0.05, 0.05]);
    expect(first.every((x) => x.probabilityBest === null)).toBe(true);
    const counts = { a: { trials: 1000, successes: 100 }, b: { trials: 1000, successes: 160 }, c: { trials: 50, successes: 4 } };
    const seed = thompsonSeed('exp:1:abcd', 1);
    const next = computeAllocation({ variants, counts, floor: 0.05, samples: 10_000, seed });
    expect(next[1]!.probability).toBeGreaterThan(0.85);
    expect(next[0]!.probability).toBeCloseTo(0.05, 12); // P(best) ≈ 0 → the floor
    for (const x of next) expect(x.probability).toBeGreaterThanOrEqual(0.05 - 1e-12);
    expect(next.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 12);
    expect(next[1]).toMatchObject({ trials: 1000, successes: 160, alpha: 161, beta: 841 });
    expect(computeAllocation({ variants, counts, floor: 0.05, samples: 10_000, seed })).toEqual(next);
  });

  it('killed arms get nothing; the floor applies to the live arms', () => {
    const a = computeAllocation({ variants: ['a', 'b', 'c'], killed: ['a'], counts: { b: { trials: 500, successes: 100 }, c: { trials: 500, successes: 50 } }, floor: 0.1, samples: 5000, seed: 3 });
    expect(a[0]).toMatchObject({ probability: 0, probabilityBest: null });
    expect(a[1]!.probability).toBeCloseTo(0.9, 12);
    expect(a[2]!.probability).toBeCloseTo(0.1, 12);
  });
});
