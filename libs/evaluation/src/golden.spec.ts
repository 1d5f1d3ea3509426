import { describe, expect, it } from '@jest/globals';
import { evaluateLists, rankByScores, type RankedListRow } from './lists.js';

// Reference values: /work/shared/reference/metrics.md (Microsoft Recommenders fixture, scikit-learn, hand-checked).
const close = (actual: number | undefined, expected: number, digits = 4): void => expect(actual).toBeCloseTo(expected, digits);

describe('golden vectors', () => {
  it('reproduces the Microsoft Recommenders fixture at k=10', () => {
    const truthUsers = [1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1];
    const truthItems = [3, 1, 4, 5, 6, 7, 2, 5, 6, 8, 9, 10, 11, 12, 13, 14, 1, 2];
    const predItems = [12, 10, 3, 5, 11, 13, 4, 10, 7, 13, 1, 3, 5, 2, 11, 14, 3, 10];
    const scores = [12, 14, 13, 12, 11, 10, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 14, 13];
    const rows: RankedListRow[] = [1, 2, 3].map((u) => {
      const idx = truthUsers.map((x, i) => (x === u ? i : -1)).filter((i) => i >= 0);
      return {
        user: `u${u}`,
        ranked: rankByScores(idx.map((i) => predItems[i]!), idx.map((i) => scores[i]!)).map(String),
        relevant: Object.fromEntries(idx.map((i) => [String(truthItems[i]), 1])),
      };
    });
    const r = evaluateLists(rows, { ks: [10] });
    expect(r.users).toBe(3);
    close(r.metrics['precision@10'], 0.26667);
    close(r.metrics['recall@10'], 0.37778);
    close(r.metrics['ndcg@10'], 0.38173);
    close(r.metrics['map@10'], 0.23614);
    close(r.metrics['mrr@10'], 0.61111);
  });

  it('reproduces graded NDCG@6 with linear gain (scikit-learn 0.7850024)', () => {
    const rel = [3, 2, 3, 0, 1, 2, 3, 2];
    const row: RankedListRow = {
      user: 'g',
      ranked: ['0', '1', '2', '3', '4', '5'],
      relevant: Object.fromEntries(rel.map((g, i) => [String(i), g])),
    };
    close(evaluateLists([row], { ks: [6], graded: true }).metrics['ndcg@6'], 0.7850024, 6);
  });

  it('hand-checkable case: [a,b,c], relevant {c}, k=3', () => {
    const m = evaluateLists([{ user: 'x', ranked: ['a', 'b', 'c'], relevant: { c: 1 } }], { ks: [3] }).metrics;
    close(m['precision@3'], 1 / 3, 10);
    close(m['recall@3'], 1, 10);
    close(m['map@3'], 1 / 3, 10);
    close(m['ndcg@3'], 0.5, 10);
    close(m['mrr@3'], 1 / 3, 10);
    close(m['hit_rate@3'], 1, 10);
    close(m['auc'], 0, 10); // the one positive is ranked below both negatives
  });

  it('hand-checkable case: [a,b], relevant {a,b,c}, k=2 normalises AP by min(k,|T|)', () => {
    const m = evaluateLists([{ user: 'x', ranked: ['a', 'b'], relevant: { a: 1, b: 1, c: 1 } }], { ks: [2] }).metrics;
    close(m['precision@2'], 1, 10);
    close(m['recall@2'], 2 / 3, 10);
    close(m['map@2'], 1, 10);
    close(m['ndcg@2'], 1, 10);
    expect(m['auc']).toBeNaN(); // no negative in the ranking: the user is skipped
  });

  it('per-user AUC counts ties as 0.5 and the exponential gain follows 2^rel - 1', async () => {
    const { evaluateEncoded } = await import('./kernel.js');
    // items 0..3 with scores [2, 1, 1, 0]; relevant {1: grade 2, 3: grade 1}
    const ds = {
      numUsers: 1, numItems: 4,
      rankOffsets: Int32Array.of(0, 4), rankItems: Int32Array.of(0, 1, 2, 3), rankScores: Float64Array.of(2, 1, 1, 0),
      relOffsets: Int32Array.of(0, 2), relItems: Int32Array.of(1, 3), relGrades: Float64Array.of(2, 1),
    };
    const per = evaluateEncoded(ds, { ks: [2], metrics: ['ndcg'], auc: true, gain: 'exponential' });
    // positives 1 (score 1) and 3 (score 0); negatives 0 (2) and 2 (1): (1,0) wrong, (1,2) tie, (3,0) wrong, (3,2) wrong
    expect(per.values[1]).toBeCloseTo(0.5 / 4, 12);
    // DCG@2 = 0/log2(2) + 3/log2(3); IDCG@2 = 3/1 + 1/log2(3)
    expect(per.values[0]).toBeCloseTo(3 / Math.log2(3) / (3 + 1 / Math.log2(3)), 12);
  });

  it('breaks score ties by id ascending', () => {
    expect(rankByScores(['b', 'a', 'c'], [1, 1, 2])).toEqual(['c', 'a', 'b']);
    expect(rankByScores([3, 1, 2], [0, 0, 0])).toEqual([1, 2, 3]);
  });
});

describe('progress and cancellation hooks', () => {
  it('reports progress in steps and stops with CANCELLED on an aborted signal', async () => {
    const { evaluateEncoded } = await import('./kernel.js');
    const users = 10;
    const ds = {
      numUsers: users, numItems: 3,
      rankOffsets: Int32Array.from({ length: users + 1 }, (_, i) => i * 2), rankItems: Int32Array.from({ length: users * 2 }, (_, i) => i % 2),
      relOffsets: Int32Array.from({ length: users + 1 }, (_, i) => i), relItems: new Int32Array(users),
    };
    const seen: number[] = [];
    evaluateEncoded(ds, { ks: [1], metrics: ['ndcg'], progressEvery: 4, onProgress: (d) => seen.push(d) });
    expect(seen).toEqual([4, 8, 10]);
    const ctl = new AbortController();
    ctl.abort();
    expect(() => evaluateEncoded(ds, { ks: [1], metrics: ['ndcg'], signal: ctl.signal })).toThrow('evaluation cancelled after 0 of 10 users');
  });

  it('detects duplicates across many users (the one-byte stamp table wraps correctly)', async () => {
    const { evaluateEncoded } = await import('./kernel.js');
    const users = 600;
    const rank = Array.from({ length: users }, (_, u) => (u === 599 ? [5, 7, 5] : [5, 7, 9]));
    const ds = {
      numUsers: users, numItems: 10,
      rankOffsets: Int32Array.from({ length: users + 1 }, (_, i) => i * 3), rankItems: Int32Array.from(rank.flat()),
      relOffsets: Int32Array.from({ length: users + 1 }, (_, i) => i), relItems: new Int32Array(users).fill(7),
    };
    expect(() => evaluateEncoded(ds, { ks: [2], metrics: ['ndcg'] })).toThrow('user 599: item 5 appears more than once');
    expect(evaluateEncoded(ds, { ks: [2], metrics: ['ndcg'] }, Int32Array.from({ length: 599 }, (_, i) => i)).values[0]).toBeCloseTo(1 / Math.log2(3), 12);
  });
});
