/**
 * Per-variant analysis of one metric, from sufficient statistics (sums), so a million units cost one pass.
 * Formulas follow GrowthBook's gbstats (frequentist and Bayesian engines) as summarised in
 * /work/shared/reference/experimentation.md; the README of this lib gives each with its source.
 */
import { chiSquareSf, normalQuantile, normalSf, studentTCdf, studentTQuantile, studentTwoSidedTail } from './distributions.js';
import { StatisticsError } from './statistics.errors.js';

export type MetricKind = 'mean' | 'proportion' | 'ratio';

/**
 * Sufficient statistics of one arm. `y` is the metric (ratio: numerator); `x` is the second per-unit variable:
 * the pre-experiment covariate for CUPED, or the denominator of a ratio metric.
 */
export interface ArmSummary {
  n: number;
  sumY: number;
  sumY2: number;
  sumX?: number;
  sumX2?: number;
  sumXY?: number;
}

/** One pass over the per-unit values of an arm (x optional, same length). */
export function summarize(y: ArrayLike<number>, x?: ArrayLike<number>): ArmSummary {
  if (x && x.length !== y.length) throw new StatisticsError('INVALID_INPUT', `y and x differ in length (${y.length} vs ${x.length})`);
  let sy = 0, syy = 0;
  const n = y.length;
  if (!x) {
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      sy += v;
      syy += v * v;
    }
    return { n, sumY: sy, sumY2: syy };
  }
  let sx = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!, w = x[i]!;
    sy += v;
    syy += v * v;
    sx += w;
    sxx += w * w;
    sxy += v * w;
  }
  return { n, sumY: sy, sumY2: syy, sumX: sx, sumX2: sxx, sumXY: sxy };
}

/** Sum of two summaries (pooling arms or days). */
export function mergeSummaries(a: ArmSummary, b: ArmSummary): ArmSummary {
  const out: ArmSummary = { n: a.n + b.n, sumY: a.sumY + b.sumY, sumY2: a.sumY2 + b.sumY2 };
  if (a.sumX !== undefined && b.sumX !== undefined) {
    out.sumX = a.sumX + b.sumX;
    out.sumX2 = (a.sumX2 ?? 0) + (b.sumX2 ?? 0);
    out.sumXY = (a.sumXY ?? 0) + (b.sumXY ?? 0);
  }
  return out;
}

const sampleVar = (n: number, s: number, s2: number) => (n > 1 ? Math.max(0, (s2 - (s * s) / n) / (n - 1)) : 0);
const sampleCov = (n: number, sa: number, sb: number, sab: number) => (n > 1 ? (sab - (sa * sb) / n) / (n - 1) : 0);

export interface ArmMoments {
  n: number;
  /** Mean (proportion: rate; ratio: Σnum/Σden). */
  mean: number;
  /** Per-unit variance of the metric (ratio: delta-method variance of the unit-level ratio). */
  variance: number;
}

/**
 * Mean and per-unit variance of an arm. Proportion: p(1−p) (GrowthBook ProportionStatistic). Ratio (delta method,
 * GrowthBook RatioStatistic): m = ΣM/ΣD, s² = (s_M² − 2(m_M/m_D)s_MD + (m_M/m_D)² s_D²) / m_D².
 */
export function armMoments(s: ArmSummary, kind: MetricKind): ArmMoments {
  const n = s.n;
  if (n < 2) throw new StatisticsError('INSUFFICIENT_DATA', `an arm needs at least 2 units, got ${n}`);
  if (kind === 'ratio') {
    if (s.sumX === undefined || s.sumX2 === undefined || s.sumXY === undefined) throw new StatisticsError('INVALID_INPUT', 'a ratio metric needs the denominator (x) sums');
    const mM = s.sumY / n, mD = s.sumX / n;
    if (!(mD !== 0)) throw new StatisticsError('INSUFFICIENT_DATA', 'ratio metric with a zero denominator');
    const r = mM / mD;
    const v = (sampleVar(n, s.sumY, s.sumY2) - 2 * r * sampleCov(n, s.sumY, s.sumX, s.sumXY) + r * r * sampleVar(n, s.sumX, s.sumX2)) / (mD * mD);
    return { n, mean: r, variance: Math.max(0, v) };
  }
  const mean = s.sumY / n;
  return { n, mean, variance: kind === 'proportion' ? mean * (1 - mean) : sampleVar(n, s.sumY, s.sumY2) };
}

/** Welch–Satterthwaite degrees of freedom. */
export function welchDf(vc: number, nc: number, vt: number, nt: number): number {
  const a = vc / nc, b = vt / nt;
  const df = (a + b) ** 2 / ((a * a) / (nc - 1) + (b * b) / (nt - 1));
  return Number.isFinite(df) ? df : nc + nt - 2;
}

