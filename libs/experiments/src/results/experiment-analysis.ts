/**
 * Experiment results from per-unit, per-day rows (pure; no Nest, no SQL): for every treatment arm vs control and every
 * declared metric, lift with CIs, Welch p, CUPED, always-valid interval, Bayesian chance to win (all from
 * `compareArms` in @app/statistics), Holm over treatment arms × goal metrics, non-inferiority for guardrails, SRM on
 * every result, and a daily series of the primary metric's cumulative lift with its always-valid interval.
 */
import { compareArms, holmAdjust, nonInferiority, srmCheck, StatisticsError, type ArmSummary, type Comparison, type MetricKind, type SrmResult } from '@app/statistics';

/** One unit's activity on one day (the day its rankings were served; interactions count on their ranking's day). */
export interface UnitDayRow {
  variant: string;
  unitId: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  rankings: number;
  items: number;
  impressions: number;
  clicks: number;
  saves: number;
  applies: number;
  dismisses: number;
  /** Σ over the day's rankings of NDCG@10 / reciprocal rank from attributed clicks and applies. */
  ndcgSum: number;
  mrrSum: number;
}

type Totals = Omit<UnitDayRow, 'variant' | 'unitId' | 'day'>;
const ZERO: Totals = { rankings: 0, items: 0, impressions: 0, clicks: 0, saves: 0, applies: 0, dismisses: 0, ndcgSum: 0, mrrSum: 0 };

export type MetricRole = 'primary' | 'secondary' | 'guardrail' | 'diagnostic';

interface MetricDef {
  kind: MetricKind;
  /** Numerator (mean/proportion: the unit's value). */
  y: (t: Totals) => number;
  /** Ratio denominator. */
  den?: (t: Totals) => number;
  /** Direction that hurts (for guardrails). */
  harmful: 'increase' | 'decrease';
}

/** How each experiment metric is analysed (the unit of analysis is always the randomisation unit). */
export const ANALYSED_METRICS: Record<string, MetricDef> = {
  click_rate: { kind: 'ratio', y: (t) => t.clicks, den: (t) => t.items, harmful: 'decrease' },
  apply_rate: { kind: 'ratio', y: (t) => t.applies, den: (t) => t.items, harmful: 'decrease' },
  save_rate: { kind: 'ratio', y: (t) => t.saves, den: (t) => t.items, harmful: 'decrease' },
  dismiss_rate: { kind: 'ratio', y: (t) => t.dismisses, den: (t) => t.items, harmful: 'increase' },
  clicks_per_unit: { kind: 'mean', y: (t) => t.clicks, harmful: 'decrease' },
  applies_per_unit: { kind: 'mean', y: (t) => t.applies, harmful: 'decrease' },
  units_with_click: { kind: 'proportion', y: (t) => (t.clicks > 0 ? 1 : 0), harmful: 'decrease' },
  units_with_apply: { kind: 'proportion', y: (t) => (t.applies > 0 ? 1 : 0), harmful: 'decrease' },
  'online_ndcg@10': { kind: 'mean', y: (t) => (t.rankings > 0 ? t.ndcgSum / t.rankings : 0), harmful: 'decrease' },
  online_mrr: { kind: 'mean', y: (t) => (t.rankings > 0 ? t.mrrSum / t.rankings : 0), harmful: 'decrease' },
};
/** Always reported (not goals: outside the multiple-testing family). */
export const DIAGNOSTIC_METRICS = ['online_ndcg@10', 'online_mrr'];

export interface AnalysisInput {
  /** Analysed arms, control first, with their configured weights (killed arms left out). */
  variants: Array<{ key: string; weight: number }>;
  primaryMetric: string;
  secondaryMetrics: string[];
  guardrailMetrics: string[];
  rows: readonly UnitDayRow[];
  /** Pre-experiment covariate per unit id (clicks before the phase started); null/undefined or constant → no CUPED. */
  preClicks?: ReadonlyMap<string, number> | null;
  /** N* of the always-valid interval (planned sample size; default 5000). */
  sequentialTuning?: number;
  alpha?: number;
  priorSd?: number | null;
  /** Relative margin of the guardrails' non-inferiority tests (default 0.05: may not worsen by more than 5%). */
  guardrailMargin?: number;
}

export interface Interval {
  estimate: number;
  ciLow: number;
  ciHigh: number;
  p: number;
}

