import { describe, expect, it } from '@jest/globals';
import { chiSquareSf, compareArms, holmAdjust, summarize } from '@app/statistics';
import { close, reference } from '../../../statistics/src/fixtures.js';
import { analyzeExperiment, type UnitDayRow } from './experiment-analysis.js';

const near = (a: number | null | undefined, e: number, rel = 1e-9) => {
  expect(a).not.toBeNull();
  if (!close(a!, e, rel, 1e-15)) throw new Error(`${a} is not ${e} (rel ${rel})`);
};
const row = (variant: string, unitId: string, over: Partial<UnitDayRow> = {}): UnitDayRow => ({
  variant, unitId, day: '2026-11-01', rankings: 1, items: 10, impressions: 0, clicks: 0, saves: 0, applies: 0, dismisses: 0, ndcgSum: 0, mrrSum: 0, ...over,
});
const ab = [{ key: 'control', weight: 0.5 }, { key: 'treatment', weight: 0.5 }];

describe('analyzeExperiment', () => {
  // scipy/numpy reference values of libs/statistics/fixtures (make_fixtures.py): clicks = numerators, items = denominators.
  it('click rate per item exposed: delta-method ratio lift equals the scipy reference', () => {
    const r = reference.analysis.ratio;
    const rows = [
      ...r.control.num.map((n: number, i: number) => row('control', `c${i}`, { clicks: n, items: r.control.den[i] })),
      ...r.treatment.num.map((n: number, i: number) => row('treatment', `t${i}`, { clicks: n, items: r.treatment.den[i] })),
    ];
    const a = analyzeExperiment({ variants: ab, primaryMetric: 'click_rate', secondaryMetrics: [], guardrailMetrics: [], rows });
    const cr = a.comparisons.find((c) => c.metric === 'click_rate')!;
    expect(cr).toMatchObject({ role: 'primary', kind: 'ratio', cuped: false, controlUnits: r.control.num.length });
    near(cr.controlMean, r.ratioControl);
    near(cr.treatmentMean, r.ratioTreatment);
    near(cr.absolute!.estimate, r.absolute.estimate);
    near(cr.absolute!.p, r.absolute.p, 1e-7);
    near(cr.relative!.estimate, r.relative.estimate);
    near(cr.relative!.p, r.relative.p, 1e-7);
    // Only one goal metric, one treatment: Holm leaves p alone.
    near(cr.adjustedP, r.absolute.p, 1e-7);
    expect(a.srm).toMatchObject({ flagged: false, df: 1 });
    expect(a.cupedAvailable).toBe(false);
    // Diagnostics are reported but stay out of the Holm family.
    expect(a.comparisons.filter((c) => c.role === 'diagnostic').map((c) => [c.metric, c.adjustedP])).toEqual([['online_ndcg@10', null], ['online_mrr', null]]);
  });

  it('clicks per unit with the pre-period clicks as covariate: CUPED equals the reference, and the sequential and Bayesian figures', () => {
    const m = reference.analysis.mean;
    const pre = new Map<string, number>();
    const rows: UnitDayRow[] = [];
    for (const [arm, data] of [['control', m.control], ['treatment', m.treatment]] as const) {
      data.y.forEach((y: number, i: number) => {
        rows.push(row(arm, `${arm}-${i}`, { clicks: y }));
        pre.set(`${arm}-${i}`, data.x[i]);
      });
    }
    const a = analyzeExperiment({ variants: ab, primaryMetric: 'clicks_per_unit', secondaryMetrics: [], guardrailMetrics: [], rows, preClicks: pre });
    const c = a.comparisons.find((x) => x.metric === 'clicks_per_unit')!;
    expect(a.cupedAvailable).toBe(true);
    expect(c.cuped).toBe(true);
    near(c.cupedTheta, m.cuped.theta);
    near(c.absolute!.estimate, m.cuped.absolute);
    near(c.absolute!.p, m.cuped.p, 1e-6);
    near(c.relative!.estimate, m.cuped.relative);
    near(c.welchP, m.absolute.p, 1e-7);
    // The always-valid interval and chance to win are compareArms' on the same sums (checked against scipy in libs/statistics).
    const ref = compareArms(summarize(m.control.y, m.control.x), summarize(m.treatment.y, m.treatment.x), { kind: 'mean', cuped: true, sequentialTuning: 5000 });
    near(c.sequentialAbsolute!.ciLow, ref.sequential!.absolute.ciLow);
    near(c.sequentialRelative!.ciHigh, ref.sequential!.relative!.ciHigh);
    near(c.chanceToBeatControl, ref.bayesian!.chanceToWin);
    expect(c.sequentialAbsolute!.ciHigh - c.sequentialAbsolute!.ciLow).toBeGreaterThan(c.absolute!.ciHigh - c.absolute!.ciLow);
  });

  it('flags a 70/30 split on a 50/50 design (chi-square p < 0.001) and not a 52/48 one of 100 units', () => {
    const rows = [...Array.from({ length: 700 }, (_, i) => row('control', `c${i}`)), ...Array.from({ length: 300 }, (_, i) => row('treatment', `t${i}`))];
    const a = analyzeExperiment({ variants: ab, primaryMetric: 'click_rate', secondaryMetrics: [], guardrailMetrics: [], rows });
    expect(a.srm!.chi2).toBeCloseTo(160, 10); // (700−500)²/500 + (300−500)²/500
    near(a.srm!.p, chiSquareSf(160, 1));
    expect(a.srm!.flagged).toBe(true);
    const b = analyzeExperiment({ variants: ab, primaryMetric: 'click_rate', secondaryMetrics: [], guardrailMetrics: [], rows: [...Array.from({ length: 52 }, (_, i) => row('control', `c${i}`)), ...Array.from({ length: 48 }, (_, i) => row('treatment', `t${i}`))] });
    expect(b.srm!.flagged).toBe(false);
    expect(a.unitsPerVariant).toEqual([{ variant: 'control', units: 700, weight: 0.5 }, { variant: 'treatment', units: 300, weight: 0.5 }]);
  });

  it('Holm over 2 treatments × 2 goal metrics; guardrails get non-inferiority and stay out of the family', () => {
    const variants = [{ key: 'control', weight: 1 / 3 }, { key: 'a', weight: 1 / 3 }, { key: 'b', weight: 1 / 3 }];
    const rows: UnitDayRow[] = [];
    // Deterministic per-unit values with different effects per arm.
    for (const [arm, shift] of [['control', 0], ['a', 3], ['b', 0]] as const) {
      for (let i = 0; i < 300; i++) rows.push(row(arm, `${arm}${i}`, { clicks: (i % 5) + (i % 3 === 0 ? shift : 0), applies: i % 7 === 0 ? 1 : 0, dismisses: i % 11 === 0 ? 1 : 0 }));
    }
    const a = analyzeExperiment({ variants, primaryMetric: 'clicks_per_unit', secondaryMetrics: ['apply_rate'], guardrailMetrics: ['dismiss_rate'], rows, guardrailMargin: 0.1 });
    const goals = a.comparisons.filter((c) => c.role === 'primary' || c.role === 'secondary');
    expect(goals.map((c) => `${c.variant}/${c.metric}`)).toEqual(['a/clicks_per_unit', 'a/apply_rate', 'b/clicks_per_unit', 'b/apply_rate']);
    const want = holmAdjust(goals.map((c) => c.absolute!.p));
    goals.forEach((c, i) => near(c.adjustedP, want[i]!, 1e-12));
    expect(goals[0]!.adjustedP).toBeLessThan(0.001); // arm a raises clicks by 1 per unit
    expect(goals[2]!.absolute!.estimate).toBe(0); // arm b is identical to control
    const g = a.comparisons.filter((c) => c.role === 'guardrail');
    expect(g).toHaveLength(2);
    for (const c of g) {
      expect(c.adjustedP).toBeNull();
      expect(c.nonInferiority).toMatchObject({ margin: 0.1, harmful: 'increase' });
      // Identical dismissals: lift 0, one-sided bound above 0 but the test rejects "worse by ≥ 10%" only with enough data.
      expect(c.nonInferiority!.estimate).toBe(0);
      expect(c.nonInferiority!.nonInferior).toBe(c.nonInferiority!.p < 0.05);
    }
  });

  it('daily series: cumulative lift of the primary metric per day, the last day equal to the overall result', () => {
    const rows: UnitDayRow[] = [];
    const days = ['2026-11-01', '2026-11-02', '2026-11-03'];
    for (let i = 0; i < 600; i++) {
      const arm = i % 2 ? 'treatment' : 'control';
      const d = days[i % 3]!;
      rows.push(row(arm, `u${i}`, { day: d, clicks: (i % 4) + (arm === 'treatment' && i % 5 === 0 ? 1 : 0) }));
      if (i % 3 === 0) rows.push(row(arm, `u${i}`, { day: days[2]!, clicks: 1 })); // returning units accrue
    }
    const a = analyzeExperiment({ variants: ab, primaryMetric: 'clicks_per_unit', secondaryMetrics: [], guardrailMetrics: [], rows });
    expect(a.timeSeries.map((p) => [p.day, p.controlUnits + p.treatmentUnits])).toEqual([[days[0], 200], [days[1], 400], [days[2], 600]]);
    const last = a.timeSeries.at(-1)!;
    const overall = a.comparisons.find((c) => c.metric === 'clicks_per_unit')!;
    near(last.relativeLift, overall.relative!.estimate, 1e-12);
    near(last.sequentialCiLow, overall.sequentialRelative!.ciLow, 1e-12);
    for (const p of a.timeSeries) expect(p.sequentialCiHigh! - p.sequentialCiLow!).toBeGreaterThan(p.ciHigh! - p.ciLow!);
  });

  it('reports a note instead of figures when an arm has fewer than 2 units', () => {
    const a = analyzeExperiment({ variants: ab, primaryMetric: 'click_rate', secondaryMetrics: [], guardrailMetrics: [], rows: [row('control', 'c1'), row('control', 'c2'), row('treatment', 't1')] });
    const c = a.comparisons[0]!;
    expect(c.absolute).toBeNull();
    expect(c.note).toMatch(/at least 2 units/);
    expect(c.adjustedP).toBeNull();
  });
});
