import { describe, expect, it } from '@jest/globals';
import type { Evaluation } from '../api/types.js';
import { comparableProblem, curveAcrossK, cutoffs, formatDifference, formatMetric, splitLabel, verdict } from './evaluation-data.js';

const protocol = { split: 'temporal', cutoff: '2026-06-08T00:00:00.000Z', n: null, testRatio: null, seed: null, threshold: 1, excludeTraining: true, gain: 'linear' };
const evaluation = (over: Partial<Evaluation>): Evaluation => ({
  id: 'e1', modelRef: 'pop/1', model: 'pop', version: 1, strategy: 'popularity', mode: 'artifact', status: 'completed', createdAt: '2026-06-09T00:00:00Z',
  durationSeconds: 1, shards: 1, k: [5, 10], error: null, errorCode: null,
  progress: { percent: 100, phase: 'done', shards: 1, shardsDone: 1, users: 10, usersDone: 10 },
  protocol, dataset: { users: 10, fingerprint: 'f1' }, metrics: [], ...over,
});

describe('evaluation page helpers', () => {
  it('labels each split kind', () => {
    expect(splitLabel(protocol)).toBe('temporal, cut-off 2026-06-08');
    expect(splitLabel({ ...protocol, split: 'leave_last_n', cutoff: null, n: 2 })).toBe('leave last 2');
    expect(splitLabel({ ...protocol, split: 'random_ratio', cutoff: null, testRatio: 0.2, seed: 7 })).toBe('random 20%, seed 7');
  });

  it('formats values and signed differences', () => {
    expect([formatMetric(0.123456), formatMetric(null), formatMetric(Number.NaN)]).toEqual(['0.1235', '—', '—']);
    expect([formatDifference(0.01234), formatDifference(-0.00456), formatDifference(0)]).toEqual(['+0.0123', '−0.0046', '0.0000']);
  });

  it('builds a curve across k from both evaluations, missing points as null', () => {
    const a = [{ name: 'ndcg@10', value: 0.2, ciLow: 0, ciHigh: 0, users: 1 }, { name: 'ndcg@5', value: 0.1, ciLow: 0, ciHigh: 0, users: 1 }, { name: 'map@10', value: 0.5, ciLow: 0, ciHigh: 0, users: 1 }];
    const b = [{ name: 'ndcg@20', value: 0.4, ciLow: 0, ciHigh: 0, users: 1 }, { name: 'ndcg@10', value: 0.3, ciLow: 0, ciHigh: 0, users: 1 }];
    expect(cutoffs(a, 'ndcg')).toEqual([5, 10]);
    expect(curveAcrossK(a, b, 'ndcg')).toEqual([
      { k: 5, a: 0.1, b: null },
      { k: 10, a: 0.2, b: 0.3 },
      { k: 20, a: null, b: 0.4 },
    ]);
  });

  it('calls a difference significant only when the CI excludes 0 and p < alpha', () => {
    expect(verdict({ difference: 0.02, ciLow: 0.01, ciHigh: 0.03, pValue: 0.001 })).toBe('B better');
    expect(verdict({ difference: -0.02, ciLow: -0.03, ciHigh: -0.01, pValue: 0.001 })).toBe('B worse');
    expect(verdict({ difference: 0.02, ciLow: -0.01, ciHigh: 0.05, pValue: 0.001 })).toBe('no significant difference');
    expect(verdict({ difference: 0.02, ciLow: 0.01, ciHigh: 0.03, pValue: 0.2 })).toBe('no significant difference');
  });

  it('explains why two evaluations do not compare', () => {
    const a = evaluation({ id: 'a' });
    expect(comparableProblem(a, undefined)).toBe('Pick two evaluations.');
    expect(comparableProblem(a, a)).toBe('Pick two different evaluations.');
    expect(comparableProblem(a, evaluation({ id: 'b', status: 'running' }))).toContain('is running');
    expect(comparableProblem(a, evaluation({ id: 'b', protocol: { ...protocol, split: 'leave_last_n', cutoff: null, n: 1 } }))).toBe('Different splits: temporal, cut-off 2026-06-08 vs leave last 1.');
    expect(comparableProblem(a, evaluation({ id: 'b', dataset: { users: 10, fingerprint: 'f2' } }))).toContain('Different datasets');
    expect(comparableProblem(a, evaluation({ id: 'b' }))).toBeNull();
  });
});