export interface MetricComparison {
  variant: string;
  metric: string;
  role: MetricRole;
  kind: MetricKind;
  controlUnits: number;
  treatmentUnits: number;
  /** Arm means (ratio: Σnum/Σden; proportion: share of units). */
  controlMean: number | null;
  treatmentMean: number | null;
  /** Reported lift: CUPED-adjusted when `cuped`, else unadjusted. Fixed-horizon 95% CI, Welch p. */
  absolute: Interval | null;
  relative: Interval | null;
  /** Unadjusted Welch p of the absolute lift (equals absolute.p without CUPED). */
  welchP: number | null;
  /** Holm-adjusted p over treatment arms × goal metrics (primary + secondary); null for others. */
  adjustedP: number | null;
  cuped: boolean;
  cupedTheta: number | null;
  /** Always-valid (sequential) interval of the reported lift. */
  sequentialAbsolute: { ciLow: number; ciHigh: number } | null;
  sequentialRelative: { ciLow: number; ciHigh: number } | null;
  sequentialSignificant: boolean | null;
  /** P(relative lift > 0) under a N(0, priorSd²) prior. */
  chanceToBeatControl: number | null;
  nonInferiority: { margin: number; harmful: 'increase' | 'decrease'; estimate: number; bound: number; p: number; nonInferior: boolean } | null;
  /** Why figures are missing (e.g. an arm with fewer than 2 units). */
  note: string | null;
}

export interface TimeSeriesPoint {
  day: string;
  variant: string;
  controlUnits: number;
  treatmentUnits: number;
  relativeLift: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  sequentialCiLow: number | null;
  sequentialCiHigh: number | null;
}

export interface ExperimentAnalysis {
  control: string;
  primaryMetric: string;
  unitsPerVariant: Array<{ variant: string; units: number; weight: number }>;
  srm: SrmResult | null;
  cupedAvailable: boolean;
  comparisons: MetricComparison[];
  /** Primary metric, cumulative lift (relative) per day with its always-valid interval. */
  timeSeries: TimeSeriesPoint[];
}

function add(a: Totals, r: Totals): void {
  a.rankings += r.rankings;
  a.items += r.items;
  a.impressions += r.impressions;
  a.clicks += r.clicks;
  a.saves += r.saves;
  a.applies += r.applies;
  a.dismisses += r.dismisses;
  a.ndcgSum += r.ndcgSum;
  a.mrrSum += r.mrrSum;
}

/** Sums of one arm for one metric: y (and x = denominator for ratios, or the pre-period covariate `pre` for CUPED). */
export function armSummary(units: ReadonlyArray<{ unitId: string; t: Totals; pre: number }>, def: MetricDef, cuped: boolean): ArmSummary {
  let sy = 0, syy = 0, sx = 0, sxx = 0, sxy = 0;
  const withX = def.kind === 'ratio' || cuped;
  for (const u of units) {
    const y = def.y(u.t);
    sy += y;
    syy += y * y;
    if (withX) {
      const x = def.kind === 'ratio' ? def.den!(u.t) : u.pre;
      sx += x;
      sxx += x * x;
      sxy += x * y;
    }
  }
  const s: ArmSummary = { n: units.length, sumY: sy, sumY2: syy };
  if (withX) Object.assign(s, { sumX: sx, sumX2: sxx, sumXY: sxy });
  return s;
}

function hasVariance(pre: ReadonlyMap<string, number> | null | undefined, units: Iterable<string>): boolean {
  if (!pre || pre.size === 0) return false;
  let first: number | undefined;
  for (const u of units) {
    const v = pre.get(u) ?? 0;
    if (first === undefined) first = v;
    else if (v !== first) return true;
  }
  return false;
}

function compare(control: ArmSummary, treatment: ArmSummary, kind: MetricKind, cuped: boolean, opts: { tuning: number; alpha: number; priorSd: number | null | undefined }): Comparison {
  return compareArms(control, treatment, { kind, cuped: cuped && kind !== 'ratio', sequentialTuning: opts.tuning, alpha: opts.alpha, ...(opts.priorSd !== undefined ? { priorSd: opts.priorSd } : {}) });
}

