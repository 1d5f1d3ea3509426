import { describe, expect, it } from '@jest/globals';
import { bestTrial, planTrials } from './search.js';

describe('planTrials', () => {
  it('expands a grid in order, base parameters underneath', () => {
    expect(planTrials({ method: 'grid', space: { a: [1, 2], b: ['x', 'y'] } }, { c: true })).toEqual([
      { c: true, a: 1, b: 'x' }, { c: true, a: 1, b: 'y' }, { c: true, a: 2, b: 'x' }, { c: true, a: 2, b: 'y' },
    ]);
  });

  it('samples random trials reproducibly from the seed, within the ranges', () => {
    const plan = { method: 'random' as const, space: { lr: { min: 0.001, max: 0.1, log: true }, f: { min: 4, max: 16, integer: true }, c: ['a', 'b'] }, trials: 20, seed: 3 };
    const a = planTrials(plan), b = planTrials(plan);
    expect(a).toEqual(b);
    expect(planTrials({ ...plan, seed: 4 })).not.toEqual(a);
    for (const t of a) {
      expect(t['lr']).toBeGreaterThanOrEqual(0.001);
      expect(t['lr']).toBeLessThanOrEqual(0.1);
      expect(Number.isInteger(t['f'])).toBe(true);
      expect(['a', 'b']).toContain(t['c']);
    }
  });

  it('names a bad search space', () => {
    expect(() => planTrials({ method: 'grid', space: { a: { min: 1, max: 2 } } })).toThrow('grid search needs a list of values for a');
    expect(() => planTrials({ method: 'random', space: { a: { min: 3, max: 2 } } })).toThrow('search space a');
    expect(() => planTrials({ method: 'grid', space: {} })).toThrow('search space is empty');
  });
});

describe('bestTrial', () => {
  it('picks the highest value of the metric, the earlier trial on ties, skipping trials without it', () => {
    expect(bestTrial([{ m: 0.2 }, null, { m: 0.5 }, { m: 0.5 }, { x: 1 }], 'm')).toBe(2);
    expect(bestTrial([{ x: 1 }], 'm')).toBe(-1);
  });
});
