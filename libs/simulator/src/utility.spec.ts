import { describe, expect, it } from '@jest/globals';
import { generateMarket } from './generate.js';
import { utility, type CandidateTruth, type JobTruth } from './utility.js';

const cand: CandidateTruth = {
  occupation: 'data', skills: ['python', 'sql', 'statistics', 'pandas', 'machine learning'], seniorityLevel: 2,
  salaryExpectationUsd: 120_000, lat: 52.52, lon: 13.405, remotePreference: 'any', latent: [0, 0, 0, 0, 0, 0, 0, 0],
};
const job = (over: Partial<JobTruth>): JobTruth => ({
  occupation: 'data', skills: ['python', 'sql', 'statistics', 'pandas'], seniorityLevel: 2, salaryAnnualMaxUsd: 130_000,
  lat: 52.52, lon: 13.405, remote: false, latent: [0, 0, 0, 0, 0, 0, 0, 0], quality: 0, ...over,
});

describe('utility', () => {
  it('prefers the matching occupation and skills over a mismatching job', () => {
    const match = utility(cand, job({}));
    const mismatch = utility(cand, job({ occupation: 'nursing', skills: ['patient care', 'triage', 'bls', 'iv therapy'] }));
    expect(match).toBeCloseTo(1.5 + 2 + 1, 10); // occupation + all skills + same city
    expect(mismatch).toBeCloseTo(1, 10); // only the location
    expect(match - mismatch).toBeGreaterThan(3);
  });

  it('penalises seniority gaps, salary shortfall and distance, and rewards taste alignment', () => {
    const base = utility(cand, job({}));
    expect(utility(cand, job({ seniorityLevel: 4 }))).toBeCloseTo(base - 1, 10);
    expect(utility(cand, job({ seniorityLevel: 0 }))).toBeCloseTo(base - 0.5, 10);
    expect(utility(cand, job({ salaryAnnualMaxUsd: 90_000 }))).toBeCloseTo(base - 2 * 0.25, 10);
    expect(utility(cand, job({ lat: 40.7128, lon: -74.006 }))).toBeLessThan(base - 1.5);
    const aligned = { ...cand, latent: [1, 1, 1, 1, 1, 1, 1, 1] };
    expect(utility(aligned, job({ latent: [1, 1, 1, 1, 1, 1, 1, 1] }))).toBeCloseTo(base + Math.sqrt(8), 10);
  });

  it('ranks same-occupation jobs above others on average in a generated market', () => {
    const m = generateMarket({ seed: 99, candidates: 100, jobs: 600, days: 3, start: new Date('2026-10-01T00:00:00Z') });
    let same = 0, sameN = 0, other = 0, otherN = 0;
    for (const c of m.candidates) for (const j of m.jobs) {
      const u = utility(c.truth, j.truth);
      if (c.truth.occupation === j.truth.occupation) { same += u; sameN++; } else { other += u; otherN++; }
    }
    expect(same / sameN - other / otherN).toBeGreaterThan(1.5);
  });
});
