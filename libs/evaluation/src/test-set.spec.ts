import { describe, expect, it } from '@jest/globals';
import { buildTestSet, compareUserIds, datasetFingerprint, usersFingerprint, validateRelevance } from './test-set.js';
import { DEFAULT_RELEVANCE, type InteractionRecord } from './splits.js';

const rows: InteractionRecord[] = [
  { user: '10', item: 'j1', type: 'click', at: 1 },
  { user: '10', item: 'j2', type: 'apply', at: 2 },
  { user: '10', item: 'j1', type: 'apply', at: 6 }, // seen in training: not a target
  { user: '10', item: 'j3', type: 'click', at: 7 },
  { user: '10', item: 'j3', type: 'save', at: 8 }, // best grade of the pair wins
  { user: '9', item: 'j4', type: 'save', at: 3 },
  { user: '9', item: 'j5', type: 'apply', at: 9 },
  { user: '11', item: 'j6', type: 'click', at: 1 }, // no held-out interaction
  { user: '12', item: 'j7', type: 'click', at: 7 }, // held out only: cold user with no history
];

describe('test sets from a split', () => {
  it('targets are the best grade per held-out pair minus training items; users in numeric id order', () => {
    const t = buildTestSet(rows, { protocol: { kind: 'temporal', cutoff: 5 }, relevance: DEFAULT_RELEVANCE });
    expect(t.users.map((u) => u.user)).toEqual(['9', '10', '12']);
    expect(t.users[1]).toEqual({ user: '10', relevant: [['j3', 2]], seen: ['j1', 'j2'], history: ['j1', 'j2'], firstTestAt: 6 });
    expect(t.users[0]).toMatchObject({ relevant: [['j5', 3]], seen: ['j4'], firstTestAt: 9 });
    expect(t.users[2]).toMatchObject({ relevant: [['j7', 1]], seen: [], history: [] });
    expect([t.trainInteractions, t.testInteractions, t.firstTestAt]).toEqual([4, 5, 6]);
    expect(Object.fromEntries(t.itemPopularity)).toEqual({ j1: 1, j2: 1, j4: 1, j6: 1 });
  });

  it('with excludeTraining false a re-found training item is a target and nothing is excluded', () => {
    const t = buildTestSet(rows, { protocol: { kind: 'temporal', cutoff: 5 }, relevance: DEFAULT_RELEVANCE, excludeTraining: false });
    expect(t.users.find((u) => u.user === '10')).toMatchObject({ relevant: [['j1', 3], ['j3', 2]], seen: [] });
  });

  it('the threshold and grades decide relevance', () => {
    const t = buildTestSet(rows, { protocol: { kind: 'temporal', cutoff: 5 }, relevance: { grades: { apply: 3, save: 2, click: 1 }, threshold: 2 } });
    expect(t.users.map((u) => [u.user, u.relevant])).toEqual([['9', [['j5', 3]]], ['10', [['j3', 2]]]]);
  });

  it('does not depend on the input order; fingerprints identify the rows and the users', () => {
    const shuffled = [...rows].reverse();
    const p = { protocol: { kind: 'leave_last_n' as const, n: 1 }, relevance: DEFAULT_RELEVANCE };
    expect(buildTestSet(shuffled, p)).toEqual(buildTestSet(rows, p));
    expect(datasetFingerprint(shuffled)).toBe(datasetFingerprint(rows));
    expect(datasetFingerprint(rows.slice(1))).not.toBe(datasetFingerprint(rows));
    expect(usersFingerprint(['1', '2'])).not.toBe(usersFingerprint(['1', '3']));
  });

  it('orders numeric ids numerically and others as strings', () => {
    expect(['10', 'b', '9', 'a', '100'].sort(compareUserIds)).toEqual(['9', '10', '100', 'a', 'b']);
  });

  it('rejects a relevance rule nothing can meet', () => {
    expect(() => validateRelevance({ grades: { click: 1 }, threshold: 2 })).toThrow('no interaction type reaches the relevance threshold 2');
    expect(() => validateRelevance({ grades: { click: -1 }, threshold: 1 })).toThrow('grade of "click"');
    expect(() => validateRelevance({ grades: { click: 1 }, threshold: 0 })).toThrow('threshold must be > 0');
  });
});
