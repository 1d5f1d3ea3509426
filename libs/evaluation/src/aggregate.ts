import { bootstrapMeanCIs, meanOf, type BootstrapOptions } from './bootstrap.js';
import { EvaluationError } from './evaluation.errors.js';
import type { PerUserValues } from './kernel.js';

export interface MetricValue {
  name: string;
  value: number;
  ciLow: number;
  ciHigh: number;
  /** Users that count for this metric (at least one relevant item; for AUC also a negative). */
  users: number;
}

/** The non-NaN values of one column, in user order. */
export function columnValues(per: PerUserValues, column: string): Float64Array {
  const c = per.columns.indexOf(column);
  if (c < 0) throw new EvaluationError('INVALID_INPUT', `unknown metric ${column}`);
  const n = per.users.length;
  let m = 0;
  for (let j = 0; j < n; j++) if (!Number.isNaN(per.values[c * n + j]!)) m++;
  const out = new Float64Array(m);
  for (let j = 0, t = 0; j < n; j++) {
    const v = per.values[c * n + j]!;
    if (!Number.isNaN(v)) out[t++] = v;
  }
  return out;
}

/** Number of users with at least one relevant item (any rank metric column is defined for exactly those). */
export function usersWithRelevant(per: PerUserValues): number {
  const c = per.columns.findIndex((x) => x !== 'auc');
  if (c < 0) return 0;
  return columnValues(per, per.columns[c]!).length;
}

/** Means over users (summed in user order) with a seeded bootstrap CI, then coverage@k for each k. */
export function aggregate(per: PerUserValues, opts: { bootstrap?: BootstrapOptions; catalogueSize?: number; ks?: readonly number[] } = {}): MetricValue[] {
  // Columns defined for the same users share one set of resamples (same result as one column at a time).
  const n = per.users.length;
  const sameUsers = (a: number, b: number): boolean => {
    for (let j = 0; j < n; j++) if (Number.isNaN(per.values[a * n + j]!) !== Number.isNaN(per.values[b * n + j]!)) return false;
    return true;
  };
  const groups = new Map<number, number[]>();
  per.columns.forEach((_, c) => {
    for (const [rep, g] of groups) if (sameUsers(rep, c)) return void g.push(c);
    groups.set(c, [c]);
  });
  const results = new Array<MetricValue>(per.columns.length);
  for (const cols of groups.values()) {
    const vectors = cols.map((c) => columnValues(per, per.columns[c]!));
    const cis = bootstrapMeanCIs(vectors, opts.bootstrap);
    cols.forEach((c, i) => {
      const v = vectors[i]!;
      results[c] = { name: per.columns[c]!, value: meanOf(v), ciLow: cis[i]!.low, ciHigh: cis[i]!.high, users: v.length };
    });
  }
  const out: MetricValue[] = results;
  if (opts.catalogueSize && opts.ks) {
    for (const k of opts.ks) {
      let covered = 0;
      for (let i = 0; i < per.bestPosition.length; i++) if (per.bestPosition[i]! < k) covered++;
      const value = covered / opts.catalogueSize;
      out.push({ name: `coverage@${k}`, value, ciLow: value, ciHigh: value, users: per.users.length });
    }
  }
  return out;
}

/**
 * Reassembles shard results into global user order, so the merged per-user vector (and every sum and
 * bootstrap over it) is identical to a single run over all users. Shards must cover disjoint users.
 */
export function mergePerUser(parts: PerUserValues[]): PerUserValues {
  if (parts.length === 0) throw new EvaluationError('INVALID_INPUT', 'nothing to merge');
  const columns = parts[0]!.columns;
  for (const p of parts) if (p.columns.join() !== columns.join()) throw new EvaluationError('INVALID_INPUT', 'shards computed different metrics');
  const total = parts.reduce((s, p) => s + p.users.length, 0);
  let maxUser = -1;
  for (const p of parts) for (let j = 0; j < p.users.length; j++) if (p.users[j]! > maxUser) maxUser = p.users[j]!;
  // Global order = ascending user index (a counting placement, linear time).
  const position = new Int32Array(maxUser + 1).fill(-1);
  for (const p of parts)
    for (let j = 0; j < p.users.length; j++) {
      const u = p.users[j]!;
      if (position[u] !== -1) throw new EvaluationError('INVALID_INPUT', `user ${u} evaluated in two shards`);
      position[u] = 0;
    }
  const users = new Int32Array(total);
  for (let u = 0, j = 0; u <= maxUser; u++) if (position[u] === 0) {
    position[u] = j;
    users[j++] = u;
  }
  const values = new Float64Array(columns.length * total);
  for (const p of parts) {
    const n = p.users.length;
    for (let j = 0; j < n; j++) {
      const dst = position[p.users[j]!]!;
      for (let c = 0; c < columns.length; c++) values[c * total + dst] = p.values[c * n + j]!;
    }
  }
  const bestPosition = new Int32Array(parts[0]!.bestPosition.length).fill(0x7fffffff);
  for (const p of parts) for (let i = 0; i < bestPosition.length; i++) if (p.bestPosition[i]! < bestPosition[i]!) bestPosition[i] = p.bestPosition[i]!;
  return { columns: [...columns], users, values, bestPosition };
}
