import { EvaluationError } from './evaluation.errors.js';

/**
 * The hot path: ranking metrics over integer-encoded data in typed arrays, one pass per user, no
 * allocation per user. Conventions (see README): Precision@k = hits/k, Recall@k = hits/|T|,
 * AP@k normalised by min(k, |T|), NDCG@k with IDCG from the user's relevant grades sorted desc and cut
 * at k, MRR@k, HitRate@k, per-user AUC over the ranked candidates (ties 0.5), Novelty@k.
 * Users without a relevant item get NaN everywhere (they are left out of every mean).
 */

/** Users' rankings and relevant items as CSR arrays (user u owns [offsets[u], offsets[u+1])). */
export interface EncodedDataset {
  numUsers: number;
  numItems: number;
  rankOffsets: Int32Array;
  rankItems: Int32Array;
  /** Optional scores parallel to rankItems (sorted desc within a user): equal scores are ties for AUC. */
  rankScores?: Float64Array;
  relOffsets: Int32Array;
  relItems: Int32Array;
  /** Grades parallel to relItems (> 0). Absent: every relevant item has grade 1. */
  relGrades?: Float64Array;
}

export type RankMetric = 'precision' | 'recall' | 'map' | 'ndcg' | 'mrr' | 'hit_rate' | 'novelty';
export const RANK_METRICS: readonly RankMetric[] = ['precision', 'recall', 'map', 'ndcg', 'mrr', 'hit_rate', 'novelty'];
export type Gain = 'binary' | 'linear' | 'exponential';

export interface KernelOptions {
  ks: readonly number[];
  /** Metrics computed for every k (novelty needs `selfInformation`). */
  metrics: readonly RankMetric[];
  /** Per-user AUC (no cut-off). */
  auc?: boolean;
  /** NDCG gain: binary (hit = 1), linear (grade) or exponential (2^grade - 1). */
  gain?: Gain;
  /** -log2(popularity share) per item index; required for novelty. */
  selfInformation?: Float64Array;
  /** Reject rankings with a repeated item (default true). */
  checkDuplicates?: boolean;
  /** Called every `progressEvery` users (default 65,536) and at the end with (done, total). */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** Cancellation: checked with each progress step; an aborted signal stops with CANCELLED. */
  signal?: AbortSignal;
  /** Names for error messages. */
  userName?: (u: number) => string;
  itemName?: (i: number) => string;
}

/** Column `c` of `values` holds metric `columns[c]` for every evaluated user (column-major). */
export interface PerUserValues {
  columns: string[];
  /** The user indices evaluated, in order; values[c * users.length + j] belongs to users[j]. */
  users: Int32Array;
  values: Float64Array;
  /** Per item: the best (smallest) 0-based position at which any evaluated user saw it; INT32_MAX if never. */
  bestPosition: Int32Array;
}

export function columnNames(opts: Pick<KernelOptions, 'ks' | 'metrics' | 'auc'>): string[] {
  const cols: string[] = [];
  for (const k of opts.ks) for (const m of opts.metrics) cols.push(`${m}@${k}`);
  if (opts.auc) cols.push('auc');
  return cols;
}

const DISCOUNT_CACHE: { table: Float64Array } = { table: makeDiscount(1024) };
function makeDiscount(n: number): Float64Array {
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = 1 / Math.log2(i + 2);
  return t;
}
/** 1/log2(i+2) for 0-based position i. */
export function discountTable(n: number): Float64Array {
  if (DISCOUNT_CACHE.table.length < n) DISCOUNT_CACHE.table = makeDiscount(Math.max(n, DISCOUNT_CACHE.table.length * 2));
  return DISCOUNT_CACHE.table;
}

/** Reusable scratch space, sized for a catalogue; one per thread. */
class Scratch {
  readonly grade: Float64Array;
  /** Duplicate detection: item → stamp of the last user that listed it. One byte per item keeps the table
   *  cache-resident; stamps cycle 1..255 and the table is cleared once per cycle. */
  readonly stamp: Uint8Array;
  current = 0;
  topGrades: Float64Array;
  constructor(numItems: number, maxK: number) {
    this.grade = new Float64Array(numItems);
    this.stamp = new Uint8Array(numItems);
    this.topGrades = new Float64Array(Math.max(1, maxK));
  }
}

