// Pure helpers of the feature store pages, unit-tested.
import type { FeatureDrift, FeatureServiceVersion, FeatureStatistics, FeatureView } from '../api/types.js';

export function currentVersion<T extends { current: boolean; version: number }>(versions: readonly T[]): T | undefined {
  return versions.find((v) => v.current) ?? [...versions].sort((a, b) => b.version - a.version)[0];
}

/** "1 h", "7 d", "90 s". */
export function formatTtl(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export type DriftBadge = { label: string; color: 'success' | 'error' | 'default' };

/** One badge for a service version: how many features drifted at the last drift run, or that none ran. */
export function driftBadge(v: Pick<FeatureServiceVersion, 'drift'> | undefined): DriftBadge {
  if (!v || v.drift.length === 0) return { label: 'no drift check yet', color: 'default' };
  const drifted = v.drift.filter((d) => d.drifted).length;
  return drifted ? { label: `${drifted} drifted`, color: 'error' } : { label: 'no drift', color: 'success' };
}

export interface FeatureRow {
  feature: string;
  statistics?: FeatureStatistics;
  drift?: FeatureDrift;
}

/** Statistics and drift of a service version joined per feature, drifted first, then by name. */
export function featureRows(v: Pick<FeatureServiceVersion, 'features' | 'statistics' | 'drift'>): FeatureRow[] {
  const names = new Set<string>([...v.features, ...v.statistics.map((s) => s.feature), ...v.drift.map((d) => d.feature)]);
  const stat = new Map(v.statistics.map((s) => [s.feature, s]));
  const drift = new Map(v.drift.map((d) => [d.feature, d]));
  return [...names]
    .map((feature) => ({ feature, statistics: stat.get(feature), drift: drift.get(feature) }))
    .sort((a, b) => Number(!!b.drift?.drifted) - Number(!!a.drift?.drifted) || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
}

/** "123 rows / 45 entities" offline; online "redis gen 3 · 45 rows" or "not materialised". */
export function storeSummary(v: FeatureView['versions'][number]): { offline: string; online: string } {
  return {
    offline: `${v.offline.rows.toLocaleString('en-US')} rows / ${v.offline.entities.toLocaleString('en-US')} entities`,
    online: v.online ? `${v.online.backend} gen ${v.online.generation} · ${v.online.rows.toLocaleString('en-US')} rows` : 'not materialised',
  };
}
