import type { FeatureSpec, FeatureValue } from './definitions/types.js';
import type { FeatureStatistics } from './stats.js';

/**
 * A missing value (no row, past TTL, or null) becomes the declared default, the training mean of the feature
 * (from the statistics stored with the service version; null when there are none), or stays null.
 */
export function applyMissingPolicy(f: FeatureSpec, value: FeatureValue | undefined, stats?: FeatureStatistics): FeatureValue {
  if (value !== null && value !== undefined) return value;
  const p = f.missing;
  if (!p || p.strategy === 'null') return null;
  if (p.strategy === 'default') return p.value;
  const mean = stats?.mean;
  if (mean === undefined) return null;
  return f.type === 'int' ? Math.round(mean) : mean;
}
