import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RELEVANCE, excludeTraining, relevanceFromInteractions, splitInteractions, trainingItems, type InteractionRecord } from './splits.js';

const rows: InteractionRecord[] = [
  { user: 'a', item: 'j1', type: 'impression', at: 1 },
  { user: 'a', item: 'j1', type: 'click', at: 2 },
  { user: 'a', item: 'j2', type: 'save', at: 3 },
  { user: 'a', item: 'j3', type: 'apply', at: 5 },
  { user: 'a', item: 'j4', type: 'impression', at: 6 },
  { user: 'b', item: 'j2', type: 'click', at: 4 },
  { user: 'b', item: 'j5', type: 'apply', at: 7 },
  { user: 'b', item: 'j5', type: 'click', at: 8 },
];

describe('split protocols', () => {
  it('temporal cut: train strictly before T, test at or after T', () => {
    const s = splitInteractions(rows, { kind: 'temporal', cutoff: 5 });
    expect(s.train.map((r) => r.at).sort()).toEqual([1, 2, 3, 4]);
    expect(s.test.map((r) => r.at).sort()).toEqual([5, 6, 7, 8]);
    expect(s.protocol).toEqual({ kind: 'temporal', cutoff: 5 });
  });

  it('leave-last-n-out takes each user\'s latest n interactions', () => {
    const s = splitInteractions([...rows].reverse(), { kind: 'leave_last_n', n: 1 });
    expect(s.test.map((r) => `${r.user}:${r.item}:${r.at}`)).toEqual(['a:j4:6', 'b:j5:8']);
    expect(s.train).toHaveLength(6);
  });

  it('random per-user ratio is seeded, order-independent and per-user (shard-stable)', () => {
    const p = { kind: 'random_ratio' as const, testRatio: 0.4, seed: 11 };
    const s1 = splitInteractions(rows, p);
    const s2 = splitInteractions([...rows].reverse(), p);
    expect(s2.test).toEqual(s1.test);
    expect(s1.test.filter((r) => r.user === 'a')).toHaveLength(2); // round(0.4 * 5)
    expect(s1.test.filter((r) => r.user === 'b')).toHaveLength(1); // round(0.4 * 3)
    const onlyA = splitInteractions(rows.filter((r) => r.user === 'a'), p);
    expect(onlyA.test).toEqual(s1.test.filter((r) => r.user === 'a'));
    const other = splitInteractions(rows, { ...p, seed: 12 });
    expect(other.test.length).toBe(s1.test.length);
  });

  it('relevance takes the best grade per item, impressions alone are not relevant, threshold applies', () => {
    const rel = relevanceFromInteractions(rows);
    expect(Object.fromEntries(rel.get('a')!)).toEqual({ j1: 1, j2: 2, j3: 3 });
    expect(Object.fromEntries(rel.get('b')!)).toEqual({ j2: 1, j5: 3 });
    const strict = relevanceFromInteractions(rows, { ...DEFAULT_RELEVANCE, threshold: 2 });
    expect(Object.fromEntries(strict.get('a')!)).toEqual({ j2: 2, j3: 3 });
    expect(Object.fromEntries(strict.get('b')!)).toEqual({ j5: 3 });
  });

  it('training items are removed from a user\'s ranking', () => {
    const s = splitInteractions(rows, { kind: 'temporal', cutoff: 5 });
    const seen = trainingItems(s.train);
    expect(excludeTraining(['j3', 'j1', 'j9', 'j2'], seen.get('a'))).toEqual(['j3', 'j9']);
    expect(excludeTraining(['j3', 'j1'], seen.get('nobody'))).toEqual(['j3', 'j1']);
  });
});
