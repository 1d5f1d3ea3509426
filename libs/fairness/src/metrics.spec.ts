import { describe, expect, it } from '@jest/globals';
import { auditToCsv, CSV_COLUMNS, type FairnessAuditReport } from './export.js';
import { FairnessError } from './fairness.errors.js';
import { auditGroups, meanInterval, meanRatio, rateRatio, wilson, type CandidateAuditRow } from './metrics.js';

describe('interval helpers (hand-computed)', () => {
  it('Wilson 10/100 at 95 %: centre (0.1 + z²/200)/(1 + z²/100), half-width z·√(p(1−p)/n + z²/4n²)/(1 + z²/n)', () => {
    // z = 1.959964: denom 1.0384146, centre 0.1147974, half 0.0595683
    const w = wilson(10, 100);
    expect(w.estimate).toBe(0.1);
    expect(w.low).toBeCloseTo(0.0552291, 6);
    expect(w.high).toBeCloseTo(0.1743657, 6);
    expect(wilson(0, 0)).toEqual({ estimate: null, low: null, high: null, n: 0 });
    // 0 successes: the interval starts at 0 and is not degenerate
    expect(wilson(0, 50).low).toBeCloseTo(0, 12);
    expect(wilson(0, 50).high).toBeCloseTo(0.0713, 4);
  });

  it('t interval of 1..5: mean 3, se √(2.5/5) = 0.70711, t(0.975, 4) = 2.776445', () => {
    const m = meanInterval([1, 2, 3, 4, 5]);
    expect(m.estimate).toBe(3);
    expect(m.se).toBeCloseTo(0.7071068, 6);
    expect(m.low).toBeCloseTo(3 - 2.776445 * 0.7071068, 5);
    expect(m.high).toBeCloseTo(3 + 2.776445 * 0.7071068, 5);
    expect(meanInterval([7])).toMatchObject({ estimate: 7, low: null, high: null, n: 1 });
  });

  it('Katz rate ratio 20/100 ÷ 40/100 = 0.5, se(log) = √(1/20 − 1/100 + 1/40 − 1/100) = 0.234521', () => {
    const r = rateRatio(20, 100, 40, 100);
    expect(r.ratio).toBeCloseTo(0.5, 12);
    expect(r.low).toBeCloseTo(0.5 * Math.exp(-1.959964 * 0.234521), 5); // 0.31574
    expect(r.high).toBeCloseTo(0.5 * Math.exp(1.959964 * 0.234521), 5); // 0.79179
    expect(r.low).toBeCloseTo(0.31574, 4);
  });

  it('mean ratio 90/100 with se 2 and 3: se(log) = √((2/90)² + (3/100)²) = 0.037334', () => {
    const r = meanRatio(90, 2, 100, 3);
    expect(r.ratio).toBeCloseTo(0.9, 12);
    expect(r.low).toBeCloseTo(0.9 * Math.exp(-1.959964 * 0.0373339), 5);
    expect(r.high).toBeCloseTo(0.9 * Math.exp(1.959964 * 0.0373339), 5);
  });
});

/** n candidates of a group, each with the same counts and salary around `salary` (±spread, alternating). */
function rowsOf(group: string, n: number, o: { impressions: number; clicks: number; applies: number; salary: number; spread?: number; seniority?: number }): CandidateAuditRow[] {
  return Array.from({ length: n }, (_, i) => ({
    group,
    impressions: o.impressions,
    clicks: o.clicks,
    applies: o.applies,
    meanSalary: o.salary + (i % 2 === 0 ? 1 : -1) * (o.spread ?? 1000),
    meanSeniority: (o.seniority ?? 2) + (i % 2 === 0 ? 0.5 : -0.5),
  }));
}

