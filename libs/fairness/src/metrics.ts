import { normalQuantile, studentTQuantile } from '@app/statistics';
import { FairnessError } from './fairness.errors.js';

/** One candidate of the audit window whose protected attribute is known (read by FairnessAuditService). */
export interface CandidateAuditRow {
  group: string;
  /** Recommended jobs shown (logged impressions) in the window. */
  impressions: number;
  clicks: number;
  applies: number;
  /** Mean annual salary (midpoint of min and max) of the shown jobs that state one; null when none did. */
  meanSalary: number | null;
  /** Mean seniority ordinal (intern 0 … executive 5) of the shown jobs that state one; null when none did. */
  meanSeniority: number | null;
}

export const AUDIT_METRICS = ['exposure', 'salary', 'seniority', 'click_rate', 'apply_rate'] as const;
export type AuditMetric = (typeof AUDIT_METRICS)[number];

export interface AuditConfig {
  /** Group every other group is compared with; default: the group with the most candidates. */
  referenceGroup?: string | null;
  /** Four-fifths rule for exposure and rates: flag a ratio below this (or above its inverse). Default 0.8. */
  rateThreshold: number;
  /** Relative gap of mean salary and seniority that is flagged (0.1 = ±10 %). Default 0.1. */
  meanGap: number;
  /** Two-sided level of every interval (default 0.05 → 95 % intervals). */
  alpha: number;
  /** Groups with fewer candidates are reported but never flagged (nor compared with when the reference). Default 20. */
  minCandidates: number;
}

export const DEFAULT_AUDIT_CONFIG: AuditConfig = { referenceGroup: null, rateThreshold: 0.8, meanGap: 0.1, alpha: 0.05, minCandidates: 20 };

export interface Interval {
  estimate: number | null;
  low: number | null;
  high: number | null;
  /** Observations behind it: impressions for rates, candidates for means. */
  n: number;
}

export interface Disparity {
  metric: AuditMetric;
  /** Group's value / the reference group's value, with its interval (log scale, delta method). */
  ratio: number | null;
  low: number | null;
  high: number | null;
  /** Beyond the threshold and the interval excludes 1 (no disparity). */
  flagged: boolean;
}

export interface GroupReport {
  group: string;
  candidates: number;
  impressions: number;
  clicks: number;
  applies: number;
  /** Share of the audited candidates in this group. */
  populationShare: number;
  /** Share of all impressions that went to this group (compare with populationShare). */
  exposureShare: number;
  exposurePerCandidate: Interval;
  salary: Interval;
  seniority: Interval;
  clickRate: Interval;
  applyRate: Interval;
  /** Against the reference group (empty for the reference itself). */
  disparities: Disparity[];
  flagged: boolean;
  /** Fewer candidates than minCandidates: shown, never flagged. */
  insufficient: boolean;
}

export interface AuditResult {
  referenceGroup: string | null;
  groups: GroupReport[];
  /** Number of flagged (group, metric) pairs. */
  flagged: number;
  config: AuditConfig;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Wilson score interval of k successes in n trials. */
export function wilson(k: number, n: number, alpha = 0.05): Interval {
  if (n <= 0) return { estimate: null, low: null, high: null, n: 0 };
  const z = normalQuantile(1 - alpha / 2);
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), n };
}

/** Mean with a Student t interval (n − 1 degrees of freedom); the standard error is returned for ratios. */
export function meanInterval(values: readonly number[], alpha = 0.05): Interval & { se: number | null } {
  const n = values.length;
  if (n === 0) return { estimate: null, low: null, high: null, n: 0, se: null };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { estimate: mean, low: null, high: null, n, se: null };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(variance / n);
  const t = studentTQuantile(1 - alpha / 2, n - 1);
  return { estimate: mean, low: mean - t * se, high: mean + t * se, n, se };
}

/**
 * Ratio of two proportions k1/n1 ÷ k0/n0 with the Katz log interval; a zero count gets ½ added to it and its n
 * (so the interval stays finite).
 */