export function analyzeExperiment(input: AnalysisInput): ExperimentAnalysis {
  if (input.variants.length < 1) throw new StatisticsError('INVALID_INPUT', 'an experiment needs at least one arm');
  const alpha = input.alpha ?? 0.05;
  const tuning = input.sequentialTuning ?? 5000;
  const margin = input.guardrailMargin ?? 0.05;
  const opts = { tuning, alpha, priorSd: input.priorSd };
  const control = input.variants[0]!.key;
  const arms = new Set(input.variants.map((v) => v.key));

  // Per unit totals over the whole period, and the day list.
  const perArm = new Map<string, Map<string, Totals>>();
  for (const v of input.variants) perArm.set(v.key, new Map());
  const days = new Set<string>();
  for (const r of input.rows) {
    if (!arms.has(r.variant)) continue;
    days.add(r.day);
    const m = perArm.get(r.variant)!;
    let t = m.get(r.unitId);
    if (!t) m.set(r.unitId, (t = { ...ZERO }));
    add(t, r);
  }
  const allUnits = input.variants.flatMap((v) => [...perArm.get(v.key)!.keys()]);
  const cupedAvailable = hasVariance(input.preClicks, allUnits);
  const pre = cupedAvailable ? input.preClicks! : null;
  const unitsOf = (v: string) => [...perArm.get(v)!].map(([unitId, t]) => ({ unitId, t, pre: pre?.get(unitId) ?? 0 }));

  const unitsPerVariant = input.variants.map((v) => ({ variant: v.key, units: perArm.get(v.key)!.size, weight: v.weight }));
  const srm = input.variants.length >= 2 ? srmCheck(unitsPerVariant.map((u) => u.units), unitsPerVariant.map((u) => u.weight)) : null;

  const roles: Array<[string, MetricRole]> = [];
  const seen = new Set<string>();
  const push = (m: string, role: MetricRole) => {
    if (!seen.has(m) && ANALYSED_METRICS[m]) {
      seen.add(m);
      roles.push([m, role]);
    }
  };
  push(input.primaryMetric, 'primary');
  for (const m of input.secondaryMetrics) push(m, 'secondary');
  for (const m of input.guardrailMetrics) push(m, 'guardrail');
  for (const m of DIAGNOSTIC_METRICS) push(m, 'diagnostic');

  const controlUnits = unitsOf(control);
  const comparisons: MetricComparison[] = [];
  for (const v of input.variants.slice(1)) {
    const treatUnits = unitsOf(v.key);
    for (const [metric, role] of roles) {
      const def = ANALYSED_METRICS[metric]!;
      const useCuped = pre !== null && def.kind !== 'ratio';
      const c = armSummary(controlUnits, def, useCuped);
      const t = armSummary(treatUnits, def, useCuped);
      const base: MetricComparison = {
        variant: v.key, metric, role, kind: def.kind, controlUnits: c.n, treatmentUnits: t.n,
        controlMean: armMean(c, def.kind), treatmentMean: armMean(t, def.kind),
        absolute: null, relative: null, welchP: null, adjustedP: null, cuped: false, cupedTheta: null,
        sequentialAbsolute: null, sequentialRelative: null, sequentialSignificant: null, chanceToBeatControl: null, nonInferiority: null, note: null,
      };
      try {
        const cmp = compare(c, t, def.kind, useCuped, opts);
        const abs = cmp.cuped?.absolute ?? cmp.absolute;
        const rel = cmp.cuped ? cmp.cuped.relative : cmp.relative;
        base.absolute = pick(abs);
        base.relative = rel ? pick(rel) : null;
        base.welchP = cmp.absolute.p;
        base.cuped = cmp.cuped !== null;
        base.cupedTheta = cmp.cuped?.theta ?? null;
        base.sequentialAbsolute = cmp.sequential?.absolute ?? null;
        base.sequentialRelative = cmp.sequential?.relative ?? null;
        base.sequentialSignificant = cmp.sequential?.significant ?? null;
        base.chanceToBeatControl = cmp.bayesian?.chanceToWin ?? null;
        if (role === 'guardrail' && rel) {
          const ni = nonInferiority(cmp, { margin, harmful: def.harmful, scale: 'relative', alpha });
          base.nonInferiority = { margin, harmful: def.harmful, estimate: ni.estimate, bound: ni.bound, p: ni.p, nonInferior: ni.nonInferior };
        }
        if (!rel) base.note = 'relative lift undefined: the control mean is 0';
      } catch (err) {
        if (!(err instanceof StatisticsError)) throw err;
        base.note = err.message;
      }
      comparisons.push(base);
    }
  }

  // Holm over treatment arms × goal metrics.
  const family = comparisons.filter((c) => (c.role === 'primary' || c.role === 'secondary') && c.absolute && Number.isFinite(c.absolute.p));
  const adjusted = holmAdjust(family.map((c) => c.absolute!.p));
  family.forEach((c, i) => (c.adjustedP = adjusted[i]!));

  return { control, primaryMetric: input.primaryMetric, unitsPerVariant, srm, cupedAvailable, comparisons, timeSeries: timeSeries(input, [...days].sort(), pre, opts) };
}

