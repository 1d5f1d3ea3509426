import { describe, expect, it } from '@jest/globals';
import { gradedNdcg, topNIndicator, truthGain } from './ground-truth.js';
import type { CandidateTruth, JobTruth } from './utility.js';

const cand: CandidateTruth = {
  occupation: 'data', skills: ['python', 'sql', 'statistics', 'pandas'], seniorityLevel: 2,
  salaryExpectationUsd: 100_000, lat: 52.52, lon: 13.405, remotePreference: 'any', latent: [0, 0, 0, 0, 0, 0, 0, 0],
};
const job: JobTruth = {
  occupation: 'data', skills: ['python', 'sql', 'statistics', 'pandas'], seniorityLevel: 2, salaryAnnualMaxUsd: 120_000,
  lat: 52.52, lon: 13.405, remote: false, latent: [0, 0, 0, 0, 0, 0, 0, 0], quality: 0,
};

describe('ground-truth relevance', () => {
  it('gain = click probability of the noise-free utility', () => {
    // u = 1.5 (occupation) + 2 (all skills) + 1 (same city) = 4.5 → 0.7·σ(1.3·2.3)
    expect(truthGain(cand, job)).toBeCloseTo(0.7 / (1 + Math.exp(-1.3 * 2.3)), 12);
    expect(truthGain(cand, job)).toBeCloseTo(0.6665, 4);
    // other occupation, no skills, same city: u = 1 → 0.7·σ(−1.56)
    expect(truthGain(cand, { ...job, occupation: 'nursing', skills: ['triage'] })).toBeCloseTo(0.1216, 4);
  });

  it('graded NDCG against hand-computed values', () => {
    const gains = [0.1, 0.5, 0.0, 0.3];
    // ideal order 1, 3, 0: IDCG@3 = 0.5 + 0.3/log2 3 + 0.1/2
    const idcg = 0.5 + 0.3 / Math.log2(3) + 0.1 / 2;
    expect(gradedNdcg([1, 3, 0], gains, 3)).toBeCloseTo(1, 12);
    expect(gradedNdcg([0, 2, 1], gains, 3)).toBeCloseTo((0.1 + 0 + 0.5 / 2) / idcg, 12);
    expect(gradedNdcg([0, 2, 1], gains, 3)).toBeCloseTo(0.4734, 4);
    // k cuts both the list and the ideal
    expect(gradedNdcg([3, 1], gains, 1)).toBeCloseTo(0.3 / 0.5, 12);
    expect(gradedNdcg([2], [0, 0], 10)).toBeNull();
  });

  it('top-N indicator marks the n largest, ties by smaller index', () => {
    expect(Array.from(topNIndicator([3, 1, 3, 2], 2))).toEqual([1, 0, 1, 0]);
    expect(Array.from(topNIndicator([5, 5, 5], 2))).toEqual([1, 1, 0]);
    expect(Array.from(topNIndicator([1, 2], 5))).toEqual([1, 1]);
  });
});
