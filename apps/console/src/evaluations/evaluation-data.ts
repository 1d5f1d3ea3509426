// Pure helpers of the evaluation and comparison pages (no React), unit-tested.
import type { Evaluation, EvaluationMetric, MetricComparison } from '../api/types.js';

/** "temporal, cut-off 2026-06-08", "leave last 2", "random 20%, seed 42". */
export function splitLabel(p: Evaluation['protocol']): string {
  if (p.split === 'temporal') return p.cutoff ? `temporal, cut-off ${p.cutoff.slice(0, 10)}` : 'temporal';
  if (p.split === 'leave_last_n') return `leave last ${p.n ?? 1}`;
  if (p.split === 'random_ratio') return `random ${Math.round((p.testRatio ?? 0) * 100)}%, seed ${p.seed ?? '—'}`;
  return p.split;
}

/** 0.1234 with four decimals; "—" for a missing value. */
export function formatMetric(v: number | null | undefined): string {
  return v == null || !Number.isFinite(v) ? '—' : v.toFixed(4);
}

/** A signed difference: "+0.0123" / "−0.0045". */
export function formatDifference(v: number): string {
  const s = Math.abs(v).toFixed(4);
  return v > 0 ? `+${s}` : v < 0 ? `−${s}` : s;
}

export function metricValue(metrics: readonly Pick<EvaluationMetric, 'name' | 'value'>[], name: string): number | null {
  return metrics.find((m) => m.name === name)?.value ?? null;
}

/** The cut-offs present for a metric family (`ndcg` → [5, 10, 20]), ascending. */
export function cutoffs(metrics: readonly { name: string }[], family: string): number[] {
  const ks = new Set<number>();
  for (const m of metrics) {
    const [f, k] = m.name.split('@');
    if (f === family && k !== undefined && /^\d+$/.test(k)) ks.add(Number(k));
  }
  return [...ks].sort((x, y) => x - y);
}

/** Chart rows of one metric family across k for two evaluations: `[{ k: 5, a: 0.21, b: 0.25 }, …]`. */
export function curveAcrossK(a: readonly EvaluationMetric[], b: readonly EvaluationMetric[], family: string): Array<{ k: number; a: number | null; b: number | null }> {
  const ks = [...new Set([...cutoffs(a, family), ...cutoffs(b, family)])].sort((x, y) => x - y);
  return ks.map((k) => ({ k, a: metricValue(a, `${family}@${k}`), b: metricValue(b, `${family}@${k}`) }));
}

export type Verdict = 'B better' | 'B worse' | 'no significant difference';

/** B against A at level alpha: significant only when the paired CI excludes 0 and p < alpha (both agree). */
export function verdict(m: Pick<MetricComparison, 'difference' | 'ciLow' | 'ciHigh' | 'pValue'>, alpha = 0.05): Verdict {
  if (m.pValue < alpha && (m.ciLow > 0 || m.ciHigh < 0)) return m.difference > 0 ? 'B better' : 'B worse';
  return 'no significant difference';
}

/** Why two evaluations cannot be compared, before asking the API (which has the last word), or null. */
export function comparableProblem(a: Evaluation | undefined, b: Evaluation | undefined): string | null {
  if (!a || !b) return 'Pick two evaluations.';
  if (a.id === b.id) return 'Pick two different evaluations.';
  for (const e of [a, b]) if (e.status !== 'completed') return `Evaluation ${e.modelRef} is ${e.status}; only completed evaluations compare.`;
  if (splitLabel(a.protocol) !== splitLabel(b.protocol)) return `Different splits: ${splitLabel(a.protocol)} vs ${splitLabel(b.protocol)}.`;
  if (a.dataset?.fingerprint !== b.dataset?.fingerprint) return 'Different datasets: the two evaluations read different interactions.';
  return null;
}
