import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformMetrics } from './metrics.js';
import { dashboardMetricNames, exportedMetricNames } from './dashboard-metrics.js';

/**
 * Static tier of the dashboard check: the metrics of PlatformMetrics plus the scrape-time gauges other libs register
 * on its registry (drift, SRM). e2e/observability.e2e-spec.ts checks the same against /metrics of a booted API and worker.
 */
async function registered(): Promise<Set<string>> {
  const metrics = new PlatformMetrics();
  const { DriftService } = await import('@app/features');
  const { ExperimentSrmMetrics } = await import('@app/experiments');
  // Registration only: the gauges read the database at scrape time, never here.
  const none = undefined as never;
  new DriftService(none, none, none, none, metrics).onModuleInit();
  new ExperimentSrmMetrics(none, metrics).onModuleInit();
  return exportedMetricNames(await metrics.registry.metrics());
}

describe('Grafana dashboards', () => {
  const files = readdirSync('dashboards').filter((f) => f.endsWith('.json'));

  it('cover API health, queues and jobs, alert delivery, experiments, models and features', () => {
    expect(files.sort()).toEqual(['alerts.json', 'api.json', 'experiments.json', 'models-features.json', 'queues.json']);
  });

  it('name metrics in every query (the extraction finds them)', () => {
    for (const file of files) {
      const names = dashboardMetricNames(JSON.parse(readFileSync(join('dashboards', file), 'utf8')));
      expect(names.length).toBeGreaterThan(0);
    }
  });

  it('the suffix handling rejects an unknown metric and accepts histogram series', () => {
    const exported = exportedMetricNames('# TYPE matchlab_x_seconds histogram\nmatchlab_x_seconds_bucket{le="1"} 0\n# TYPE matchlab_y_total counter\n');
    const dash = { panels: [{ title: 'p', targets: [{ expr: 'rate(matchlab_x_seconds_bucket[5m]) + matchlab_x_seconds_sum + matchlab_y_total + matchlab_nope_total' }] }] };
    expect(dashboardMetricNames(dash).filter((m) => !exported.has(m.metric))).toEqual([{ panel: 'p', metric: 'matchlab_nope_total' }]);
  });

  it.each(files)('%s only queries metrics the code registers', async (file) => {
    const exported = await registered();
    const unknown = dashboardMetricNames(JSON.parse(readFileSync(join('dashboards', file), 'utf8'))).filter((m) => !exported.has(m.metric));
    expect(unknown).toEqual([]);
  });
});