export function rateRatio(k1: number, n1: number, k0: number, n0: number, alpha = 0.05): { ratio: number | null; low: number | null; high: number | null } {
  if (n1 <= 0 || n0 <= 0) return { ratio: null, low: null, high: null };
  const ratio = k0 === 0 ? (k1 === 0 ? 1 : null) : k1 / n1 / (k0 / n0);
  const [a, na] = k1 === 0 || k0 === 0 ? [k1 + 0.5, n1 + 0.5] : [k1, n1];
  const [b, nb] = k1 === 0 || k0 === 0 ? [k0 + 0.5, n0 + 0.5] : [k0, n0];
  const r = a / na / (b / nb);
  const se = Math.sqrt(1 / a - 1 / na + 1 / b - 1 / nb);
  const z = normalQuantile(1 - alpha / 2);
  return { ratio: ratio === null ? finiteOrNull(r) : ratio, low: finiteOrNull(r * Math.exp(-z * se)), high: finiteOrNull(r * Math.exp(z * se)) };
}

/** Ratio of two positive means m1 ÷ m0 with a delta-method interval on the log scale. */
export function meanRatio(m1: number | null, se1: number | null, m0: number | null, se0: number | null, alpha = 0.05): { ratio: number | null; low: number | null; high: number | null } {
  if (m1 === null || m0 === null || m0 <= 0 || m1 < 0) return { ratio: null, low: null, high: null };
  const ratio = m1 / m0;
  if (m1 === 0 || se1 === null || se0 === null) return { ratio, low: null, high: null };
  const se = Math.sqrt((se1 / m1) ** 2 + (se0 / m0) ** 2);
  const z = normalQuantile(1 - alpha / 2);
  return { ratio, low: ratio * Math.exp(-z * se), high: ratio * Math.exp(z * se) };
}

export function validateConfig(c: Partial<AuditConfig> | undefined): AuditConfig {
  const config: AuditConfig = { ...DEFAULT_AUDIT_CONFIG, ...Object.fromEntries(Object.entries(c ?? {}).filter(([, v]) => v !== undefined && v !== null)) };
  if (c?.referenceGroup === null) config.referenceGroup = null;
  if (!(config.rateThreshold > 0 && config.rateThreshold < 1)) throw new FairnessError('INVALID_INPUT', `rateThreshold must be in (0, 1), got ${config.rateThreshold}`);
  if (!(config.meanGap > 0 && config.meanGap < 1)) throw new FairnessError('INVALID_INPUT', `meanGap must be in (0, 1), got ${config.meanGap}`);
  if (!(config.alpha > 0 && config.alpha < 0.5)) throw new FairnessError('INVALID_INPUT', `alpha must be in (0, 0.5), got ${config.alpha}`);
  if (!Number.isInteger(config.minCandidates) || config.minCandidates < 2) throw new FairnessError('INVALID_INPUT', `minCandidates must be an integer ≥ 2, got ${config.minCandidates}`);
  return config;
}

interface GroupStats {
  group: string;
  rows: CandidateAuditRow[];
  impressions: number;
  clicks: number;
  applies: number;
  exposure: ReturnType<typeof meanInterval>;
  salary: ReturnType<typeof meanInterval>;
  seniority: ReturnType<typeof meanInterval>;
}

/**
 * The audit: per group, exposure (impressions per candidate and share of all impressions), mean salary and
 * seniority of the shown jobs (means over candidates of each candidate's mean, t intervals), click and apply rates
 * per impression (Wilson); each against the reference group as a ratio with its interval. A ratio is flagged when it
 * is beyond the threshold (four-fifths rule for exposure and rates: below `rateThreshold` or above its inverse;
 * `meanGap` relative gap for salary and seniority) and its interval excludes 1, so noise in small groups is not
 * reported as a disparity.
 */
