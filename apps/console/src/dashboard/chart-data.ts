// Pure data shaping for the dashboard charts (unit-tested in chart-data.spec.ts).
import { SENIORITIES, type Seniority } from '../api/types.js';
import { humanize } from '../format.js';

export interface SeniorityBar {
  seniority: Seniority | 'unspecified';
  label: string;
  count: number;
  /** Fraction of `total`, 0..1. */
  share: number;
}

/** One filter per seniority level, in SENIORITIES order, narrowed by `base` (e.g. only active jobs). */
export function seniorityFilters(base: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  return SENIORITIES.map((s) => ({ ...base, seniority: [s] }));
}

/**
 * Bars for "jobs by seniority" from per-level counts (aligned with SENIORITIES) and the total under the same
 * base filter. Jobs without a seniority form an "Unspecified" bar, shown only when there are some.
 */
export function seniorityBars(counts: readonly number[], total: number): SeniorityBar[] {
  if (counts.length !== SENIORITIES.length) {
    throw new Error(`expected ${SENIORITIES.length} seniority counts, got ${counts.length}`);
  }
  const share = (n: number) => (total > 0 ? n / total : 0);
  const bars: SeniorityBar[] = SENIORITIES.map((s, i) => ({ seniority: s, label: humanize(s), count: counts[i] ?? 0, share: share(counts[i] ?? 0) }));
  const unspecified = total - counts.reduce((a, b) => a + b, 0);
  if (unspecified > 0) bars.push({ seniority: 'unspecified', label: 'Unspecified', count: unspecified, share: share(unspecified) });
  return bars;
}

/** 950 → "950", 12_345 → "12.3k", 2_500_000 → "2.5M". */
export function compactCount(n: number): string {
  const abs = Math.abs(n);
  const trim = (x: number) => x.toFixed(1).replace(/\.0$/, '');
  if (abs >= 1_000_000) return `${trim(n / 1_000_000)}M`;
  if (abs >= 10_000) return `${trim(n / 1_000)}k`;
  return n.toLocaleString('en-US');
}
