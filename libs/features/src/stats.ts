import type { FeatureType, FeatureValue } from './definitions/types.js';

/**
 * Feature statistics and drift measures. Pure; the reference values in stats.spec.ts come from numpy/scipy
 * and hand computation.
 */

export const QUANTILE_PROBS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1] as const;
const SAMPLE_SIZE = 1000;
const TOP_CATEGORIES = 50;
export const OTHER_CATEGORY = '__other__';

export interface FeatureStatistics {
  kind: 'numeric' | 'categorical' | 'other';
  count: number;
  missing: number;
  missingRate: number;
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
  quantiles?: Array<{ p: number; value: number }>;
  /** Inner edges of the PSI bins (training deciles, deduplicated) and the training share of each bin. */
  binEdges?: number[];
  binShares?: number[];
  /** Up to 1000 training values (evenly spaced order statistics), sorted: the reference sample for KS. */
  sample?: number[];
  /** Categorical: shares of the top categories (the rest under "__other__"). */
  categories?: Array<{ value: string; share: number }>;
}

/** numpy's default quantile (linear interpolation between order statistics) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p, lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Bin index for ascending inner edges: k such that edges[k-1] <= x < edges[k]. */
export function binIndex(x: number, edges: readonly number[]): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x >= edges[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function categoryOf(v: FeatureValue): string {
  return typeof v === 'string' ? v : String(v);
}

export function isNumericType(t: FeatureType): boolean {
  return t === 'float' || t === 'int';
}

export function summarize(type: FeatureType, values: ReadonlyArray<FeatureValue | undefined>): FeatureStatistics {
  const count = values.length;
  const present = values.filter((v): v is Exclude<FeatureValue, null> => v !== null && v !== undefined);
  const missing = count - present.length;
  const base = { count, missing, missingRate: count ? missing / count : 0 };
  if (isNumericType(type)) {
    const xs = Float64Array.from(present as number[]).sort();
    const n = xs.length;
    if (n === 0) return { kind: 'numeric', ...base };
    let sum = 0;
    for (const x of xs) sum += x;
    const mean = sum / n;
    let sq = 0;
    for (const x of xs) sq += (x - mean) ** 2;
    const edges = [...new Set([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((p) => quantileSorted(xs, p)))];
    // Deciles of a discrete feature collapse; an edge equal to the minimum would leave an empty first bin.
    const innerEdges = edges.filter((e) => e > xs[0]!);
    const shares = new Array<number>(innerEdges.length + 1).fill(0);
    for (const x of xs) shares[binIndex(x, innerEdges)]! += 1 / n;
    const step = n > SAMPLE_SIZE ? (n - 1) / (SAMPLE_SIZE - 1) : 1;
    const sample = n > SAMPLE_SIZE ? Array.from({ length: SAMPLE_SIZE }, (_, k) => xs[Math.round(k * step)]!) : Array.from(xs);
    return {
      kind: 'numeric', ...base, mean, std: Math.sqrt(sq / n), min: xs[0]!, max: xs[n - 1]!,
      quantiles: QUANTILE_PROBS.map((p) => ({ p, value: quantileSorted(xs, p) })),
      binEdges: innerEdges, binShares: shares, sample,
    };
  }
  if (type === 'bool' || type === 'string') {
    const freq = new Map<string, number>();
    for (const v of present) freq.set(categoryOf(v), (freq.get(categoryOf(v)) ?? 0) + 1);
    const sorted = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const top = sorted.slice(0, TOP_CATEGORIES).map(([value, c]) => ({ value, share: c / present.length }));
    const rest = sorted.slice(TOP_CATEGORIES).reduce((s, [, c]) => s + c, 0);
    if (rest > 0) top.push({ value: OTHER_CATEGORY, share: rest / present.length });
    return { kind: 'categorical', ...base, categories: top };
  }
  return { kind: 'other', ...base };
}

const EPS = 1e-4;

/**
 * Population stability index Σ (a − e)·ln(a / e) over bins, shares floored at 1e-4 so an empty bin does
 * not make it infinite. `expected` and `actual` are shares (each summing to 1).
 */
export function psiFromShares(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = Math.max(expected[k]!, EPS), a = Math.max(actual[k] ?? 0, EPS);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/**
 * PSI of recent values against training statistics: numeric → the training decile bins; categorical → the
 * training categories (+ other). A "missing" bin is added when either side has missing values.
 */
export function psi(train: FeatureStatistics, recent: ReadonlyArray<FeatureValue | undefined>): number | null {
  const n = recent.length;
  if (n === 0 || train.count === 0) return null;
  const recentMissing = recent.filter((v) => v === null || v === undefined).length;
  const presentShare = 1 - recentMissing / n;
  const trainPresent = 1 - train.missingRate;
  let expected: number[], actual: number[];
  if (train.kind === 'numeric' && train.binShares && train.binEdges) {
    const edges = train.binEdges;
    const counts = new Array<number>(train.binShares.length).fill(0);
    const present = n - recentMissing;
    for (const v of recent) if (typeof v === 'number') counts[binIndex(v, edges)]!++;
    expected = train.binShares.map((s) => s * trainPresent);
    actual = counts.map((c) => (present ? (c / present) * presentShare : 0));
  } else if (train.kind === 'categorical' && train.categories) {
    const known = new Map(train.categories.map((c, k) => [c.value, k]));
    const other = known.get(OTHER_CATEGORY);
    const counts = new Array<number>(train.categories.length + (other === undefined ? 1 : 0)).fill(0);
    const present = n - recentMissing;
    for (const v of recent) {
      if (v === null || v === undefined) continue;
      const k = known.get(categoryOf(v)) ?? other ?? counts.length - 1;
      counts[k]!++;
    }
    expected = [...train.categories.map((c) => c.share * trainPresent), ...(other === undefined ? [0] : [])];
    actual = counts.map((c) => (present ? (c / present) * presentShare : 0));
  } else {
    return null;
  }
  if (train.missing > 0 || recentMissing > 0) {
    expected.push(train.missingRate);
    actual.push(recentMissing / n);
  }
  return psiFromShares(expected, actual);
}

/** Two-sample Kolmogorov–Smirnov statistic D = sup |F₁(x) − F₂(x)| of two samples (any order). */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Float64Array.from(a).sort(), y = Float64Array.from(b).sort();
  const n = x.length, m = y.length;
  if (n === 0 || m === 0) return NaN;
  let i = 0, j = 0, d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < n && x[i]! <= v) i++;
    while (j < m && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return d;
}

/** Asymptotic p-value of the two-sample KS statistic (Kolmogorov distribution, as scipy's method="asymp"). */
export function ksPValue(d: number, n: number, m: number): number {
  const en = Math.sqrt((n * m) / (n + m));
  const lambda = en * d;
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

export interface DriftResult {
  psi: number | null;
  ks: number | null;
  ksPValue: number | null;
  recentCount: number;
  recentMissingRate: number;
  drifted: boolean;
}

export interface DriftThresholds {
  psi: number;
  ks: number;
}
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psi: 0.2, ks: 0.2 };

/** PSI (numeric and categorical) and KS (numeric, against the stored training sample); drifted when either passes its threshold. */
export function drift(train: FeatureStatistics, recent: ReadonlyArray<FeatureValue | undefined>, thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS): DriftResult {
  const p = psi(train, recent);
  const nums = recent.filter((v): v is number => typeof v === 'number');
  let ks: number | null = null, pv: number | null = null;
  if (train.kind === 'numeric' && train.sample && train.sample.length > 0 && nums.length > 0) {
    ks = ksStatistic(train.sample, nums);
    pv = ksPValue(ks, train.sample.length, nums.length);
  }
  const missing = recent.filter((v) => v === null || v === undefined).length;
  return {
    psi: p, ks, ksPValue: pv, recentCount: recent.length, recentMissingRate: recent.length ? missing / recent.length : 0,
    drifted: (p !== null && p > thresholds.psi) || (ks !== null && ks > thresholds.ks),
  };
}
