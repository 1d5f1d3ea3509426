import { describe, expect, it } from '@jest/globals';
import { exportFileName, formatInterval, formatRatio, groupRows, type FairnessAudit, type FairnessGroup } from './fairness-data.js';

const interval = (estimate: number | null, low: number | null = null, high: number | null = null) => ({ estimate, low, high, n: 10 });
const group = (over: Partial<FairnessGroup>): FairnessGroup => ({
  group: 'g', candidates: 100, impressions: 1000, clicks: 100, applies: 20, populationShare: 0.5, exposureShare: 0.5,
  exposurePerCandidate: interval(10, 9.5, 10.5), salary: interval(60_000, 58_000, 62_000), seniority: interval(2), clickRate: interval(0.1, 0.08, 0.12), applyRate: interval(0.02),
  disparities: [], flagged: false, insufficient: false, ...over,
});

describe('fairness console shaping', () => {
  it('formats intervals by kind and ratios with their interval', () => {
    expect(formatInterval(interval(0.1234, 0.1, 0.15), 'percent')).toBe('12.3% [10.0%, 15.0%]');
    expect(formatInterval(interval(57899.4, 56909, 58889), 'money')).toBe('57,899 [56,909, 58,889]');
    expect(formatInterval(interval(null), 'decimal')).toBe('–');
    expect(formatRatio({ metric: 'salary', ratio: 0.616, low: 0.578, high: 0.656, flagged: true })).toBe('×0.62 [0.58, 0.66]');
    expect(formatRatio(undefined)).toBe('');
  });

  it('builds one row per group with flagged cells and the reference marked', () => {
    const audit: FairnessAudit = {
      id: '3', attribute: 'gender', trigger: 'manual', windowFrom: '', windowTo: '', createdAt: '', createdBy: null, referenceGroup: 'male', flagged: 1,
      config: { rateThreshold: 0.8, meanGap: 0.1, alpha: 0.05, minCandidates: 20 },
      groups: [
        group({ group: 'female', flagged: true, disparities: [{ metric: 'salary', ratio: 0.6, low: 0.55, high: 0.65, flagged: true }, { metric: 'click_rate', ratio: 0.9, low: 0.7, high: 1.1, flagged: false }] }),
        group({ group: 'male' }),
      ],
    };
    const rows = groupRows(audit);
    expect(rows.map((r) => [r.group, r.reference, r.flagged])).toEqual([['female', false, true], ['male', true, false]]);
    expect(rows[0]!.cells.filter((c) => c.flagged).map((c) => c.metric)).toEqual(['salary']);
    expect(rows[0]!.cells.find((c) => c.metric === 'salary')).toEqual({ metric: 'salary', value: '60,000 [58,000, 62,000]', ratio: '×0.60 [0.55, 0.65]', flagged: true });
    expect(rows[1]!.cells.every((c) => c.ratio === '')).toBe(true);
    expect(rows[0]!.shares).toBe('50.0% of impressions / 50.0% of candidates');
    expect(exportFileName(audit, 'csv')).toBe('fairness-audit-3-gender.csv');
  });
});