describe('auditGroups', () => {
  it('computes shares, rates and ratios against the largest group; flags the salary gap and the four-fifths click ratio', () => {
    const rows = [
      ...rowsOf('a', 60, { impressions: 10, clicks: 2, applies: 1, salary: 80_000 }),
      ...rowsOf('b', 40, { impressions: 10, clicks: 1, applies: 1, salary: 60_000 }),
    ];
    const r = auditGroups(rows);
    expect(r.referenceGroup).toBe('a');
    const [a, b] = r.groups;
    expect(a!.group).toBe('a');
    expect(a!.disparities).toEqual([]);
    expect(b!.populationShare).toBeCloseTo(0.4, 12);
    expect(b!.exposureShare).toBeCloseTo(400 / 1000, 12);
    expect(b!.clickRate.estimate).toBeCloseTo(40 / 400, 12);
    expect(a!.clickRate.estimate).toBeCloseTo(120 / 600, 12);
    const d = Object.fromEntries(b!.disparities.map((x) => [x.metric, x]));
    // exposure: 10 per candidate in both → ratio 1, no interval spread (se 0) → not flagged
    expect(d['exposure']!.ratio).toBe(1);
    expect(d['exposure']!.flagged).toBe(false);
    // salary: 60k / 80k = 0.75, gap 25 % > 10 %, interval tight → flagged
    expect(d['salary']!.ratio).toBeCloseTo(0.75, 12);
    expect(d['salary']!.flagged).toBe(true);
    // clicks: (40/400) / (120/600) = 0.5 < 0.8; Katz interval below 1 → flagged
    expect(d['click_rate']!.ratio).toBeCloseTo(0.5, 12);
    expect(d['click_rate']!.high!).toBeLessThan(1);
    expect(d['click_rate']!.flagged).toBe(true);
    // applies: (40/400) / (60/600) = 1 → not flagged
    expect(d['apply_rate']!.ratio).toBeCloseTo(1, 12);
    expect(d['apply_rate']!.flagged).toBe(false);
    expect(d['seniority']!.ratio).toBeCloseTo(1, 12);
    expect(r.flagged).toBe(2);
    expect(b!.flagged).toBe(true);
  });

  it('does not flag a ratio beyond the threshold whose interval includes 1, nor a group below minCandidates', () => {
    // 3/30 vs 5/30 clicks: ratio 0.6 but the interval spans 1
    const noisy = auditGroups([...rowsOf('a', 30, { impressions: 1, clicks: 0, applies: 0, salary: 50_000 }).map((r, i) => ({ ...r, clicks: i < 5 ? 1 : 0 })), ...rowsOf('b', 30, { impressions: 1, clicks: 0, applies: 0, salary: 50_000 }).map((r, i) => ({ ...r, clicks: i < 3 ? 1 : 0 }))], { referenceGroup: 'a' });
    const click = noisy.groups[1]!.disparities.find((d) => d.metric === 'click_rate')!;
    expect(click.ratio).toBeCloseTo(0.6, 12);
    expect(click.low!).toBeLessThan(1);
    expect(click.high!).toBeGreaterThan(1);
    expect(click.flagged).toBe(false);
    const small = auditGroups([...rowsOf('a', 60, { impressions: 10, clicks: 2, applies: 1, salary: 80_000 }), ...rowsOf('b', 5, { impressions: 10, clicks: 1, applies: 1, salary: 40_000 })]);
    expect(small.groups[1]!.insufficient).toBe(true);
    expect(small.groups[1]!.disparities.find((d) => d.metric === 'salary')!.ratio).toBeCloseTo(40_200 / 80_000, 12); // b: (3·41k + 2·39k)/5 = 40.2k
    expect(small.flagged).toBe(0);
  });

  it('uses the configured reference group and thresholds; bad configs are typed errors', () => {
    const rows = [...rowsOf('a', 30, { impressions: 10, clicks: 2, applies: 1, salary: 80_000 }), ...rowsOf('b', 30, { impressions: 10, clicks: 2, applies: 1, salary: 74_000 })];
    expect(auditGroups(rows, { referenceGroup: 'b' }).referenceGroup).toBe('b');
    // 74/80 = 0.925: a 7.5 % gap, flagged at meanGap 0.05, not at the default 0.1
    expect(auditGroups(rows, { referenceGroup: 'a' }).flagged).toBe(0);
    expect(auditGroups(rows, { referenceGroup: 'a', meanGap: 0.05 }).flagged).toBe(1);
    expect(() => auditGroups(rows, { referenceGroup: 'zz' })).toThrow(FairnessError);
    expect(() => auditGroups(rows, { rateThreshold: 1.2 })).toThrow(/rateThreshold/);
    expect(() => auditGroups(rows, { minCandidates: 0 })).toThrow(/minCandidates/);
    expect(auditGroups([])).toMatchObject({ referenceGroup: null, groups: [], flagged: 0 });
  });
});

describe('CSV export', () => {
  it('writes one line per group and metric, quoting and neutralising formula-like text', () => {
    const result = auditGroups([...rowsOf('a', 20, { impressions: 4, clicks: 1, applies: 0, salary: 50_000 }), ...rowsOf('=cmd,"x"', 20, { impressions: 4, clicks: 1, applies: 0, salary: 50_000 })], { referenceGroup: 'a' });
    const report: FairnessAuditReport = { id: '7', attribute: 'gender', trigger: 'manual', windowFrom: '2026-01-01T00:00:00.000Z', windowTo: '2026-01-31T00:00:00.000Z', createdAt: '2026-02-01T00:00:00.000Z', createdBy: null, result };
    const lines = auditToCsv([report]).trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 2 * 5);
    const clickA = lines.find((l) => l.includes(',a,a,') && l.includes(',click_rate,'))!;
    expect(clickA.split(',')[CSV_COLUMNS.indexOf('estimate')]).toBe('0.25');
    expect(lines.some((l) => l.includes(`"'=cmd,""x"""`))).toBe(true);
  });
});
