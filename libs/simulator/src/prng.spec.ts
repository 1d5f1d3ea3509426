import { describe, expect, it } from '@jest/globals';
import { Mulberry32, stream } from './prng.js';

describe('Mulberry32', () => {
  // Reference values: Tommy Ettinger's C implementation of mulberry32 (uint32_t state, `state += 0x6D2B79F5`),
  // compiled with gcc and run for seeds 0 and 42.
  it('matches the reference implementation for seed 0', () => {
    const r = new Mulberry32(0);
    expect([1, 2, 3, 4, 5].map(() => r.nextUint32())).toEqual([1144304738, 1416247, 958946056, 627933444, 2007157716]);
  });

  it('matches the reference implementation for seed 42', () => {
    const r = new Mulberry32(42);
    expect([1, 2, 3, 4, 5].map(() => r.nextUint32())).toEqual([2581720956, 1925393290, 3661312704, 2876485805, 750819978]);
  });

  it('gives uniform floats in [0, 1) with mean near 1/2', () => {
    const r = new Mulberry32(7);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.01);
  });

  it('derives independent, reproducible per-entity streams', () => {
    expect(stream(1, 'job', 3).nextUint32()).toBe(stream(1, 'job', 3).nextUint32());
    expect(stream(1, 'job', 3).nextUint32()).not.toBe(stream(1, 'job', 4).nextUint32());
    expect(stream(1, 'job', 3).nextUint32()).not.toBe(stream(2, 'job', 3).nextUint32());
  });
});
