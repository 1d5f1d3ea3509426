import { SeededRandom } from './rng.js';

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  samples?: number;
  /** Seed for the resampling (default 42). */
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
}

export interface Interval {
  low: number;
  high: number;
}

/** Sum in index order: the one summation every path (single run, merged shards) uses, so results match bit for bit. */
export function meanOf(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length ? s / values.length : NaN;
}

/** Quantile with linear interpolation between order statistics (type 7, as numpy's default). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Percentile bootstrap CI of the mean over users: resample users with replacement, seeded. */
export function bootstrapMeanCI(values: Float64Array, opts: BootstrapOptions = {}): Interval {
  return bootstrapMeanCIs([values], opts)[0]!;
}

/**
 * The same bootstrap for several metrics over the same users (equal-length vectors, user j at index j):
 * each resample draws user multiplicities once (m seeded draws) and applies them to every vector with a
 * sequential pass, so a column's interval equals `bootstrapMeanCI(column)` exactly.
 */
export function bootstrapMeanCIs(columns: readonly Float64Array[], opts: BootstrapOptions = {}): Interval[] {
  const m = columns[0]?.length ?? 0;
  for (const c of columns) if (c.length !== m) throw new Error('bootstrap columns must have equal lengths');
  if (m === 0) return columns.map(() => ({ low: NaN, high: NaN }));
  const samples = opts.samples ?? 1000;
  const level = opts.level ?? 0.95;
  const rng = new SeededRandom(opts.seed ?? 42);
  const means = columns.map(() => new Float64Array(samples));
  const counts = new Int32Array(m);
  for (let b = 0; b < samples; b++) {
    counts.fill(0);
    for (let t = 0; t < m; t++) counts[rng.int(m)]!++;
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c]!;
      let s = 0;
      for (let i = 0; i < m; i++) s += counts[i]! * v[i]!;
      means[c]![b] = s / m;
    }
  }
  return means.map((ms) => {
    ms.sort();
    return { low: quantileSorted(ms, (1 - level) / 2), high: quantileSorted(ms, 1 - (1 - level) / 2) };
  });
}

export interface PairedComparison {
  /** mean(b) - mean(a) over the paired users. */
  difference: number;
  ci: Interval;
  /** Two-sided p-value of a seeded sign-flip (paired permutation) test of "no difference". */
  pValue: number;
  users: number;
}

/**
 * Compares two result sets on the same users: a[i] and b[i] belong to the same user (pairs with a NaN on
 * either side are dropped). CI from a paired bootstrap of the per-user differences; p-value from a
 * sign-flip randomisation test (exact null for paired data, no normality assumption), with +1 smoothing.
 */
export function comparePaired(a: Float64Array, b: Float64Array, opts: BootstrapOptions & { permutations?: number } = {}): PairedComparison {
  if (a.length !== b.length) throw new Error(`paired comparison needs equal lengths (${a.length} vs ${b.length})`);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!) && !Number.isNaN(b[i]!)) n++;
  const d = new Float64Array(n);
  for (let i = 0, j = 0; i < a.length; i++) if (!Number.isNaN(a[i]!) && !Number.isNaN(b[i]!)) d[j++] = b[i]! - a[i]!;
  const difference = meanOf(d);
  const ci = bootstrapMeanCI(d, opts);
  const perms = opts.permutations ?? 2000;
  const rng = new SeededRandom((opts.seed ?? 42) ^ 0x9e3779b9);
  const observed = Math.abs(difference * n);
  let extreme = 0;
  for (let p = 0; p < perms; p++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rng.next() < 0.5 ? -d[i]! : d[i]!;
    if (Math.abs(s) >= observed - 1e-12) extreme++;
  }
  return { difference, ci, pValue: n === 0 ? NaN : (extreme + 1) / (perms + 1), users: n };
}
