import { describe, expect, it } from '@jest/globals';
import { chiSquare, chiSquareSurvival, discretize, mutualInformation, rankFeatures } from './selection.js';

// Reference values: scipy 1.17 (chi2_contingency(correction=False), chi2.sf) and MI by its definition in numpy (nats).
describe('feature selection', () => {
  const X = [0, 0, 0, 1, 1, 2, 2, 2, 2, 1], Y = [0, 0, 1, 1, 1, 0, 1, 1, 1, 0];

  it('mutual information in nats, as sklearn.metrics.mutual_info_score', () => {
    expect(mutualInformation([0, 0, 1, 1], [0, 0, 1, 1])).toBeCloseTo(Math.LN2, 12);
    expect(mutualInformation([0, 1, 0, 1], [0, 0, 1, 1])).toBeCloseTo(0, 12);
    expect(mutualInformation(X, Y)).toBeCloseTo(0.06616910818484542, 12);
  });

  it('chi-square test of independence and its p-value, as scipy', () => {
    const r = chiSquare(X, Y);
    expect(r.statistic).toBeCloseTo(1.3194444444444449, 12);
    expect(r.dof).toBe(2);
    expect(r.pValue).toBeCloseTo(0.5169949242489345, 10);
    expect(chiSquareSurvival(3.84, 1)).toBeCloseTo(0.05004352124870519, 10);
    expect(chiSquareSurvival(10.5, 4)).toBeCloseTo(0.03279698999488366, 10);
    expect(chiSquareSurvival(25, 10)).toBeCloseTo(0.005345505487134069, 10);
    expect(chiSquareSurvival(0.3, 2)).toBeCloseTo(0.8607079764250578, 10);
  });

  it('discretises numeric columns into quantile bins with a code for missing', () => {
    expect(Array.from(discretize([1, 2, 3, 4, null], 2))).toEqual([0, 0, 1, 1, -1]);
  });

  it('ranks an informative feature above noise by MI, chi-square and model importance', () => {
    const n = 400;
    const labels = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const signal = labels.map((y, i) => y * 2 + ((i * 37) % 10) / 10);
    const noise = labels.map((_, i) => ((i * 7919) % 97) / 97);
    const ranking = rankFeatures([{ name: 'noise', values: noise }, { name: 'signal', values: signal }], labels);
    expect(ranking.map((r) => r.feature)).toEqual(['signal', 'noise']);
    expect(ranking[0]!.mutualInformation).toBeGreaterThan(0.5);
    expect(ranking[0]!.chiSquarePValue).toBeLessThan(1e-10);
    expect(ranking[0]!.coefficient!).toBeGreaterThan(0);
    expect(ranking[0]!.importance!).toBeGreaterThan(0.9);
    expect(ranking[1]!.chiSquarePValue).toBeGreaterThan(0.01);
  });
});