/** Evaluates the given users (default: all, in index order). */
export function evaluateEncoded(ds: EncodedDataset, opts: KernelOptions, users?: Int32Array): PerUserValues {
  const ks = [...opts.ks].sort((a, b) => a - b);
  for (const k of ks) if (!Number.isInteger(k) || k < 1) throw new EvaluationError('INVALID_INPUT', `k must be a positive integer, got ${k}`);
  if (opts.metrics.includes('novelty') && !opts.selfInformation) throw new EvaluationError('INVALID_INPUT', 'novelty needs item popularity (selfInformation)');
  const sorted = { ...opts, ks };
  const columns = columnNames(sorted);
  const list = users ?? Int32Array.from({ length: ds.numUsers }, (_, i) => i);
  const n = list.length;
  const values = new Float64Array(columns.length * n);
  const bestPosition = new Int32Array(ds.numItems).fill(0x7fffffff);
  const maxK = ks[ks.length - 1]!;
  const scratch = new Scratch(ds.numItems, maxK);
  const disc = discountTable(maxK + 1);
  // Ideal binary DCG for c relevant items: prefix sums of the discount.
  const idealBinary = new Float64Array(maxK + 1);
  for (let i = 0; i < maxK; i++) idealBinary[i + 1] = idealBinary[i]! + disc[i]!;
  const nk = ks.length;
  const nm = opts.metrics.length;
  const kArr = Int32Array.from(ks);
  const mIdx = { precision: -1, recall: -1, map: -1, ndcg: -1, mrr: -1, hit_rate: -1, novelty: -1 };
  opts.metrics.forEach((m, i) => (mIdx[m] = i));
  const gain = opts.gain ?? 'binary';
  const check = opts.checkDuplicates !== false;
  const step = opts.progressEvery ?? 65_536;
  for (let start = 0; start < n; start += step) {
    if (opts.signal?.aborted) throw new EvaluationError('CANCELLED', `evaluation cancelled after ${start} of ${n} users`, { done: start, total: n });
    const end = Math.min(n, start + step);
    for (let j = start; j < end; j++) {
      evaluateUser(ds, list[j]!, j, n, values, scratch, disc, idealBinary, kArr, nk, nm, mIdx, gain, !!opts.auc, check, opts, bestPosition);
    }
    opts.onProgress?.(end, n);
  }
  return { columns, users: list, values, bestPosition };
}

