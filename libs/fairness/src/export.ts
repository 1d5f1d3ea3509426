import type { AuditMetric, AuditResult, GroupReport, Interval } from './metrics.js';

/** A stored audit as the API, CLI and exports see it. */
export interface FairnessAuditReport {
  id: string;
  attribute: string;
  trigger: 'scheduled' | 'manual';
  windowFrom: string;
  windowTo: string;
  createdAt: string;
  createdBy: string | null;
  result: AuditResult;
}

export const CSV_COLUMNS = ['audit_id', 'attribute', 'window_from', 'window_to', 'reference_group', 'group', 'candidates', 'impressions', 'population_share', 'exposure_share', 'metric', 'estimate', 'low', 'high', 'n', 'ratio_vs_reference', 'ratio_low', 'ratio_high', 'flagged', 'insufficient'] as const;

const METRIC_INTERVAL: Record<AuditMetric, (g: GroupReport) => Interval> = {
  exposure: (g) => g.exposurePerCandidate,
  salary: (g) => g.salary,
  seniority: (g) => g.seniority,
  click_rate: (g) => g.clickRate,
  apply_rate: (g) => g.applyRate,
};

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(Number(v.toPrecision(10))) : String(v);
  // RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet never runs a group name as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v !== 'number' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One line per group and metric (exposure, salary, seniority, click_rate, apply_rate). */
export function auditToCsv(reports: readonly FairnessAuditReport[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const a of reports) {
    for (const g of a.result.groups) {
      for (const metric of Object.keys(METRIC_INTERVAL) as AuditMetric[]) {
        const i = METRIC_INTERVAL[metric](g);
        const d = g.disparities.find((x) => x.metric === metric);
        lines.push([a.id, a.attribute, a.windowFrom, a.windowTo, a.result.referenceGroup, g.group, g.candidates, g.impressions, g.populationShare, g.exposureShare, metric, i.estimate, i.low, i.high, i.n, d?.ratio, d?.low, d?.high, d?.flagged ?? false, g.insufficient].map(cell).join(','));
      }
    }
  }
  return lines.join('\n') + '\n';
}

export function auditToJson(reports: readonly FairnessAuditReport[]): string {
  return JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n';
}
