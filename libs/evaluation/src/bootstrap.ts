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

export interface PairedComparisonMany extends PairedComparison {
  /** 'resampling': paired bootstrap + Monte Carlo sign flips; 'normal': their large-sample normal approximations. */
  method: 'resampling' | 'normal';
}

/**
 * `comparePaired` for several metrics of the same users (as[m][i], bs[m][i] belong to user i). Metrics defined for
 * the same users share their random draws, so each result equals `comparePaired(as[m], bs[m])` exactly while the
 * draws are paid once. Above `resampleUpTo` paired users (default 20,000) resampling costs users × (samples +
 * permutations) draws, so the large-sample limits are used instead: CI mean ± z·sd/√n, and the sign-flip
 * statistic Σd, whose randomisation distribution has mean 0 and variance Σd², gives p = erfc(|Σd| / √(2Σd²)).
 */
export function comparePairedMany(
  as: readonly Float64Array[],
  bs: readonly Float64Array[],
  opts: BootstrapOptions & { permutations?: number; resampleUpTo?: number } = {},
): PairedComparisonMany[] {
  if (as.length !== bs.length) throw new Error('comparePairedMany needs as many a columns as b columns');
  const diffs = as.map((a, m) => {
    const b = bs[m]!;
    if (a.length !== b.length) throw new Error(`paired comparison needs equal lengths (${a.length} vs ${b.length})`);
    const keep: number[] = [];
    for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!) && !Number.isNaN(b[i]!)) keep.push(i);
    return { keep: keep.join(','), d: Float64Array.from(keep, (i) => b[i]! - a[i]!) };
  });
  const out = new Array<PairedComparisonMany>(as.length);
  const groups = new Map<string, number[]>();
  diffs.forEach((x, m) => groups.set(x.keep, [...(groups.get(x.keep) ?? []), m]));
  const level = opts.level ?? 0.95;
  for (const members of groups.values()) {
    const ds = members.map((m) => diffs[m]!.d);
    const n = ds[0]!.length;
    if (n === 0 || n <= (opts.resampleUpTo ?? 20_000)) {
      const cis = bootstrapMeanCIs(ds, opts);
      const pValues = signFlipPValues(ds, opts);
      members.forEach((m, t) => (out[m] = { difference: meanOf(ds[t]!), ci: cis[t]!, pValue: pValues[t]!, users: n, method: 'resampling' }));
    } else {
      const z = normalQuantile(1 - (1 - level) / 2);
      members.forEach((m, t) => {
        const d = ds[t]!;
        const mean = meanOf(d);
        let ss = 0, sq = 0, sum = 0;
        for (let i = 0; i < n; i++) { ss += (d[i]! - mean) ** 2; sq += d[i]! * d[i]!; sum += d[i]!; }
        const half = z * Math.sqrt(ss / (n - 1) / n);
        out[m] = { difference: mean, ci: { low: mean - half, high: mean + half }, pValue: sq === 0 ? 1 : Math.min(1, erfc(Math.abs(sum) / Math.sqrt(2 * sq))), users: n, method: 'normal' };
      });
    }
  }
  return out;
}

/** The sign-flip test of `comparePaired` for several difference vectors of equal length, one draw stream. */
function signFlipPValues(ds: readonly Float64Array[], opts: BootstrapOptions & { permutations?: number }): number[] {
  const n = ds[0]!.length;
  if (n === 0) return ds.map(() => NaN);
  const perms = opts.permutations ?? 2000;
  const rng = new SeededRandom((opts.seed ?? 42) ^ 0x9e3779b9);
  const observed = ds.map((d) => Math.abs(meanOf(d) * n));
  const extreme = new Int32Array(ds.length);
  const flip = new Int8Array(n);
  for (let p = 0; p < perms; p++) {
    for (let i = 0; i < n; i++) flip[i] = rng.next() < 0.5 ? -1 : 1;
    for (let c = 0; c < ds.length; c++) {
      const d = ds[c]!;
      let s = 0;
      for (let i = 0; i < n; i++) s += flip[i]! < 0 ? -d[i]! : d[i]!;
      if (Math.abs(s) >= observed[c]! - 1e-12) extreme[c]!++;
    }
  }
  return Array.from(extreme, (e) => (e + 1) / (perms + 1));
}

/** Complementary error function (Numerical Recipes erfcc, relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error('normalQuantile needs 0 < p < 1');
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
