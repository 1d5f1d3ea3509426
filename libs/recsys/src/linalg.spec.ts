import { describe, expect, it } from '@jest/globals';
import { invertSpdInPlace, rng } from './linalg.js';

describe('invertSpdInPlace', () => {
  it.each([1, 5, 50, 131])('inverts a random SPD matrix of size %i (A·A⁻¹ = I)', (n) => {
    const r = rng(n);
    const x = Array.from({ length: n * (n + 3) }, () => r() - 0.5);
    const a = new Float64Array(n * n);
    // A = XᵀX + I
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let t = 0; t < n + 3; t++) s += x[t * n + i]! * x[t * n + j]!;
      a[i * n + j] = s;
    }
    const inv = Float64Array.from(a);
    invertSpdInPlace(inv, n, 16);
    let maxErr = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += a[i * n + t]! * inv[t * n + j]!;
      maxErr = Math.max(maxErr, Math.abs(s - (i === j ? 1 : 0)));
    }
    expect(maxErr).toBeLessThan(1e-9);
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => invertSpdInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});
