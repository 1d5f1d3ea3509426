// Pure shaping of experiment analyses for the dashboard (no React), unit-tested in experiment-data.spec.ts.
import type { Experiment, ExperimentStatus, LiftPoint, MetricComparisonRow } from '../api/types.js';

/** Roles that may create, start, pause, stop and conclude experiments (the API checks it again: `models:write`). */
export const canManageExperiments = (role: unknown) => role === 'admin' || role === 'ml_engineer';

/** 0.0512 → "+5.12%"; null → "—". */
export function formatLift(v: number | null | undefined, digits = 2): string {
  if (v == null || !Number.isFinite(v)) return '—';
  const s = `${Math.abs(v * 100).toFixed(digits)}%`;
  return v > 0 ? `+${s}` : v < 0 ? `−${s}` : s;
}

/** 0.0512 → "5.12%". */
export function formatPercent(v: number | null | undefined, digits = 2): string {
  return v == null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

/** A p-value as people read it: "< 0.001", "0.043". */
export function formatP(p: number | null | undefined): string {
  if (p == null || !Number.isFinite(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** A metric mean: rates in percent, per-unit figures with three decimals. */
export function formatMean(metric: string, v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  return metric.endsWith('_rate') || metric.startsWith('units_with') ? formatPercent(v) : v.toFixed(3);
}

/** "[−1.20%, +3.40%]" */
export function formatInterval(lo: number | null | undefined, hi: number | null | undefined): string {
  if (lo == null || hi == null) return '—';
  return `[${formatLift(lo)}, ${formatLift(hi)}]`;
}

export type Verdict = 'better' | 'worse' | 'no significant difference' | 'not enough data';

/** A treatment vs control on one metric: significant when the fixed-horizon CI of the relative lift excludes 0. */
export function metricVerdict(c: Pick<MetricComparisonRow, 'relative'>): Verdict {
  if (!c.relative) return 'not enough data';
  if (c.relative.ciLow > 0) return 'better';
  if (c.relative.ciHigh < 0) return 'worse';
  return 'no significant difference';
}

const ROLE_ORDER: Record<string, number> = { primary: 0, secondary: 1, guardrail: 2, diagnostic: 3 };

/** Table rows: primary first, then secondary, guardrail, diagnostic; within a role by metric, then variant. */
export function comparisonRows(comparisons: readonly MetricComparisonRow[]): MetricComparisonRow[] {
  return [...comparisons].sort(
    (a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || a.metric.localeCompare(b.metric) || a.variant.localeCompare(b.variant),
  );
}

export type GuardrailState = 'ok' | 'violated' | 'inconclusive';

export interface GuardrailRow {
  metric: string;
  variant: string;
  state: GuardrailState;
  detail: string;
}

/**
 * Guardrails: "ok" when non-inferiority is shown (worse than the margin rejected at 5%), "violated" when the
 * fixed-horizon 95% CI of the relative lift lies wholly on the harmful side of 0 (significantly worse), otherwise
 * "inconclusive" (not enough data yet to tell either way).
 */
export function guardrailRows(comparisons: readonly MetricComparisonRow[]): GuardrailRow[] {
  return comparisons
    .filter((c) => c.role === 'guardrail')
    .map((c) => {
      const ni = c.nonInferiority;
      if (!ni) return { metric: c.metric, variant: c.variant, state: 'inconclusive' as const, detail: c.note ?? 'not enough data' };
      const harmfulUp = ni.harmful === 'increase';
      const significantlyWorse = c.relative != null && (harmfulUp ? c.relative.ciLow > 0 : c.relative.ciHigh < 0);
      const state: GuardrailState = ni.nonInferior ? 'ok' : significantlyWorse ? 'violated' : 'inconclusive';
      const side = harmfulUp ? `may not rise more than ${formatPercent(ni.margin, 1)}` : `may not fall more than ${formatPercent(ni.margin, 1)}`;
      return { metric: c.metric, variant: c.variant, state, detail: `${formatLift(ni.estimate)} (bound ${formatLift(ni.bound)}; ${side}; p ${formatP(ni.p)})` };
    });
}

export interface LiftChartPoint {
  day: string;
  /** Relative lift in percent. */
  lift: number | null;
  /** Fixed-horizon 95% CI in percent, [low, high] (a range Area). */
  ci: [number, number] | null;
  /** Always-valid (sequential) 95% CI in percent, [low, high]. */
  band: [number, number] | null;
  treatmentUnits: number;
  controlUnits: number;
}

const pct = (v: number | null) => (v == null || !Number.isFinite(v) ? null : Math.round(v * 10_000) / 100);
const pair = (lo: number | null, hi: number | null): [number, number] | null => {
  const a = pct(lo), b = pct(hi);
  return a == null || b == null ? null : [a, b];
};

/** Cumulative relative lift of one treatment arm per day, in percent, with its fixed and sequential CI bands. */
export function cumulativeLiftSeries(series: readonly LiftPoint[], variant: string): LiftChartPoint[] {
  return series
    .filter((p) => p.variant === variant)
    .sort((a, b) => a.day.localeCompare(b.day))
    .map((p) => ({
      day: p.day,
      lift: pct(p.relativeLift),
      ci: pair(p.ciLow, p.ciHigh),
      band: pair(p.sequentialCiLow, p.sequentialCiHigh),
      treatmentUnits: p.treatmentUnits,
      controlUnits: p.controlUnits,
    }));
}

/** The treatment arms present in a daily series, in first-seen order. */
export function seriesVariants(series: readonly LiftPoint[]): string[] {
  return [...new Set(series.map((p) => p.variant))];
}

export interface DayExposure {
  day: string;
  variant: string;
  units: number;
  newUnits: number;
  rankings: number;
  items: number;
}

export type ExposureMeasure = 'units' | 'newUnits' | 'rankings' | 'items';

/**
 * Chart rows of one exposure measure per day, one column per arm (`{ day, control: 12, treatment: 9 }`): arms in the
 * experiment's order (others after, by name), every day of the range present, 0 where an arm logged nothing.
 */
export function exposureRows(rows: readonly DayExposure[], arms: readonly string[], measure: ExposureMeasure): { arms: string[]; rows: Array<Record<string, number | string>> } {
  const seen = [...new Set(rows.map((r) => r.variant))];
  const ordered = [...arms.filter((a) => seen.includes(a)), ...seen.filter((a) => !arms.includes(a)).sort()];
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const all: string[] = [];
  if (days.length) for (let t = Date.parse(`${days[0]}T00:00:00Z`), end = Date.parse(`${days[days.length - 1]}T00:00:00Z`); t <= end; t += 86_400_000) all.push(new Date(t).toISOString().slice(0, 10));
  const by = new Map(rows.map((r) => [`${r.day}\u0000${r.variant}`, r[measure]]));
  return { arms: ordered, rows: all.map((day) => ({ day, ...Object.fromEntries(ordered.map((a) => [a, by.get(`${day}\u0000${a}`) ?? 0])) })) };
}

export type LifecycleAction = 'start' | 'pause' | 'stop';

/** The lifecycle buttons a status allows (libs/experiments TRANSITIONS); a paused experiment resumes with start. */
export function lifecycleActions(status: ExperimentStatus): LifecycleAction[] {
  switch (status) {
    case 'draft':
      return ['start'];
    case 'running':
      return ['pause', 'stop'];
    case 'paused':
      return ['start', 'stop'];
    default:
      return [];
  }
}

/** Whether a decision can be recorded (running, paused or stopped). */
export const canConclude = (status: ExperimentStatus) => status === 'running' || status === 'paused' || status === 'stopped';

export interface DecisionForm {
  decision: string;
  variant: string;
  note: string;
}

/** Why the decision form cannot be sent yet, or null. The API has the last word (typed errors). */
export function decisionProblem(form: DecisionForm, experiment: Pick<Experiment, 'variants'>): string | null {
  if (!['ship', 'rollback', 'inconclusive'].includes(form.decision)) return 'Pick a decision.';
  if (form.decision === 'ship') {
    if (!form.variant) return 'Pick the variant to ship.';
    if (!experiment.variants.some((v) => v.key === form.variant)) return `"${form.variant}" is not a variant of this experiment.`;
  }
  if (form.note.trim().length < 3) return 'Give a reason (a few words).';
  return null;
}

/** A shipped variant that serves a registry model can be promoted to champion. */
export function promotableModelRef(experiment: Pick<Experiment, 'decision' | 'decisionVariant' | 'variants'>): string | null {
  if (experiment.decision !== 'ship' || !experiment.decisionVariant) return null;
  return experiment.variants.find((v) => v.key === experiment.decisionVariant)?.modelRef ?? null;
}

/**
 * Y axis (percent) of the lift chart: the lift and its fixed-horizon CI with 10% headroom, always including 0, on a
 * "nice" step (1, 2 or 5 × 10^k, at most 6 intervals) so the ticks read 0, ±50, ±100 … The always-valid band is much
 * wider on the first days; it is clipped to this range instead of flattening the lift line.
 */
export function liftAxis(points: readonly LiftChartPoint[]): { domain: [number, number]; ticks: number[] } {
  const values = points.flatMap((p) => [p.lift, ...(p.ci ?? [])]).filter((v): v is number => v != null && Number.isFinite(v));
  const lo = Math.min(0, ...values), hi = Math.max(0, ...values);
  const pad = Math.max((hi - lo) * 0.1, 1);
  const span = hi - lo + 2 * pad;
  const magnitude = 10 ** Math.floor(Math.log10(span / 6));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((st) => span / st <= 6) ?? 10 * magnitude;
  const low = Math.floor((lo - pad) / step) * step, high = Math.ceil((hi + pad) / step) * step;
  const ticks: number[] = [];
  for (let t = low; t <= high + step / 2; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks };
}
