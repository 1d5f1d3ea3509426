import { aggregate, usersWithRelevant, type MetricValue } from './aggregate.js';
import type { BootstrapOptions } from './bootstrap.js';
import { EvaluationError, duplicateIdError } from './evaluation.errors.js';
import { evaluateEncoded, type EncodedDataset, type Gain, type PerUserValues, type RankMetric } from './kernel.js';

/** One user's ranking and graded relevant items, as in the `evaluate-lists` JSONL format. */
export interface RankedListRow {
  user: string;
  ranked: string[];
  /** item → grade; grades <= 0 (or below the threshold) are not relevant. */
  relevant: Record<string, number>;
}

export const LIST_METRICS: readonly RankMetric[] = ['precision', 'recall', 'map', 'ndcg', 'mrr', 'hit_rate'];

/** Integer-encodes rows (ids in first-seen order). Throws DUPLICATE_ID naming the user and the item. */
export function encodeLists(rows: readonly RankedListRow[], threshold = Number.MIN_VALUE): { ds: EncodedDataset; userIds: string[]; itemIds: string[] } {
  const itemIndex = new Map<string, number>();
  const itemIds: string[] = [];
  const idOf = (s: string): number => {
    let i = itemIndex.get(s);
    if (i === undefined) {
      i = itemIds.length;
      itemIndex.set(s, i);
      itemIds.push(s);
    }
    return i;
  };
  const rankOffsets = new Int32Array(rows.length + 1);
  const relOffsets = new Int32Array(rows.length + 1);
  const rank: number[] = [];
  const rel: number[] = [];
  const grades: number[] = [];
  rows.forEach((row, u) => {
    const seen = new Set<string>();
    for (const it of row.ranked) {
      if (seen.has(it)) throw duplicateIdError(row.user, it);
      seen.add(it);
      rank.push(idOf(it));
    }
    rankOffsets[u + 1] = rank.length;
    for (const [it, g] of Object.entries(row.relevant)) {
      if (typeof g !== 'number' || !Number.isFinite(g)) throw new EvaluationError('INVALID_INPUT', `user ${row.user}: grade of ${it} is not a number`);
      if (g >= threshold && g > 0) {
        rel.push(idOf(it));
        grades.push(g);
      }
    }
    relOffsets[u + 1] = rel.length;
  });
  const ds: EncodedDataset = {
    numUsers: rows.length,
    numItems: itemIds.length,
    rankOffsets,
    rankItems: Int32Array.from(rank),
    relOffsets,
    relItems: Int32Array.from(rel),
    relGrades: Float64Array.from(grades),
  };
  return { ds, userIds: rows.map((r) => r.user), itemIds };
}

export interface ListEvaluationOptions {
  ks: readonly number[];
  /** NDCG with the grades as gains (linear by default) instead of binary hits. */
  graded?: boolean;
  gain?: Exclude<Gain, 'binary'>;
  /** A relevant item needs grade >= threshold (default: any grade > 0). */
  threshold?: number;
  perUser?: boolean;
  bootstrap?: BootstrapOptions;
  /** Catalogue size for coverage@k; default: the distinct items seen in the input. */
  catalogueSize?: number;
}

export interface ListEvaluation {
  users: number;
  metrics: Record<string, number>;
  ci: Record<string, [number, number]>;
  rows: MetricValue[];
  perUser?: Array<{ user: string } & Record<string, number | string | null>>;
  perUserValues: PerUserValues;
}

