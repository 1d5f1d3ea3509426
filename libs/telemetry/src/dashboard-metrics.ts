/** Helpers of the dashboard checks: metric names in Grafana PromQL targets, and the series names a /metrics page exports. */

interface Dashboard {
  panels?: Array<{ title?: string; targets?: Array<{ expr?: string }>; panels?: Dashboard['panels'] }>;
}

/** Every `matchlab_*` metric each panel's PromQL names (rows' nested panels included). */
export function dashboardMetricNames(dash: Dashboard): Array<{ panel: string; metric: string }> {
  const out: Array<{ panel: string; metric: string }> = [];
  const walk = (panels: Dashboard['panels']) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        // Label values and legend templates are strings, not metric names: strip quoted text first.
        const expr = (target.expr ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
        for (const [name] of expr.matchAll(/\bmatchlab_[a-zA-Z0-9_]+/g)) out.push({ panel: panel.title ?? '', metric: name });
      }
      walk(panel.panels);
    }
  };
  walk(dash.panels);
  return out;
}

/**
 * The series names a Prometheus text page can produce: each `# TYPE` name, plus `_bucket`, `_sum` and `_count` for
 * histograms and `_sum`/`_count` for summaries.
 */
export function exportedMetricNames(page: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of page.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}