/** Var of the relative lift (m_T − m_C)/m_C by the delta method: v_C m_T² / (m_C⁴ n_C) + v_T / (m_C² n_T). */
export function relativeLiftVariance(c: ArmMoments, t: ArmMoments): number {
  return (c.variance * t.mean * t.mean) / (c.mean ** 4 * c.n) + t.variance / (c.mean * c.mean * t.n);
}

export interface Estimate {
  estimate: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  /** Two-sided p-value of estimate = 0 (t with the comparison's Welch df). */
  p: number;
}

function tEstimate(estimate: number, se: number, df: number, alpha: number): Estimate {
  const q = studentTQuantile(1 - alpha / 2, df);
  const p = se > 0 ? studentTwoSidedTail(estimate / se, df) : estimate === 0 ? 1 : 0;
  return { estimate, se, ciLow: estimate - q * se, ciHigh: estimate + q * se, p };
}

export interface WelchResult extends Estimate {
  t: number;
  df: number;
}

/** Welch's unequal-variance t-test of mean_T − mean_C (scipy.stats.ttest_ind(t, c, equal_var=False)). */
export function welchTTest(c: ArmMoments, t: ArmMoments, alpha = 0.05): WelchResult {
  checkAlpha(alpha);
  const se = Math.sqrt(c.variance / c.n + t.variance / t.n);
  const df = welchDf(c.variance, c.n, t.variance, t.n);
  const diff = t.mean - c.mean;
  return { ...tEstimate(diff, se, df, alpha), t: diff / se, df };
}

/**
 * Asymptotic confidence sequence half-width (Waudby-Smith et al. 2021, eq. 9; GrowthBook's sequential engine):
 * ρ = √((−2 ln α + ln(−2 ln α + 1)) / N*), half = √(SE² N) · √(2(Nρ²+1)/(N²ρ²) · ln(√(Nρ²+1)/α)), N = units in both arms.
 */