function evaluateUser(
  ds: EncodedDataset,
  u: number,
  j: number,
  n: number,
  out: Float64Array,
  s: Scratch,
  disc: Float64Array,
  idealBinary: Float64Array,
  ks: Int32Array,
  nk: number,
  nm: number,
  mIdx: Record<RankMetric, number>,
  gain: Gain,
  auc: boolean,
  check: boolean,
  opts: KernelOptions,
  bestPosition: Int32Array,
): void {
  const rs = ds.rankOffsets[u]!;
  const re = ds.rankOffsets[u + 1]!;
  const ls = ds.relOffsets[u]!;
  const le = ds.relOffsets[u + 1]!;
  const nRel = le - ls;
  const grade = s.grade;
  const rankItems = ds.rankItems;
  const maxK = ks[nk - 1]!;
  const len = re - rs;
  const top = len < maxK ? len : maxK;
  // Coverage counts every evaluated user's list.
  for (let i = 0; i < top; i++) {
    const it = rankItems[rs + i]!;
    if (i < bestPosition[it]!) bestPosition[it] = i;
  }
  if (check) {
    const stamp = s.stamp;
    if (s.current === 255) {
      stamp.fill(0);
      s.current = 0;
    }
    const mark = ++s.current;
    for (let i = rs; i < re; i++) {
      const it = rankItems[i]!;
      if (stamp[it] === mark) throw duplicate(opts, u, it);
      stamp[it] = mark;
    }
  }
  if (nRel === 0) {
    const total = nk * nm + (auc ? 1 : 0);
    for (let c = 0; c < total; c++) out[c * n + j] = NaN;
    return;
  }
  const relItems = ds.relItems;
  const relGrades = ds.relGrades;
  for (let i = ls; i < le; i++) grade[relItems[i]!] = relGrades ? relGrades[i]! : 1;

  // Ideal DCG per k for graded gains: the top-maxK grades, sorted desc (insertion into a small buffer).
  let topCount = 0;
  if (gain !== 'binary') {
    const tg = s.topGrades;
    for (let i = ls; i < le; i++) {
      const g = relGrades ? relGrades[i]! : 1;
      let p = topCount < maxK ? topCount++ : maxK;
      if (p === maxK) {
        if (g <= tg[maxK - 1]!) continue;
        p = maxK - 1;
      }
      while (p > 0 && tg[p - 1]! < g) {
        tg[p] = tg[p - 1]!;
        p--;
      }
      tg[p] = g;
    }
  }

  const selfInfo = opts.selfInformation;
  let hits = 0;
  let dcg = 0;
  let apSum = 0;
  let firstHit = 0;
  let novel = 0;
  let kPos = 0;
  let idcgGraded = 0;
  let idealPos = 0;
  const tg = s.topGrades;
  for (let i = 0; i < maxK; i++) {
    if (i < top) {
      const it = rankItems[rs + i]!;
      const g = grade[it]!;
      if (g > 0) {
        hits++;
        dcg += (gain === 'binary' ? 1 : gain === 'linear' ? g : Math.pow(2, g) - 1) * disc[i]!;
        apSum += hits / (i + 1);
        if (firstHit === 0) firstHit = i + 1;
      }
      if (selfInfo) novel += selfInfo[it]!;
    }
    if (gain !== 'binary' && idealPos < topCount) {
      const g = tg[idealPos]!;
      idcgGraded += (gain === 'linear' ? g : Math.pow(2, g) - 1) * disc[idealPos]!;
      idealPos++;
    }
    while (kPos < nk && ks[kPos] === i + 1) {
      const k = i + 1;
      const base = kPos * nm;
      if (mIdx.precision >= 0) out[(base + mIdx.precision) * n + j] = hits / k;
      if (mIdx.recall >= 0) out[(base + mIdx.recall) * n + j] = hits / nRel;
      if (mIdx.map >= 0) out[(base + mIdx.map) * n + j] = apSum / (k < nRel ? k : nRel);
      if (mIdx.ndcg >= 0) {
        const idcg = gain === 'binary' ? idealBinary[k < nRel ? k : nRel]! : idcgGraded;
        out[(base + mIdx.ndcg) * n + j] = idcg > 0 ? dcg / idcg : 0;
      }
      if (mIdx.mrr >= 0) out[(base + mIdx.mrr) * n + j] = firstHit > 0 ? 1 / firstHit : 0;
      if (mIdx.hit_rate >= 0) out[(base + mIdx.hit_rate) * n + j] = hits > 0 ? 1 : 0;
      if (mIdx.novelty >= 0) out[(base + mIdx.novelty) * n + j] = top > 0 ? novel / (k < top ? k : top) : NaN;
      kPos++;
    }
  }

  if (auc) {
    // Walk the whole ranking; equal scores form a tie group, where a (pos, neg) pair counts 0.5.
    const scores = ds.rankScores;
    let posAbove = 0;
    let correct = 0;
    let negatives = 0;
    let i = rs;
    while (i < re) {
      let e = i + 1;
      if (scores) while (e < re && scores[e] === scores[i]) e++;
      let gp = 0;
      let gn = 0;
      for (let t = i; t < e; t++) {
        if (grade[rankItems[t]!]! > 0) gp++;
        else gn++;
      }
      correct += gn * posAbove + 0.5 * gn * gp;
      posAbove += gp;
      negatives += gn;
      i = e;
    }
    out[nk * nm * n + j] = posAbove > 0 && negatives > 0 ? correct / (posAbove * negatives) : NaN;
  }
  for (let i = ls; i < le; i++) grade[relItems[i]!] = 0;
}

function duplicate(opts: KernelOptions, u: number, it: number): EvaluationError {
  const user = opts.userName ? opts.userName(u) : String(u);
  const item = opts.itemName ? opts.itemName(it) : String(it);
  return new EvaluationError('DUPLICATE_ID', `user ${user}: item ${item} appears more than once in the ranking`, { user, item });
}

/** -log2(count / total) per item (items never seen count as 1, so novelty stays finite). */
export function selfInformationFromCounts(counts: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += Math.max(1, counts[i]!);
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = -Math.log2(Math.max(1, counts[i]!) / total);
  return out;
}
