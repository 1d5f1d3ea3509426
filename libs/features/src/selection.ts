import { logisticRegression } from '@app/recsys';
import { binIndex, quantileSorted } from './stats.js';

/**
 * Feature selection helpers: mutual information and chi-square against a label, and model-based importance
 * from the L2 logistic regression the hybrid recommender uses as its blender. Pure functions.
 */

/** Mutual information (nats) of two discrete variables given as parallel code arrays, as sklearn's mutual_info_score. */
export function mutualInformation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return 0;
  const joint = new Map<string, number>(), px = new Map<number, number>(), py = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    const a = x[r]!, b = y[r]!;
    joint.set(`${a}|${b}`, (joint.get(`${a}|${b}`) ?? 0) + 1);
    px.set(a, (px.get(a) ?? 0) + 1);
    py.set(b, (py.get(b) ?? 0) + 1);
  }
  let mi = 0;
  for (const [k, c] of joint) {
    const [a, b] = k.split('|').map(Number) as [number, number];
    mi += (c / n) * Math.log((c * n) / (px.get(a)! * py.get(b)!));
  }
  return Math.max(0, mi);
}

/** Pearson chi-square test of independence on the contingency table of two discrete variables (no Yates correction). */
export function chiSquare(x: ArrayLike<number>, y: ArrayLike<number>): { statistic: number; dof: number; pValue: number } {
  const n = x.length;
  const xs = [...new Set(Array.from(x))], ys = [...new Set(Array.from(y))];
  if (n === 0 || xs.length < 2 || ys.length < 2) return { statistic: 0, dof: 0, pValue: 1 };
  const xi = new Map(xs.map((v, i) => [v, i])), yi = new Map(ys.map((v, i) => [v, i]));
  const table = new Float64Array(xs.length * ys.length), rows = new Float64Array(xs.length), cols = new Float64Array(ys.length);
  for (let r = 0; r < n; r++) {
    const a = xi.get(x[r]!)!, b = yi.get(y[r]!)!;
    table[a * ys.length + b]!++;
    rows[a]!++;
    cols[b]!++;
  }
  let stat = 0;
  for (let a = 0; a < xs.length; a++) {
    for (let b = 0; b < ys.length; b++) {
      const e = (rows[a]! * cols[b]!) / n;
      stat += (table[a * ys.length + b]! - e) ** 2 / e;
    }
  }
  const dof = (xs.length - 1) * (ys.length - 1);
  return { statistic: stat, dof, pValue: chiSquareSurvival(stat, dof) };
}

/** P(X > x) for a chi-square variable with k degrees of freedom: the regularised upper incomplete gamma Q(k/2, x/2). */
export function chiSquareSurvival(x: number, k: number): number {
  if (x <= 0) return 1;
  return gammaQ(k / 2, x / 2);
}

function logGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x): series for x < a + 1, continued fraction otherwise (Numerical Recipes). */
function gammaQ(a: number, x: number): number {
  const gln = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a, del = sum, ap = a;
    for (let n = 0; n < 1000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - gln));
  }
  let b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - gln) * h);
}

/**
 * Discretises a numeric column for MI / chi-square: quantile bins (at most `bins`, deduplicated edges);
 * missing values get their own code (-1).
 */
export function discretize(values: ReadonlyArray<number | null | undefined>, bins = 10): Int32Array {
  const present = Float64Array.from(values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))).sort();
  const edges = present.length ? [...new Set(Array.from({ length: bins - 1 }, (_, k) => quantileSorted(present, (k + 1) / bins)))].filter((e) => e > present[0]!) : [];
  return Int32Array.from(values, (v) => (typeof v === 'number' && Number.isFinite(v) ? binIndex(v, edges) : -1));
}

export interface FeatureRanking {
  feature: string;
  mutualInformation: number;
  chiSquare: number;
  chiSquarePValue: number;
  /** Standardised logistic-regression coefficient (sign = direction of the effect). */
  coefficient: number | null;
  /** |coefficient| as a share of the sum over features (model-based importance). */
  importance: number | null;
  missingRate: number;
}

/**
 * Ranks numeric feature columns against a binary label: MI and chi-square on quantile bins, and the
 * standardised coefficients of an L2 logistic regression over all columns together (missing → the mean, i.e. 0
 * after standardising). Sorted by mutual information, highest first.
 */
export function rankFeatures(columns: ReadonlyArray<{ name: string; values: ReadonlyArray<number | null | undefined> }>, labels: ArrayLike<number>, opts: { bins?: number; l2?: number } = {}): FeatureRanking[] {
  const n = labels.length;
  const y = Int32Array.from(labels, (v) => (v > 0 ? 1 : 0));
  for (const c of columns) if (c.values.length !== n) throw new Error(`feature ${c.name} has ${c.values.length} values for ${n} labels`);
  const nf = columns.length;
  let coef: Float64Array | null = null;
  if (n > 0 && nf > 0) {
    const x = new Float64Array(n * (nf + 1));
    columns.forEach((c, k) => {
      const present = c.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      const mean = present.reduce((s, v) => s + v, 0) / (present.length || 1);
      const std = Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / (present.length || 1));
      for (let r = 0; r < n; r++) {
        const v = c.values[r];
        x[r * (nf + 1) + k] = typeof v === 'number' && Number.isFinite(v) && std > 0 ? (v - mean) / std : 0;
      }
    });
    for (let r = 0; r < n; r++) x[r * (nf + 1) + nf] = 1; // intercept
    coef = logisticRegression(x, Float64Array.from(y), nf + 1, opts.l2 ?? 1e-3);
  }
  const total = coef ? Array.from(coef.subarray(0, nf)).reduce((s, w) => s + Math.abs(w), 0) : 0;
  return columns
    .map((c, k) => {
      const codes = discretize(c.values, opts.bins ?? 10);
      const chi = chiSquare(codes, y);
      const w = coef ? coef[k]! : null;
      return {
        feature: c.name,
        mutualInformation: mutualInformation(codes, y),
        chiSquare: chi.statistic,
        chiSquarePValue: chi.pValue,
        coefficient: w,
        importance: w === null ? null : total > 0 ? Math.abs(w) / total : 0,
        missingRate: n ? c.values.filter((v) => typeof v !== 'number' || !Number.isFinite(v)).length / n : 0,
      };
    })
    .sort((a, b) => b.mutualInformation - a.mutualInformation || a.feature.localeCompare(b.feature));
}
