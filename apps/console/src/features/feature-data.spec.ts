import { describe, expect, it } from '@jest/globals';
import type { FeatureDrift } from '../api/types.js';
import { currentVersion, driftBadge, featureRows, formatTtl, storeSummary } from './feature-data.js';

const drift = (feature: string, drifted: boolean): FeatureDrift => ({ feature, drifted, psi: drifted ? 0.4 : 0.01, ks: 0.1, ksPValue: 0.5, recentCount: 10, recentMissingRate: 0, computedAt: '2026-06-01T00:00:00Z' });

describe('feature store page helpers', () => {
  it('picks the current version, else the newest', () => {
    expect(currentVersion([{ version: 1, current: true }, { version: 2, current: false }])?.version).toBe(1);
    expect(currentVersion([{ version: 1, current: false }, { version: 3, current: false }])?.version).toBe(3);
    expect(currentVersion([])).toBeUndefined();
  });

  it('formats TTLs in the largest whole unit', () => {
    expect([formatTtl(86400 * 7), formatTtl(7200), formatTtl(120), formatTtl(90)]).toEqual(['7 d', '2 h', '2 min', '90 s']);
  });

  it('badges drift: none run, none drifted, or how many drifted', () => {
    expect(driftBadge({ drift: [] })).toEqual({ label: 'no drift check yet', color: 'default' });
    expect(driftBadge({ drift: [drift('a', false)] })).toEqual({ label: 'no drift', color: 'success' });
    expect(driftBadge({ drift: [drift('a', true), drift('b', true), drift('c', false)] })).toEqual({ label: '2 drifted', color: 'error' });
  });

  it('joins statistics and drift per feature, drifted first', () => {
    const rows = featureRows({
      features: ['v.a', 'v.b', 'v.c'],
      statistics: [{ feature: 'v.a', kind: 'numeric', type: 'float', count: 3, missingRate: 0, mean: 1, std: 0, min: 1, max: 1, quantiles: '[]', categories: '{}', computedAt: '' }],
      drift: [drift('v.c', true), drift('v.a', false)],
    });
    expect(rows.map((r) => [r.feature, !!r.statistics, r.drift?.drifted ?? null])).toEqual([
      ['v.c', false, true],
      ['v.a', true, false],
      ['v.b', false, null],
    ]);
  });

  it('summarises the offline and online stores of a view version', () => {
    const v = { offline: { rows: 1234, entities: 56, latestEventTime: null }, online: null } as never;
    expect(storeSummary(v)).toEqual({ offline: '1,234 rows / 56 entities', online: 'not materialised' });
    expect(storeSummary({ offline: { rows: 1, entities: 1, latestEventTime: null }, online: { backend: 'redis', generation: 3, rows: 45, materializedAt: '' } } as never).online).toBe('redis gen 3 · 45 rows');
  });
});