function armMean(s: ArmSummary, kind: MetricKind): number | null {
  if (s.n === 0) return null;
  if (kind === 'ratio') return s.sumX ? s.sumY / s.sumX : null;
  return s.sumY / s.n;
}

function pick(e: { estimate: number; ciLow: number; ciHigh: number; p: number }): Interval {
  return { estimate: e.estimate, ciLow: e.ciLow, ciHigh: e.ciHigh, p: e.p };
}

/**
 * Cumulative lift of the primary metric after each day (units enter on their first day). Each arm's sums are updated
 * incrementally: a unit whose totals change on a day swaps its old contribution for the new one, so the series costs
 * one pass over the rows plus one `compareArms` per day and arm.
 */
function timeSeries(input: AnalysisInput, days: string[], pre: ReadonlyMap<string, number> | null, opts: { tuning: number; alpha: number; priorSd: number | null | undefined }): TimeSeriesPoint[] {
  const def = ANALYSED_METRICS[input.primaryMetric];
  if (!def || input.variants.length < 2) return [];
  const byDay = new Map<string, UnitDayRow[]>(days.map((d) => [d, []]));
  for (const r of input.rows) byDay.get(r.day)?.push(r);
  const useCuped = pre !== null && def.kind !== 'ratio';
  const withX = def.kind === 'ratio' || useCuped;
  const cum = new Map<string, { units: Map<string, Totals>; s: Required<ArmSummary> }>(input.variants.map((v) => [v.key, { units: new Map(), s: { n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 } }]));
  const contribute = (s: Required<ArmSummary>, unitId: string, t: Totals, sign: 1 | -1) => {
    const y = def.y(t);
    s.sumY += sign * y;
    s.sumY2 += sign * y * y;
    if (withX) {
      const x = def.kind === 'ratio' ? def.den!(t) : (pre!.get(unitId) ?? 0);
      s.sumX += sign * x;
      s.sumX2 += sign * x * x;
      s.sumXY += sign * x * y;
    }
  };
  const summary = (s: Required<ArmSummary>): ArmSummary => (withX ? { ...s } : { n: s.n, sumY: s.sumY, sumY2: s.sumY2 });
  const out: TimeSeriesPoint[] = [];
  const control = input.variants[0]!.key;
  for (const day of days) {
    for (const r of byDay.get(day)!) {
      const arm = cum.get(r.variant);
      if (!arm) continue;
      let t = arm.units.get(r.unitId);
      if (!t) {
        arm.units.set(r.unitId, (t = { ...ZERO }));
        arm.s.n++;
      } else {
        contribute(arm.s, r.unitId, t, -1);
      }
      add(t, r);
      contribute(arm.s, r.unitId, t, 1);
    }
    const c = summary(cum.get(control)!.s);
    for (const v of input.variants.slice(1)) {
      const t = summary(cum.get(v.key)!.s);
      const point: TimeSeriesPoint = { day, variant: v.key, controlUnits: c.n, treatmentUnits: t.n, relativeLift: null, ciLow: null, ciHigh: null, sequentialCiLow: null, sequentialCiHigh: null };
      try {
        const cmp = compare(c, t, def.kind, useCuped, opts);
        const rel = cmp.cuped ? cmp.cuped.relative : cmp.relative;
        if (rel) Object.assign(point, { relativeLift: rel.estimate, ciLow: rel.ciLow, ciHigh: rel.ciHigh, sequentialCiLow: cmp.sequential?.relative?.ciLow ?? null, sequentialCiHigh: cmp.sequential?.relative?.ciHigh ?? null });
      } catch (err) {
        if (!(err instanceof StatisticsError)) throw err;
      }
      out.push(point);
    }
  }
  return out;
}