/** Evaluates bring-your-own rankings: every metric at every k, AUC, coverage@k, with bootstrap CIs. */
export function evaluateLists(rows: readonly RankedListRow[], opts: ListEvaluationOptions): ListEvaluation {
  if (opts.ks.length === 0) throw new EvaluationError('INVALID_INPUT', 'at least one k is needed');
  const { ds, userIds, itemIds } = encodeLists(rows, opts.threshold);
  const ks = [...new Set(opts.ks)].sort((a, b) => a - b);
  const per = evaluateEncoded(ds, {
    ks,
    metrics: LIST_METRICS,
    auc: true,
    gain: opts.graded ? (opts.gain ?? 'linear') : 'binary',
    userName: (u) => userIds[u]!,
    itemName: (i) => itemIds[i]!,
  });
  const agg = aggregate(per, { bootstrap: opts.bootstrap, catalogueSize: opts.catalogueSize ?? itemIds.length, ks });
  const metrics: Record<string, number> = {};
  const ci: Record<string, [number, number]> = {};
  for (const m of agg) {
    metrics[m.name] = m.value;
    ci[m.name] = [m.ciLow, m.ciHigh];
  }
  const result: ListEvaluation = { users: usersWithRelevant(per), metrics, ci, rows: agg, perUserValues: per };
  if (opts.perUser) {
    const n = per.users.length;
    result.perUser = Array.from(per.users, (u, j) => {
      const row: { user: string } & Record<string, number | string | null> = { user: userIds[u]! };
      per.columns.forEach((c, ci2) => {
        const v = per.values[ci2 * n + j]!;
        row[c] = Number.isNaN(v) ? null : v;
      });
      return row;
    });
  }
  return result;
}

/** Parses one JSONL line into a row; throws EvaluationError with the reason (the caller adds the line number). */
export function parseListRow(line: string): RankedListRow {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw new EvaluationError('INVALID_INPUT', `malformed JSON (${(err as Error).message})`);
  }
  return validateListRow(v);
}

export function validateListRow(v: unknown): RankedListRow {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new EvaluationError('INVALID_INPUT', 'expected a JSON object');
  const o = v as Record<string, unknown>;
  if (typeof o['user'] !== 'string' || o['user'] === '') throw new EvaluationError('INVALID_INPUT', 'missing or non-string "user"');
  if (!Array.isArray(o['ranked'])) throw new EvaluationError('INVALID_INPUT', 'missing or non-array "ranked"');
  if (!o['ranked'].every((x) => typeof x === 'string')) throw new EvaluationError('INVALID_INPUT', '"ranked" must hold string ids');
  const rel = o['relevant'];
  if (typeof rel !== 'object' || rel === null || Array.isArray(rel)) throw new EvaluationError('INVALID_INPUT', 'missing or non-object "relevant"');
  for (const [k, g] of Object.entries(rel)) {
    if (typeof g !== 'number' || !Number.isFinite(g)) throw new EvaluationError('INVALID_INPUT', `grade of "${k}" is not a number`);
  }
  const ranked = o['ranked'] as string[];
  const seen = new Set<string>();
  for (const it of ranked) {
    if (seen.has(it)) throw new EvaluationError('DUPLICATE_ID', `duplicate id "${it}" in ranked (user ${o['user']})`, { user: o['user'], item: it });
    seen.add(it);
  }
  return { user: o['user'], ranked, relevant: rel as Record<string, number> };
}

/** Orders items by score descending, ties by id ascending (deterministic). */
export function rankByScores<T extends string | number>(items: readonly T[], scores: ArrayLike<number>): T[] {
  const idx = items.map((_, i) => i);
  idx.sort((a, b) => {
    const d = scores[b]! - scores[a]!;
    if (d !== 0) return d;
    const x = items[a]!;
    const y = items[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return idx.map((i) => items[i]!);
}

/** Mean over users of 1 - mean pairwise similarity within each top-k list (lists with < 2 items skipped). */
export function intraListDiversity<T>(lists: readonly (readonly T[])[], k: number, similarity: (a: T, b: T) => number): number {
  let sum = 0;
  let users = 0;
  for (const list of lists) {
    const top = list.slice(0, k);
    if (top.length < 2) continue;
    let s = 0;
    let pairs = 0;
    for (let i = 0; i < top.length; i++) for (let j = i + 1; j < top.length; j++) {
      s += similarity(top[i]!, top[j]!);
      pairs++;
    }
    sum += 1 - s / pairs;
    users++;
  }
  return users ? sum / users : NaN;
}
