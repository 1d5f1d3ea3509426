import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { FeatureValue } from './definitions/types.js';
import type { ResolvedService } from './feature-registry.service.js';
import { summarize, type FeatureStatistics } from './stats.js';

export interface StoredStatistics {
  feature: string;
  type: string;
  stats: FeatureStatistics;
  source: Record<string, unknown>;
  computedAt: Date;
}

/** Training-time statistics per feature, stored with the feature service version they were computed for. */
@Injectable()
export class StatisticsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Summarises raw (pre-policy) training values, one array per row in the service's feature order, and stores them.
   * `via`: the connection of an open transaction (embedded PGlite serialises sessions: no second connection then).
   */
  async saveTrainingStats(service: ResolvedService, rows: FeatureValue[][], source: Record<string, unknown>, via?: QueryRunner | EntityManager): Promise<Map<string, FeatureStatistics>> {
    const out = new Map<string, FeatureStatistics>();
    let col = 0;
    for (const m of service.members) {
      for (const f of m.features) {
        const c = col++;
        out.set(`${m.view.name}.${f.name}`, summarize(f.type, rows.map((r) => r[c])));
      }
    }
    const types = service.members.flatMap((m) => m.features.map((f) => f.type));
    const names = [...out.keys()];
    await (via ?? this.db).query(
      `INSERT INTO feature_statistics (service_version_id, feature, type, stats, source, computed_at)
       SELECT $1, u.f, u.t, u.s::jsonb, $5::jsonb, now() FROM unnest($2::text[], $3::text[], $4::text[]) AS u(f, t, s)
       ON CONFLICT (service_version_id, feature) DO UPDATE SET type = excluded.type, stats = excluded.stats, source = excluded.source, computed_at = excluded.computed_at`,
      [service.id, names, types, names.map((n) => JSON.stringify(out.get(n))), JSON.stringify(source)],
    );
    return out;
  }

  async trainingStats(serviceVersionId: number, via?: QueryRunner | EntityManager): Promise<Map<string, FeatureStatistics>> {
    return new Map((await this.list(serviceVersionId, via)).map((s) => [s.feature, s.stats]));
  }

  async list(serviceVersionId: number, via?: QueryRunner | EntityManager): Promise<StoredStatistics[]> {
    return (via ?? this.db).query(
      `SELECT feature, type, stats, source, computed_at AS "computedAt" FROM feature_statistics WHERE service_version_id = $1 ORDER BY feature`,
      [serviceVersionId],
    ) as Promise<StoredStatistics[]>;
  }
}
