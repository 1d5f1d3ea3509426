import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformMetrics } from '@app/telemetry';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { FeatureError } from './features.errors.js';
import { FeatureRegistryService, type ResolvedService } from './feature-registry.service.js';
import { OnlineService } from './online/online.service.js';
import { DEFAULT_DRIFT_THRESHOLDS, drift, type DriftThresholds } from './stats.js';
import { StatisticsService } from './statistics.service.js';

export interface DriftRow {
  service: string;
  version: number;
  feature: string;
  psi: number | null;
  ks: number | null;
  ksPValue: number | null;
  recentCount: number;
  recentMissingRate: number;
  drifted: boolean;
  computedAt: Date;
}

export interface DriftOptions {
  /** Online values sampled per view (default 5000). */
  sampleSize?: number;
  thresholds?: Partial<DriftThresholds>;
}

/**
 * Drift of recent online values against training statistics: PSI and KS per feature, stored in feature_drift,
 * exported as Prometheus gauges (read from the table at scrape time, so any process serves the latest).
 */
@Injectable()
export class DriftService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService,
    @Inject(OnlineService) private readonly online: OnlineService,
    @Inject(StatisticsService) private readonly statistics: StatisticsService,
    @Inject(PlatformMetrics) private readonly metrics: PlatformMetrics,
  ) {}

  onModuleInit(): void {
    const registry = this.metrics.registry;
    if (registry.getSingleMetric('matchlab_feature_drift_psi')) return;
    let cache: { at: number; rows: DriftRow[] } | null = null;
    const latest = async () => {
      if (!cache || Date.now() - cache.at > 1000) cache = { at: Date.now(), rows: await this.latest().catch(() => []) };
      return cache.rows;
    };
    const labelNames = ['service', 'version', 'feature'] as const;
    const gauge = (name: string, help: string, pick: (r: DriftRow) => number | null) => {
      const g: Gauge<(typeof labelNames)[number]> = new Gauge({
        name, help, labelNames, registers: [registry],
        collect: async () => {
          g.reset();
          for (const r of await latest()) {
            const v = pick(r);
            if (v !== null) g.set({ service: r.service, version: String(r.version), feature: r.feature }, v);
          }
        },
      });
    };
    gauge('matchlab_feature_drift_psi', 'Population stability index of recent online values vs training, per feature (latest drift run)', (r) => r.psi);
    gauge('matchlab_feature_drift_ks', 'Two-sample KS statistic of recent online values vs the training sample, per numeric feature', (r) => r.ks);
    gauge('matchlab_feature_drifted', '1 when the feature passed a drift threshold in the latest run', (r) => (r.drifted ? 1 : 0));
  }

  /** Drift for one service version (by ref) or for every service version that has training statistics. */
  async computeDrift(serviceRef?: string, opts: DriftOptions = {}): Promise<DriftRow[]> {
    const thresholds = { ...DEFAULT_DRIFT_THRESHOLDS, ...opts.thresholds };
    let services: ResolvedService[];
    if (serviceRef) {
      services = [await this.registry.resolveService(serviceRef)];
      if ((await this.statistics.list(services[0]!.id)).length === 0) {
        throw new FeatureError('NO_STATISTICS', `feature service ${services[0]!.name}/${services[0]!.version} has no training statistics; export a training set first`, { field: 'service' });
      }
    } else {
      const ids = (await this.db.query(`SELECT DISTINCT service_version_id AS id FROM feature_statistics`)) as Array<{ id: number }>;
      services = await Promise.all(ids.map((r) => this.registry.resolveServiceById(r.id)));
    }
    const out: DriftRow[] = [];
    for (const service of services) {
      const stats = await this.statistics.trainingStats(service.id);
      for (const m of service.members) {
        const sample = await this.online.sampleOnline(m.view, opts.sampleSize ?? 5000);
        m.positions.forEach((p, i) => {
          const name = `${m.view.name}.${m.features[i]!.name}`;
          const train = stats.get(name);
          if (!train || train.kind === 'other') return;
          const d = drift(train, sample.map((r) => r.values[p] ?? null), thresholds);
          out.push({ service: service.name, version: service.version, feature: name, ...d, computedAt: new Date() });
        });
      }
      const mine = out.filter((r) => r.service === service.name && r.version === service.version);
      if (mine.length) {
        await this.db.query(
          `INSERT INTO feature_drift (service_version_id, feature, psi, ks, ks_p_value, recent_count, recent_missing_rate, drifted)
           SELECT $1, u.* FROM unnest($2::text[], $3::float8[], $4::float8[], $5::float8[], $6::int[], $7::float8[], $8::bool[]) AS u`,
          [service.id, mine.map((r) => r.feature), mine.map((r) => r.psi), mine.map((r) => r.ks), mine.map((r) => r.ksPValue), mine.map((r) => r.recentCount), mine.map((r) => r.recentMissingRate), mine.map((r) => r.drifted)],
        );
      }
    }
    return out;
  }

  /** The latest drift result per feature (of one service version, or of all). */
  async latest(serviceVersionId?: number): Promise<DriftRow[]> {
    const rows = await this.db.query(
      `SELECT DISTINCT ON (d.service_version_id, d.feature) s.name AS service, s.version, d.feature, d.psi, d.ks, d.ks_p_value AS "ksPValue",
              d.recent_count AS "recentCount", d.recent_missing_rate AS "recentMissingRate", d.drifted, d.computed_at AS "computedAt"
         FROM feature_drift d JOIN feature_definitions s ON s.id = d.service_version_id
        ${serviceVersionId ? 'WHERE d.service_version_id = $1' : ''}
        ORDER BY d.service_version_id, d.feature, d.computed_at DESC, d.id DESC LIMIT 5000`,
      serviceVersionId ? [serviceVersionId] : [],
    ) as DriftRow[];
    return rows;
  }
}
