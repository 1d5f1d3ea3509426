export interface FairnessInterval {
  estimate: number | null;
  low: number | null;
  high: number | null;
  n: number;
}

export interface FairnessDisparity {
  metric: string;
  ratio: number | null;
  low: number | null;
  high: number | null;
  flagged: boolean;
}

export interface FairnessGroup {
  group: string;
  candidates: number;
  impressions: number;
  clicks: number;
  applies: number;
  populationShare: number;
  exposureShare: number;
  exposurePerCandidate: FairnessInterval;
  salary: FairnessInterval;
  seniority: FairnessInterval;
  clickRate: FairnessInterval;
  applyRate: FairnessInterval;
  disparities: FairnessDisparity[];
  flagged: boolean;
  insufficient: boolean;
}

export interface FairnessAudit {
  id: string;
  attribute: string;
  trigger: string;
  windowFrom: string;
  windowTo: string;
  createdAt: string;
  createdBy: string | null;
  referenceGroup: string | null;
  flagged: number;
  config: { rateThreshold: number; meanGap: number; alpha: number; minCandidates: number };
  groups: FairnessGroup[];
}

type Kind = 'percent' | 'money' | 'decimal';

function fmt(x: number | null, kind: Kind): string {
  if (x === null || !Number.isFinite(x)) return '–';
  if (kind === 'percent') return `${(100 * x).toFixed(1)}%`;
  if (kind === 'money') return Math.round(x).toLocaleString('en-US');
  return x.toFixed(2);
}

/** "12.3% [10.1%, 14.8%]"; the interval is left out when there is none. */
export function formatInterval(i: FairnessInterval, kind: Kind): string {
  const est = fmt(i.estimate, kind);
  return i.low === null || i.high === null ? est : `${est} [${fmt(i.low, kind)}, ${fmt(i.high, kind)}]`;
}

/** "×0.62 [0.58, 0.66]" for a disparity ratio vs the reference group. */
export function formatRatio(d: FairnessDisparity | undefined): string {
  if (!d || d.ratio === null) return '';
  return `×${d.ratio.toFixed(2)}${d.low !== null && d.high !== null ? ` [${d.low.toFixed(2)}, ${d.high.toFixed(2)}]` : ''}`;
}

export interface GroupRow {
  group: string;
  reference: boolean;
  candidates: number;
  impressions: number;
  shares: string;
  cells: Array<{ metric: string; value: string; ratio: string; flagged: boolean }>;
  flagged: boolean;
  insufficient: boolean;
}

const METRICS: Array<{ metric: string; pick: (g: FairnessGroup) => FairnessInterval; kind: Kind }> = [
  { metric: 'exposure', pick: (g) => g.exposurePerCandidate, kind: 'decimal' },
  { metric: 'salary', pick: (g) => g.salary, kind: 'money' },
  { metric: 'seniority', pick: (g) => g.seniority, kind: 'decimal' },
  { metric: 'click_rate', pick: (g) => g.clickRate, kind: 'percent' },
  { metric: 'apply_rate', pick: (g) => g.applyRate, kind: 'percent' },
];
export const METRIC_LABELS: Record<string, string> = { exposure: 'Shown / candidate', salary: 'Salary', seniority: 'Seniority', click_rate: 'Click rate', apply_rate: 'Apply rate' };
export const METRIC_ORDER = METRICS.map((m) => m.metric);

/** One table row per group: each metric with its interval and its ratio vs the reference, flagged cells marked. */
export function groupRows(audit: FairnessAudit): GroupRow[] {
  return audit.groups.map((g) => ({
    group: g.group,
    reference: g.group === audit.referenceGroup,
    candidates: g.candidates,
    impressions: g.impressions,
    shares: `${fmt(g.exposureShare, 'percent')} of impressions / ${fmt(g.populationShare, 'percent')} of candidates`,
    cells: METRICS.map(({ metric, pick, kind }) => {
      const d = g.disparities.find((x) => x.metric === metric);
      return { metric, value: formatInterval(pick(g), kind), ratio: formatRatio(d), flagged: d?.flagged ?? false };
    }),
    flagged: g.flagged,
    insufficient: g.insufficient,
  }));
}

export function exportFileName(audit: Pick<FairnessAudit, 'id' | 'attribute'>, format: 'csv' | 'json'): string {
  return `fairness-audit-${audit.id}-${audit.attribute.replace(/[^a-z0-9_-]/gi, '_')}.${format}`;
}
