/**
 * Off-policy evaluation (pure): how would a target policy π have done on traffic logged by another policy μ?
 *
 * Every logged decision i has a reward r_i, the probability μ_i with which the logging policy took the logged action
 * (the propensity, recorded when the list was served) and the probability π_i with which the target policy would take
 * that same action in that context. The importance weight is w_i = π_i / μ_i (optionally clipped at `clip`). For a
 * deterministic target ("serve arm X") π_i = 1{logged action = X}, so w_i = 1{a_i = X} / μ_i.
 *
 *   IPS   V̂ = (1/n) Σ w_i r_i                       (Horvitz–Thompson; unbiased when μ_i > 0 wherever π_i > 0)
 *   SNIPS V̂ = Σ w_i r_i / Σ w_i                     (self-normalised; slightly biased, far less variance)
 *
 * Standard errors are cluster-robust (sandwich / delta method) over `clusters` (e.g. the unit: the lists of one unit
 * are correlated); without clusters each decision is its own cluster. With G clusters c, n decisions in all:
 *
 *   IPS   Var = G/(G−1) · Σ_c (Σ_{i∈c} w_i r_i − V̂ · m_c)² / n²      (m_c = decisions in c; = s²/n without clusters)
 *   SNIPS Var = G/(G−1) · Σ_c (Σ_{i∈c} w_i (r_i − V̂))² / (Σ w)²
 *
 * Normal-approximation CIs V̂ ± z_{1−α/2}·SE, and optionally a seeded percentile bootstrap over clusters.
 * Effective sample size (Kish) ESS = (Σ w)² / Σ w². References: Horvitz & Thompson (1952); Swaminathan & Joachims,
 * "The Self-Normalized Estimator for Counterfactual Learning" (NeurIPS 2015); Li et al., "Unbiased offline evaluation
 * of contextual-bandit-based news article recommendation" (WSDM 2011).
 */
import { normalQuantile } from './distributions.js';
import { SeededRng } from './rng.js';
import { StatisticsError } from './statistics.errors.js';

export interface OffPolicyInput {
  rewards: ArrayLike<number>;
  /** μ(a_i | x_i): the logging policy's probability of the logged action, in (0, 1]. */
  propensities: ArrayLike<number>;
  /** π(a_i | x_i): the target policy's probability of the logged action, in [0, 1]. */
  targetProbabilities: ArrayLike<number>;
  /** Optional cluster (unit) of each decision, for cluster-robust standard errors and the bootstrap. */
  clusters?: ArrayLike<string | number>;
  /** Clip importance weights at this value (> 0); trades a little bias for less variance. */
  clip?: number | null;
  /** Default 0.05 (95% intervals). */
  alpha?: number;
  /** Percentile bootstrap over clusters (seeded, reproducible). */
  bootstrap?: { resamples: number; seed: number } | null;
}

export interface OffPolicyInterval {
  estimate: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  /** Percentile bootstrap interval (null without `bootstrap`). */
  bootstrapLow: number | null;
  bootstrapHigh: number | null;
}

export interface OffPolicyResult {
  /** Logged decisions. */
  n: number;
  clusters: number;
  /** Decisions with a non-zero weight (for an arm: the lists that arm served). */
  matched: number;
  ips: OffPolicyInterval;
  /** Null when no decision has a non-zero weight. */
  snips: OffPolicyInterval | null;
  /** Kish effective sample size (Σw)² / Σw². */
  effectiveSampleSize: number;
  sumWeights: number;
  /** (1/n) Σ w: ≈ 1 when propensities are right and the target is a full policy (a diagnostic). */
  meanWeight: number;
  maxWeight: number;
  /** Weights cut down to `clip`. */
  clipped: number;
  alpha: number;
}

interface Prepared {
  w: Float64Array;
  r: Float64Array;
  cluster: Int32Array;
  G: number;
  clipped: number;
}

function prepare(input: OffPolicyInput): Prepared {
  const n = input.rewards.length;
  if (input.propensities.length !== n || input.targetProbabilities.length !== n || (input.clusters && input.clusters.length !== n)) {
    throw new StatisticsError('INVALID_INPUT', `rewards, propensities, target probabilities (and clusters) must have the same length`, { n });
  }
  if (n === 0) throw new StatisticsError('INSUFFICIENT_DATA', 'no logged decisions to evaluate');
  const clip = input.clip ?? null;
  if (clip !== null && !(clip > 0)) throw new StatisticsError('INVALID_INPUT', `clip must be > 0, got ${clip}`, { field: 'clip' });
  const w = new Float64Array(n), r = new Float64Array(n), cluster = new Int32Array(n);
  const ids = new Map<string | number, number>();
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const mu = input.propensities[i]!, pi = input.targetProbabilities[i]!, y = input.rewards[i]!;
    if (!(mu > 0 && mu <= 1)) throw new StatisticsError('INVALID_INPUT', `propensity ${mu} of decision ${i} must lie in (0, 1]`, { field: 'propensities', index: i });
    if (!(pi >= 0 && pi <= 1)) throw new StatisticsError('INVALID_INPUT', `target probability ${pi} of decision ${i} must lie in [0, 1]`, { field: 'targetProbabilities', index: i });
    if (!Number.isFinite(y)) throw new StatisticsError('INVALID_INPUT', `reward of decision ${i} is not a number`, { field: 'rewards', index: i });
    let weight = pi / mu;
    if (clip !== null && weight > clip) {
      weight = clip;
      clipped++;
    }
    w[i] = weight;
    r[i] = y;
    if (input.clusters) {
      const key = input.clusters[i]!;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      cluster[i] = id;
    } else cluster[i] = i;
  }
  return { w, r, cluster, G: input.clusters ? ids.size : n, clipped };
}