export function sequentialHalfWidth(se: number, n: number, alpha = 0.05, tuning = 5000): number {
  checkAlpha(alpha);
  const rho = sequentialRho(alpha, tuning);
  const nr2 = n * rho * rho;
  return Math.sqrt(se * se * n) * Math.sqrt(((2 * (nr2 + 1)) / (n * n * rho * rho)) * Math.log(Math.sqrt(nr2 + 1) / alpha));
}
export function sequentialRho(alpha: number, tuning: number): number {
  return Math.sqrt((-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / tuning);
}

export interface BayesianResult {
  /** Prior standard deviation of the relative lift (null: GrowthBook's improper flat prior). */
  priorSd: number | null;
  posteriorMean: number;
  posteriorSd: number;
  /** P(relative lift > 0). */
  chanceToWin: number;
  /** Central credible interval of the relative lift. */
  ciLow: number;
  ciHigh: number;
}

/** Normal prior N(0, priorSd²) on the relative lift, normal likelihood N(estimate, se²): precision-weighted posterior. */
export function bayesianLift(estimate: number, se: number, priorSd: number | null = null, alpha = 0.05): BayesianResult {
  checkAlpha(alpha);
  let mean = estimate, sd = se;
  if (priorSd !== null) {
    if (!(priorSd > 0)) throw new StatisticsError('INVALID_INPUT', `priorSd must be positive, got ${priorSd}`);
    const prec = 1 / (priorSd * priorSd) + 1 / (se * se);
    mean = estimate / (se * se) / prec;
    sd = Math.sqrt(1 / prec);
  }
  const z = normalQuantile(1 - alpha / 2);
  return { priorSd, posteriorMean: mean, posteriorSd: sd, chanceToWin: sd > 0 ? normalSf(-mean / sd) : mean > 0 ? 1 : 0, ciLow: mean - z * sd, ciHigh: mean + z * sd };
}

export interface CompareOptions {
  kind: MetricKind;
  alpha?: number;
  /** CUPED with the pre-experiment covariate in the summaries' x sums (mean/proportion metrics). */
  cuped?: boolean;
  /** Always-valid intervals with this tuning N* (GrowthBook default 5000); off when undefined. */
  sequentialTuning?: number;
  /** Prior sd on the relative lift for the Bayesian result; null = improper; default 0.3 (GrowthBook's proper prior). */
  priorSd?: number | null;
}

export interface Comparison {
  kind: MetricKind;
  control: ArmMoments;
  treatment: ArmMoments;
  df: number;
  /** Unadjusted lift. */
  absolute: Estimate;
  relative: Estimate | null;
  /** CUPED-adjusted lift (when requested). */
  cuped: { theta: number; df: number; absolute: Estimate; relative: Estimate | null } | null;
  /** Always-valid intervals of the reported (CUPED when on) lift; p is not given: significant = 0 outside the interval. */
  sequential: { absolute: { ciLow: number; ciHigh: number }; relative: { ciLow: number; ciHigh: number } | null; significant: boolean } | null;
  /** On the reported relative lift. */
  bayesian: BayesianResult | null;
}

/** Treatment vs control for one metric: lift with CIs, Welch test, optional CUPED, sequential and Bayesian results. */
export function compareArms(control: ArmSummary, treatment: ArmSummary, options: CompareOptions): Comparison {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  const c = armMoments(control, options.kind);
  const t = armMoments(treatment, options.kind);
  const w = welchTTest(c, t, alpha);
  const df = w.df;
  const absolute = tEstimate(w.estimate, w.se, df, alpha);
  const relative = c.mean !== 0 ? tEstimate(w.estimate / c.mean, Math.sqrt(relativeLiftVariance(c, t)), df, alpha) : null;

  let cuped: Comparison['cuped'] = null;
  if (options.cuped) {
    if (options.kind === 'ratio') throw new StatisticsError('INVALID_INPUT', 'CUPED is supported for mean and proportion metrics');
    cuped = cupedLift(control, treatment, c, alpha);
  }
  const abs = cuped ? cuped.absolute : absolute;
  const rel = cuped ? cuped.relative : relative;

  let sequential: Comparison['sequential'] = null;
  if (options.sequentialTuning !== undefined) {
    const n = c.n + t.n;
    const ha = sequentialHalfWidth(abs.se, n, alpha, options.sequentialTuning);
    const absCi = { ciLow: abs.estimate - ha, ciHigh: abs.estimate + ha };
    let relCi: { ciLow: number; ciHigh: number } | null = null;
    if (rel) {
      const hr = sequentialHalfWidth(rel.se, n, alpha, options.sequentialTuning);
      relCi = { ciLow: rel.estimate - hr, ciHigh: rel.estimate + hr };
    }
    sequential = { absolute: absCi, relative: relCi, significant: absCi.ciLow > 0 || absCi.ciHigh < 0 };
  }
  const priorSd = options.priorSd === undefined ? 0.3 : options.priorSd;
  const bayesian = rel && rel.se > 0 ? bayesianLift(rel.estimate, rel.se, priorSd, alpha) : null;
  return { kind: options.kind, control: c, treatment: t, df, absolute, relative, cuped, sequential, bayesian };
}

/**
 * CUPED (Deng et al. 2013) as in GrowthBook: θ = cov(Y, X)/var(X) over both arms pooled; per arm
 * Var = s_Y² + θ² s_X² − 2θ s_XY; lift = (Ȳ_T − Ȳ_C) − θ(X̄_T − X̄_C); relative lift divided by the unadjusted
 * control mean, its variance by the delta method with Cov(adjusted diff, Ȳ_C) = −(s_YC² − θ s_XY,C)/n_C.
 */
function cupedLift(control: ArmSummary, treatment: ArmSummary, c: ArmMoments, alpha: number): NonNullable<Comparison['cuped']> {
  for (const s of [control, treatment]) {
    if (s.sumX === undefined || s.sumX2 === undefined || s.sumXY === undefined) throw new StatisticsError('INVALID_INPUT', 'CUPED needs the pre-experiment covariate (x) sums in both arms');
  }
  const pooled = mergeSummaries(control, treatment);
  const vx = sampleVar(pooled.n, pooled.sumX!, pooled.sumX2!);
  const theta = vx > 0 ? sampleCov(pooled.n, pooled.sumY, pooled.sumX!, pooled.sumXY!) / vx : 0;
  const arm = (s: ArmSummary) => {
    const vy = sampleVar(s.n, s.sumY, s.sumY2);
    const cxy = sampleCov(s.n, s.sumY, s.sumX!, s.sumXY!);
    return { n: s.n, vy, cxy, v: Math.max(0, vy + theta * theta * sampleVar(s.n, s.sumX!, s.sumX2!) - 2 * theta * cxy), mx: s.sumX! / s.n, my: s.sumY / s.n };
  };
  const ac = arm(control), at = arm(treatment);
  const diff = at.my - ac.my - theta * (at.mx - ac.mx);
  const se = Math.sqrt(ac.v / ac.n + at.v / at.n);
  const df = welchDf(ac.v, ac.n, at.v, at.n);
  let relative: Estimate | null = null;
  if (c.mean !== 0) {
    const m = c.mean;
    const covDm = -(ac.vy - theta * ac.cxy) / ac.n;
    const varRel = (se * se) / (m * m) + (diff * diff * (ac.vy / ac.n)) / m ** 4 - (2 * diff * covDm) / m ** 3;
    relative = tEstimate(diff / m, Math.sqrt(Math.max(0, varRel)), df, alpha);
  }
  return { theta, df, absolute: tEstimate(diff, se, df, alpha), relative };
}

// ---- SRM, multiple testing, non-inferiority -------------------------------------------------------------------------

export interface SrmResult {
  chi2: number;
  df: number;
  p: number;
  /** p < threshold (default 0.001, GrowthBook and Eppo). */
  flagged: boolean;
  expected: number[];
}

/** Sample-ratio mismatch: Pearson chi-square of observed unit counts against the configured weights. */
export function srmCheck(observed: readonly number[], weights: readonly number[], threshold = 0.001): SrmResult {
  if (observed.length !== weights.length || observed.length < 2) throw new StatisticsError('INVALID_INPUT', 'SRM needs one weight per arm and at least 2 arms');
  if (observed.some((o) => !(o >= 0)) || weights.some((w) => !(w > 0))) throw new StatisticsError('INVALID_INPUT', 'SRM needs non-negative counts and positive weights');
  const total = observed.reduce((a, b) => a + b, 0);
  const wsum = weights.reduce((a, b) => a + b, 0);
  const expected = weights.map((w) => (w / wsum) * total);
  let chi2 = 0;
  for (let i = 0; i < observed.length; i++) chi2 += total > 0 ? (observed[i]! - expected[i]!) ** 2 / expected[i]! : 0;
  const df = observed.length - 1;
  const p = total > 0 ? chiSquareSf(chi2, df) : 1;
  return { chi2, df, p, flagged: p < threshold, expected };
}

/** Holm–Bonferroni adjusted p-values (step-down, monotone, capped at 1), in input order. */
export function holmAdjust(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([v, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * v));
    out[i] = running;
  });
  return out;
}

/** Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1), in input order. */
export function benjaminiHochbergAdjust(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const [v, i] = order[rank]!;
    running = Math.min(running, (m / (rank + 1)) * v);
    out[i] = Math.min(1, running);
  }
  return out;
}

export interface NonInferiorityResult {
  /** The lift (absolute or relative as asked) and its one-sided bound at level 1 − alpha. */
  estimate: number;
  bound: number;
  margin: number;
  /** One-sided p-value of H0 "the metric is worse than the margin". */
  p: number;
  /** True when H0 is rejected: the metric is not worse by more than the margin. */
  nonInferior: boolean;
}

/**
 * Non-inferiority (guardrail) test on a comparison: with `harmful: 'increase'` (e.g. unsubscribe rate must not rise
 * by more than `margin`), H0: lift ≥ margin vs H1: lift < margin, t = (lift − margin)/se, p = P(T ≤ t); with
 * `harmful: 'decrease'`, H0: lift ≤ −margin. Uses the CUPED estimate when present. Welch df.
 */
export function nonInferiority(cmp: Comparison, opts: { margin: number; harmful: 'increase' | 'decrease'; scale?: 'absolute' | 'relative'; alpha?: number }): NonInferiorityResult {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  if (!(opts.margin >= 0)) throw new StatisticsError('INVALID_INPUT', `margin must be ≥ 0, got ${opts.margin}`);
  const scale = opts.scale ?? 'absolute';
  const e = scale === 'absolute' ? (cmp.cuped?.absolute ?? cmp.absolute) : (cmp.cuped?.relative ?? cmp.relative);
  if (!e) throw new StatisticsError('INSUFFICIENT_DATA', 'relative lift undefined (zero control mean)');
  const df = cmp.cuped?.df ?? cmp.df;
  const q = studentTQuantile(1 - alpha, df);
  if (opts.harmful === 'increase') {
    const t = (e.estimate - opts.margin) / e.se;
    const p = studentTCdf(t, df);
    return { estimate: e.estimate, bound: e.estimate + q * e.se, margin: opts.margin, p, nonInferior: p < alpha };
  }
  const t = (e.estimate + opts.margin) / e.se;
  const p = studentTCdf(-t, df);
  return { estimate: e.estimate, bound: e.estimate - q * e.se, margin: opts.margin, p, nonInferior: p < alpha };
}

export function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new StatisticsError('INVALID_INPUT', `alpha must lie in (0, 1), got ${alpha}`);
}