export function auditGroups(rows: readonly CandidateAuditRow[], partialConfig?: Partial<AuditConfig>): AuditResult {
  const config = validateConfig(partialConfig);
  const byGroup = new Map<string, CandidateAuditRow[]>();
  for (const r of rows) {
    const list = byGroup.get(r.group) ?? [];
    list.push(r);
    byGroup.set(r.group, list);
  }
  const stats: GroupStats[] = [...byGroup.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([group, list]) => ({
    group,
    rows: list,
    impressions: list.reduce((s, r) => s + r.impressions, 0),
    clicks: list.reduce((s, r) => s + r.clicks, 0),
    applies: list.reduce((s, r) => s + r.applies, 0),
    exposure: meanInterval(list.map((r) => r.impressions), config.alpha),
    salary: meanInterval(list.filter((r) => r.meanSalary !== null).map((r) => r.meanSalary!), config.alpha),
    seniority: meanInterval(list.filter((r) => r.meanSeniority !== null).map((r) => r.meanSeniority!), config.alpha),
  }));
  if (config.referenceGroup && !byGroup.has(config.referenceGroup)) throw new FairnessError('INVALID_INPUT', `reference group "${config.referenceGroup}" has no audited candidates (groups: ${stats.map((s) => s.group).join(', ') || 'none'})`);
  const reference = config.referenceGroup ?? [...stats].sort((a, b) => b.rows.length - a.rows.length || (a.group < b.group ? -1 : 1))[0]?.group ?? null;
  const ref = stats.find((s) => s.group === reference);
  const totalCandidates = rows.length;
  const totalImpressions = stats.reduce((s, g) => s + g.impressions, 0);
  let flaggedPairs = 0;
  const groups = stats.map((g): GroupReport => {
    const insufficient = g.rows.length < config.minCandidates;
    const disparities: Disparity[] = [];
    if (ref && g.group !== ref.group) {
      const comparable = !insufficient && ref.rows.length >= config.minCandidates;
      const excludesOne = (r: { low: number | null; high: number | null }) => r.low !== null && r.high !== null && (r.high < 1 || r.low > 1);
      const rateFlag = (r: { ratio: number | null; low: number | null; high: number | null }) => comparable && r.ratio !== null && (r.ratio < config.rateThreshold || r.ratio > 1 / config.rateThreshold) && excludesOne(r);
      const meanFlag = (r: { ratio: number | null; low: number | null; high: number | null }) => comparable && r.ratio !== null && Math.abs(r.ratio - 1) > config.meanGap && excludesOne(r);
      const exposure = meanRatio(g.exposure.estimate, g.exposure.se, ref.exposure.estimate, ref.exposure.se, config.alpha);
      const salary = meanRatio(g.salary.estimate, g.salary.se, ref.salary.estimate, ref.salary.se, config.alpha);
      const seniority = meanRatio(g.seniority.estimate, g.seniority.se, ref.seniority.estimate, ref.seniority.se, config.alpha);
      const click = rateRatio(g.clicks, g.impressions, ref.clicks, ref.impressions, config.alpha);
      const apply = rateRatio(g.applies, g.impressions, ref.applies, ref.impressions, config.alpha);
      disparities.push(
        { metric: 'exposure', ...exposure, flagged: rateFlag(exposure) },
        { metric: 'salary', ...salary, flagged: meanFlag(salary) },
        { metric: 'seniority', ...seniority, flagged: meanFlag(seniority) },
        { metric: 'click_rate', ...click, flagged: rateFlag(click) },
        { metric: 'apply_rate', ...apply, flagged: rateFlag(apply) },
      );
    }
    const flagged = disparities.filter((d) => d.flagged).length;
    flaggedPairs += flagged;
    const strip = ({ se: _se, ...i }: ReturnType<typeof meanInterval>): Interval => i;
    return {
      group: g.group,
      candidates: g.rows.length,
      impressions: g.impressions,
      clicks: g.clicks,
      applies: g.applies,
      populationShare: totalCandidates ? g.rows.length / totalCandidates : 0,
      exposureShare: totalImpressions ? g.impressions / totalImpressions : 0,
      exposurePerCandidate: strip(g.exposure),
      salary: strip(g.salary),
      seniority: strip(g.seniority),
      clickRate: wilson(g.clicks, g.impressions, config.alpha),
      applyRate: wilson(g.applies, g.impressions, config.alpha),
      disparities,
      flagged: flagged > 0,
      insufficient,
    };
  });
  return { referenceGroup: reference, groups, flagged: flaggedPairs, config };
}
