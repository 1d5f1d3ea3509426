import type { FeatureDefinitionEntity } from './feature-definition.entity.js';
import type { FeatureJobEntity } from './feature-job.entity.js';
import { toResolvedView, type ResolvedService } from './feature-registry.service.js';
import type { DriftRow } from './drift.service.js';
import type { FeatureDriftModel, FeatureJobModel, FeatureServiceVersionModel, FeatureStatisticsModel, FeatureViewVersionModel, OnlineFeaturesModel } from './features.model.js';
import type { OnlineFeatures } from './online/online.service.js';
import type { StoredStatistics } from './statistics.service.js';

export function toViewVersionModel(row: FeatureDefinitionEntity, currentId: number | undefined): FeatureViewVersionModel {
  const v = toResolvedView(row);
  return {
    id: String(v.id), name: v.name, version: v.version, fingerprint: v.fingerprint, entity: v.entity, ttlSeconds: v.ttlSeconds, eventTimeColumn: v.eventTimeColumn,
    features: v.features.map((f) => ({ name: f.name, type: f.type, description: f.description ?? null, missing: JSON.stringify(f.missing ?? { strategy: 'null' }) })),
    current: v.id === currentId, createdAt: v.createdAt,
  };
}

export function toServiceVersionModel(s: ResolvedService, currentId: number | undefined): FeatureServiceVersionModel {
  return {
    id: String(s.id), name: s.name, version: s.version, fingerprint: s.fingerprint, current: s.id === currentId, createdAt: s.createdAt,
    views: s.members.map((m) => ({ view: m.view.name, version: m.view.version, features: m.features.map((f) => f.name) })),
    features: s.featureNames,
  };
}

export function toStatisticsModel(s: StoredStatistics): FeatureStatisticsModel {
  const st = s.stats;
  return {
    feature: s.feature, type: s.type, kind: st.kind, count: st.count, missingRate: st.missingRate,
    mean: st.mean ?? null, std: st.std ?? null, min: st.min ?? null, max: st.max ?? null,
    quantiles: JSON.stringify(st.quantiles ?? []), categories: JSON.stringify(st.categories ?? []), computedAt: s.computedAt,
  };
}

export function toDriftModel(d: DriftRow): FeatureDriftModel {
  return { feature: d.feature, psi: d.psi, ks: d.ks, ksPValue: d.ksPValue, recentCount: d.recentCount, recentMissingRate: d.recentMissingRate, drifted: d.drifted, computedAt: d.computedAt };
}

export function toOnlineFeaturesModel(o: OnlineFeatures): OnlineFeaturesModel {
  return {
    service: o.service, version: o.version, entity: o.entity, features: o.features,
    rows: o.rows.map((r) => ({
      id: r.id,
      values: o.features.map((feature, i) => ({ feature, value: r.values[i] === null ? null : JSON.stringify(r.values[i]), ageSeconds: r.ages[i] ?? null, status: r.status[i]! })),
    })),
  };
}

export function toFeatureJobModel(j: FeatureJobEntity, logLines = 20): FeatureJobModel {
  return {
    id: j.id, kind: j.kind, options: JSON.stringify(j.options), status: j.status,
    progress: { percent: j.progress.percent ?? 0, phase: j.progress.phase ?? '', done: j.progress.done ?? null, total: j.progress.total ?? null },
    logs: logLines > 0 ? j.logs.slice(-logLines) : [], error: j.error, errorCode: j.errorCode, result: j.result ? JSON.stringify(j.result) : null,
    createdBy: j.createdBy, createdAt: j.createdAt, finishedAt: j.finishedAt,
  };
}
