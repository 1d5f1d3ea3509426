import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformMetrics } from '@app/telemetry';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';

interface SrmRow {
  experiment: string;
  phase: number;
  p: number | null;
  flagged: boolean | null;
}

/**
 * Sample-ratio-mismatch status of every running experiment as Prometheus gauges, read from the cached analyses
 * (`experiment_results`, refreshed by the worker every 10 minutes) at scrape time, so any API or worker process
 * exports the same latest value.
 */
@Injectable()
export class ExperimentSrmMetrics implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Optional() @Inject(PlatformMetrics) private readonly metrics?: PlatformMetrics,
  ) {}

  onModuleInit(): void {
    const registry = this.metrics?.registry;
    if (!registry || registry.getSingleMetric('matchlab_experiment_srm_p_value')) return;
    let cache: { at: number; rows: SrmRow[] } | null = null;
    const latest = async () => {
      if (!cache || Date.now() - cache.at > 1000) cache = { at: Date.now(), rows: await this.read().catch(() => []) };
      return cache.rows;
    };
    const labelNames = ['experiment', 'phase'] as const;
    const gauge = (name: string, help: string, pick: (r: SrmRow) => number | null) => {
      const g: Gauge<(typeof labelNames)[number]> = new Gauge({
        name, help, labelNames, registers: [registry],
        collect: async () => {
          g.reset();
          for (const r of await latest()) {
            const v = pick(r);
            if (v !== null) g.set({ experiment: r.experiment, phase: String(r.phase) }, v);
          }
        },
      });
    };
    gauge('matchlab_experiment_srm_p_value', 'Chi-square SRM test p-value of each running experiment (latest cached analysis)', (r) => r.p);
    gauge('matchlab_experiment_srm_flagged', '1 when the running experiment fails the SRM check (p < 0.001), 0 when it passes', (r) => (r.flagged === null ? null : r.flagged ? 1 : 0));
  }

  async read(): Promise<SrmRow[]> {
    const rows: Array<{ experiment: string; phase: number; p: number | null; flagged: boolean | null }> = await this.db.query(
      `SELECT e.key AS experiment, r.phase, (r.payload->'analysis'->'srm'->>'p')::float8 AS p, (r.payload->'analysis'->'srm'->>'flagged')::boolean AS flagged
         FROM experiment_results r JOIN experiments e ON e.id = r.experiment_id AND e.phase = r.phase
        WHERE e.status = 'running'`,
    );
    return rows.map((r) => ({ experiment: r.experiment, phase: Number(r.phase), p: r.p === null ? null : Number(r.p), flagged: r.flagged }));
  }
}
