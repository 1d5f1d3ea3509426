import { describe, expect, it } from '@jest/globals';
import { alsFoldIn, itemGram, mergeHistory } from './fold-in.js';
import { invertSpdInPlace, rng } from './linalg.js';
import { fitRecommender } from './strategies.js';
import type { AlsRecommender } from './strategies/als.js';
import { snapshotOf } from './test-fixtures.js';
import type { TrainingSnapshot } from './types.js';

/** 300 candidates × 120 jobs from 4 planted taste groups; each candidate interacts with ~12 jobs, 85% in-group. */
function planted(seed = 3): TrainingSnapshot {
  const rand = rng(seed);
  const pairs: [number, number][] = [];
  for (let u = 0; u < 300; u++) {
    const seen = new Set<number>();
    for (let t = 0; t < 12; t++) {
      const inGroup = rand() < 0.85;
      let j: number;
      do j = Math.floor(rand() * 120); while (inGroup && j % 4 !== u % 4);
      if (!seen.has(j)) { seen.add(j); pairs.push([u, j]); }
    }
  }
  const s = snapshotOf(300, 120, pairs);
  s.interactions.weight = Float32Array.from(pairs, (_, i) => 1 + (i % 3)); // click / save / apply strengths
  return s;
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i]! * b[i]!; aa += a[i]! * a[i]!; bb += b[i]! * b[i]!; }
  return ab / Math.sqrt(aa * bb);
};

describe('ALS fold-in (request time)', () => {
  it('reproduces every training candidate\'s trained vector from their training interactions', async () => {
    const params = { factors: 8, iterations: 40, regularization: 0.5, alpha: 2, cgSteps: 8 };
    const m = (await fitRecommender('als', planted(), params)) as AlsRecommender;
    const f = params.factors, gram = itemGram(m.itemFactors, f);
    let worstCos = 1, sumRel = 0;
    for (let u = 0; u < 300; u++) {
      const trained = m.userFactors.subarray(u * f, (u + 1) * f);
      const folded = alsFoldIn(m.itemFactors, f, m.catalog.items(u), m.catalog.values(u), params, gram);
      let diff = 0, norm = 0;
      for (let t = 0; t < f; t++) { diff += (folded[t]! - trained[t]!) ** 2; norm += trained[t]! ** 2; }
      sumRel += Math.sqrt(diff / norm);
      worstCos = Math.min(worstCos, cosine(folded, trained));
    }
    // training solved each row against the item factors of the previous sweep, by CG: close, not bit-equal
    expect(worstCos).toBeGreaterThan(0.99);
    expect(sumRel / 300).toBeLessThan(0.03);
  });

  it('is the exact solution of the normal equations (checked against an explicit inverse)', () => {
    const rand = rng(9);
    const f = 5, n = 30;
    const y = Float32Array.from({ length: n * f }, () => rand() - 0.5);
    const items = [2, 7, 7, 19], weights = [1, 2, 1, 3];
    const merged = mergeHistory(items, weights);
    expect(Array.from(merged.items)).toEqual([2, 7, 19]);
    expect(Array.from(merged.weights)).toEqual([1, 3, 3]);
    const p = { alpha: 4, regularization: 0.1 };
    const x = alsFoldIn(y, f, merged.items, merged.weights, p);
    // A = YᵀY + Σ (c−1) y yᵀ + λI, b = Σ c y, x = A⁻¹ b by the sweep-operator inverse
    const a = new Float64Array(f * f), b = new Float64Array(f);
    for (let j = 0; j < n; j++) for (let r = 0; r < f; r++) for (let c = 0; c < f; c++) a[r * f + c]! += y[j * f + r]! * y[j * f + c]!;
    merged.items.forEach((j, t) => {
      const c = 1 + p.alpha * merged.weights[t]!;
      for (let r = 0; r < f; r++) {
        b[r]! += c * y[j * f + r]!;
        for (let s = 0; s < f; s++) a[r * f + s]! += (c - 1) * y[j * f + r]! * y[j * f + s]!;
      }
    });
    for (let r = 0; r < f; r++) a[r * f + r]! += p.regularization;
    invertSpdInPlace(a, f);
    for (let r = 0; r < f; r++) {
      let s = 0;
      for (let c = 0; c < f; c++) s += a[r * f + c]! * b[c]!;
      expect(x[r]).toBeCloseTo(s, 4);
    }
  });

  it('gives the zero vector without positive interactions and refuses out-of-range items', () => {
    const y = Float32Array.from({ length: 12 }, (_, i) => i / 10);
    expect(Array.from(alsFoldIn(y, 3, [], [], { alpha: 1, regularization: 0.1 }))).toEqual([0, 0, 0]);
    expect(Array.from(alsFoldIn(y, 3, [1], [0], { alpha: 1, regularization: 0.1 }))).toEqual([0, 0, 0]);
    expect(() => alsFoldIn(y, 3, [4], [1], { alpha: 1, regularization: 0.1 })).toThrow(/item index 4 is out of range/);
  });

  it('a known candidate with interactions newer than the model moves toward the new jobs (recommend with history)', async () => {
    const params = { factors: 8, iterations: 20, regularization: 0.5, alpha: 2 };
    const m = (await fitRecommender('als', planted(), params)) as AlsRecommender;
    const u = 0; // group 0 (jobs with index % 4 === 0)
    const before = m.recommend(u, 10, { includeExpired: true });
    expect(before.filter((r) => r.job % 4 === 0).length).toBeGreaterThanOrEqual(8);
    // the candidate now applies to many group-1 jobs: the folded-in vector reflects it without a retrain
    const newJobs = [1, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45];
    const after = m.recommend({ index: u, history: newJobs, historyWeights: newJobs.map(() => 3) }, 10, { includeExpired: true });
    expect(after.filter((r) => r.job % 4 === 1).length).toBeGreaterThanOrEqual(5);
    for (const r of after) expect(newJobs).not.toContain(r.job); // the new interactions are excluded like training ones
    expect(() => m.recommend({ index: u, history: [1], historyWeights: [1, 2] }, 5)).toThrow(/historyWeights has 2 entries/);
  });
});
