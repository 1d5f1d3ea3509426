/**
 * Online ranking quality of served lists from attributed engagement (clicks or applies with the list's ranking id):
 * binary gains at the engaged positions. NDCG@k = DCG@k / IDCG@k with DCG = Σ_{engaged p ≤ k} 1/log2(p + 1) and IDCG the
 * DCG of the same number of engagements (capped at k) at the top; reciprocal rank = 1/first engaged position (0 when
 * none, or when beyond k). Lists without engagement count as 0 for both (the usual online convention: a list nobody
 * used is a failure). Per-unit values (mean over the unit's lists) feed `compareArms` as a mean metric.
 */
import { StatisticsError } from './statistics.errors.js';

export interface ServedList {
  /** 1-based positions with attributed engagement (duplicates ignored). */
  engagedPositions: readonly number[];
}

export function listNdcg(list: ServedList, k: number): number {
  checkK(k);
  const pos = [...new Set(list.engagedPositions)].filter((p) => {
    if (!(Number.isInteger(p) && p >= 1)) throw new StatisticsError('INVALID_INPUT', `positions are 1-based integers, got ${p}`);
    return p <= k;
  });
  if (pos.length === 0) return 0;
  let dcg = 0, idcg = 0;
  for (const p of pos) dcg += 1 / Math.log2(p + 1);
  for (let i = 1; i <= pos.length; i++) idcg += 1 / Math.log2(i + 1);
  return dcg / idcg;
}

export function listReciprocalRank(list: ServedList, k = Infinity): number {
  let first = Infinity;
  for (const p of list.engagedPositions) {
    if (!(Number.isInteger(p) && p >= 1)) throw new StatisticsError('INVALID_INPUT', `positions are 1-based integers, got ${p}`);
    first = Math.min(first, p);
  }
  return first <= k ? 1 / first : 0;
}

/** Mean NDCG@k and MRR over one unit's lists (null when the unit has no list). */
export function unitListMetrics(lists: readonly ServedList[], k: number): { ndcg: number; mrr: number } | null {
  if (lists.length === 0) return null;
  let ndcg = 0, mrr = 0;
  for (const l of lists) {
    ndcg += listNdcg(l, k);
    mrr += listReciprocalRank(l, k);
  }
  return { ndcg: ndcg / lists.length, mrr: mrr / lists.length };
}

function checkK(k: number): void {
  if (!(Number.isInteger(k) && k >= 1)) throw new StatisticsError('INVALID_INPUT', `k must be a positive integer, got ${k}`);
}
