/** Metrics an experiment may name (primary, secondary, guardrail); each is computed per variant from the logs. */
export const EXPERIMENT_METRICS = {
  click_rate: 'clicks / items exposed',
  apply_rate: 'applies / items exposed',
  save_rate: 'saves / items exposed',
  dismiss_rate: 'dismisses / items exposed',
  clicks_per_unit: 'clicks / units exposed',
  applies_per_unit: 'applies / units exposed',
  units_with_click: 'share of exposed units with at least one click',
  units_with_apply: 'share of exposed units with at least one apply',
} as const;
export type ExperimentMetric = keyof typeof EXPERIMENT_METRICS;
export const METRIC_NAMES = Object.keys(EXPERIMENT_METRICS) as ExperimentMetric[];

export interface VariantCounts {
  variant: string;
  units: number;
  rankings: number;
  items: number;
  impressions: number;
  clicks: number;
  saves: number;
  applies: number;
  dismisses: number;
  unitsWithClick: number;
  unitsWithApply: number;
}

/** Simple per-variant rates (the statistics engine adds intervals and tests). */
export function metricValue(metric: ExperimentMetric, c: VariantCounts): number | null {
  const div = (a: number, b: number) => (b > 0 ? a / b : null);
  switch (metric) {
    case 'click_rate':
      return div(c.clicks, c.items);
    case 'apply_rate':
      return div(c.applies, c.items);
    case 'save_rate':
      return div(c.saves, c.items);
    case 'dismiss_rate':
      return div(c.dismisses, c.items);
    case 'clicks_per_unit':
      return div(c.clicks, c.units);
    case 'applies_per_unit':
      return div(c.applies, c.units);
    case 'units_with_click':
      return div(c.unitsWithClick, c.units);
    case 'units_with_apply':
      return div(c.unitsWithApply, c.units);
  }
}