/** IPS and SNIPS point estimates and cluster-robust standard errors from per-cluster sums. */
function estimates(p: Prepared, counts?: Float64Array): { ips: number; ipsSe: number; snips: number; snipsSe: number; sumW: number } {
  const { w, r, cluster, G } = p;
  // Per cluster: m_c, Σ w r, Σ w (times the bootstrap multiplicity of the cluster when resampling).
  const m = new Float64Array(G), wr = new Float64Array(G), ws = new Float64Array(G);
  for (let i = 0; i < w.length; i++) {
    const c = cluster[i]!;
    m[c]! += 1;
    wr[c]! += w[i]! * r[i]!;
    ws[c]! += w[i]!;
  }
  let n = 0, sumWr = 0, sumW = 0, g = 0;
  for (let c = 0; c < G; c++) {
    const k = counts ? counts[c]! : 1;
    if (k === 0) continue;
    g += k;
    n += k * m[c]!;
    sumWr += k * wr[c]!;
    sumW += k * ws[c]!;
  }
  const ips = sumWr / n;
  const snips = sumW > 0 ? sumWr / sumW : NaN;
  let ssIps = 0, ssSnips = 0;
  for (let c = 0; c < G; c++) {
    const k = counts ? counts[c]! : 1;
    if (k === 0) continue;
    ssIps += k * (wr[c]! - ips * m[c]!) ** 2;
    if (sumW > 0) ssSnips += k * (wr[c]! - snips * ws[c]!) ** 2;
  }
  const f = g > 1 ? g / (g - 1) : NaN;
  return { ips, ipsSe: Math.sqrt((f * ssIps) / (n * n)), snips, snipsSe: sumW > 0 ? Math.sqrt((f * ssSnips) / (sumW * sumW)) : NaN, sumW };
}

function percentile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q, lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** IPS and SNIPS estimates of the target policy's mean reward, with normal (and optionally bootstrap) intervals. */
export function offPolicyEstimate(input: OffPolicyInput): OffPolicyResult {
  const alpha = input.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new StatisticsError('INVALID_INPUT', `alpha must lie in (0, 1), got ${alpha}`, { field: 'alpha' });
  const p = prepare(input);
  const n = p.w.length;
  const e = estimates(p);
  const z = normalQuantile(1 - alpha / 2);
  let sumW2 = 0, maxW = 0, matched = 0;
  for (let i = 0; i < n; i++) {
    sumW2 += p.w[i]! ** 2;
    maxW = Math.max(maxW, p.w[i]!);
    if (p.w[i]! > 0) matched++;
  }
  let boot: { ips: [number, number]; snips: [number, number] } | null = null;
  if (input.bootstrap) {
    const B = input.bootstrap.resamples;
    if (!(Number.isInteger(B) && B >= 100 && B <= 100_000)) throw new StatisticsError('INVALID_INPUT', `bootstrap resamples must be an integer in [100, 100000], got ${B}`, { field: 'resamples' });
    const rng = new SeededRng(input.bootstrap.seed);
    const ipsB = new Float64Array(B), snipsB = new Float64Array(B);
    const counts = new Float64Array(p.G);
    let kept = 0;
    for (let b = 0; b < B; b++) {
      counts.fill(0);
      for (let j = 0; j < p.G; j++) counts[rng.int(p.G)]! += 1;
      const x = estimates(p, counts);
      ipsB[b] = x.ips;
      snipsB[kept] = x.snips;
      if (Number.isFinite(x.snips)) kept++;
    }
    ipsB.sort();
    const s = snipsB.subarray(0, kept).sort();
    boot = { ips: [percentile(ipsB, alpha / 2), percentile(ipsB, 1 - alpha / 2)], snips: kept > 0 ? [percentile(s, alpha / 2), percentile(s, 1 - alpha / 2)] : [NaN, NaN] };
  }
  const interval = (estimate: number, se: number, b: [number, number] | undefined): OffPolicyInterval => ({
    estimate, se, ciLow: estimate - z * se, ciHigh: estimate + z * se, bootstrapLow: b ? b[0] : null, bootstrapHigh: b ? b[1] : null,
  });
  return {
    n,
    clusters: p.G,
    matched,
    ips: interval(e.ips, e.ipsSe, boot?.ips),
    snips: e.sumW > 0 ? interval(e.snips, e.snipsSe, boot?.snips) : null,
    effectiveSampleSize: sumW2 > 0 ? (e.sumW * e.sumW) / sumW2 : 0,
    sumWeights: e.sumW,
    meanWeight: e.sumW / n,
    maxWeight: maxW,
    clipped: p.clipped,
    alpha,
  };
}

/**
 * π(a_i) for a context-free target over arms: a deterministic arm (`"X"`: 1 when the logged action is X, else 0) or
 * a distribution over arms (`{ X: 0.7, Y: 0.3 }`, must sum to 1).
 */
export function armTargetProbabilities(actions: readonly string[], target: string | Readonly<Record<string, number>>): Float64Array {
  if (typeof target === 'string') return Float64Array.from(actions, (a) => (a === target ? 1 : 0));
  const sum = Object.values(target).reduce((s, v) => s + v, 0);
  for (const [k, v] of Object.entries(target)) if (!(v >= 0 && v <= 1)) throw new StatisticsError('INVALID_INPUT', `target probability of "${k}" must lie in [0, 1], got ${v}`, { field: 'target' });
  if (Math.abs(sum - 1) > 1e-9) throw new StatisticsError('INVALID_INPUT', `target probabilities sum to ${sum}, not 1`, { field: 'target' });
  return Float64Array.from(actions, (a) => target[a] ?? 0);
}
