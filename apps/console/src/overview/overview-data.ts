// Pure shaping of the PM overview (no React), unit-tested in overview-data.spec.ts.
import type { AlertOverviewDay, Experiment, Model } from '../api/types.js';

/** The series name of an alert's ranking: "exp/variant", or "default" when no experiment variant ranked it. */
export function variantLabel(d: Pick<AlertOverviewDay, 'experimentKey' | 'variant'>): string {
  return d.experimentKey && d.variant ? `${d.experimentKey}/${d.variant}` : 'default';
}

export interface RateSeries {
  /** Series names in a stable order: "default" first, then experiment variants by name. */
  series: string[];
  /** One row per day: `{ day, "<series>": rate in percent | null }`, null when the series sent nothing that day. */
  rows: Array<Record<string, string | number | null>>;
}

/**
 * Daily rates by variant: `rate = numerator / sent` of each (day, series), in percent with two decimals. Rows of the
 * same (day, series) are summed first. Every day between the first and last is present so gaps show as gaps.
 */
export function rateSeriesByVariant(days: readonly AlertOverviewDay[], numerator: 'clicked' | 'applied'): RateSeries {
  const sums = new Map<string, { sent: number; hit: number }>();
  const seriesSet = new Set<string>();
  for (const d of days) {
    const s = variantLabel(d);
    seriesSet.add(s);
    const k = `${d.day}\u0000${s}`;
    const cur = sums.get(k) ?? { sent: 0, hit: 0 };
    cur.sent += d.sent;
    cur.hit += d[numerator];
    sums.set(k, cur);
  }
  const series = [...seriesSet].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
  const rows = dayRange(days.map((d) => d.day)).map((day) => {
    const row: Record<string, string | number | null> = { day };
    for (const s of series) {
      const v = sums.get(`${day}\u0000${s}`);
      row[s] = v && v.sent > 0 ? Math.round((v.hit / v.sent) * 10_000) / 100 : null;
    }
    return row;
  });
  return { series, rows };
}

/** Alerts sent per day (all variants together): `[{ day, sent }]`, every day of the range. */
export function sentPerDay(days: readonly AlertOverviewDay[]): Array<{ day: string; sent: number }> {
  const by = new Map<string, number>();
  for (const d of days) by.set(d.day, (by.get(d.day) ?? 0) + d.sent);
  return dayRange(days.map((d) => d.day)).map((day) => ({ day, sent: by.get(day) ?? 0 }));
}

/** Totals over the period: sent, click rate and apply rate (alerts with ≥ 1 click / apply ÷ sent), 0..1. */
export function overviewTotals(days: readonly AlertOverviewDay[]): { sent: number; clickRate: number | null; applyRate: number | null } {
  const sent = days.reduce((s, d) => s + d.sent, 0);
  const clicked = days.reduce((s, d) => s + d.clicked, 0);
  const applied = days.reduce((s, d) => s + d.applied, 0);
  return { sent, clickRate: sent ? clicked / sent : null, applyRate: sent ? applied / sent : null };
}

/** Every UTC day (YYYY-MM-DD) from the earliest to the latest of `days`, sorted. */
export function dayRange(days: readonly string[]): string[] {
  if (!days.length) return [];
  const sorted = [...days].sort();
  const out: string[] = [];
  const end = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`);
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Experiments still in play (running or paused first, then drafts and stopped ones awaiting a decision), newest first. */
export function activeExperiments(experiments: readonly Experiment[]): Experiment[] {
  const rank: Record<string, number> = { running: 0, paused: 1, stopped: 2, draft: 3 };
  return experiments
    .filter((e) => e.status in rank)
    .sort((a, b) => rank[a.status]! - rank[b.status]! || b.createdAt.localeCompare(a.createdAt));
}

/** Champion per model name: `{ model, version, since }`, models without a champion listed with version null. */
export function championsByModel(models: ReadonlyArray<Pick<Model, 'name' | 'strategy' | 'aliases'>>): Array<{ model: string; strategy: string; version: number | null; since: string | null }> {
  return [...models]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((m) => {
      const c = m.aliases.find((a) => a.alias === 'champion');
      return { model: m.name, strategy: m.strategy, version: c?.version ?? null, since: c?.updatedAt ?? null };
    });
}
