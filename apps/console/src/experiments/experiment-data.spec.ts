import { describe, expect, it } from '@jest/globals';
import type { LiftPoint, MetricComparisonRow } from '../api/types.js';
import {
  canConclude,
  canManageExperiments,
  comparisonRows,
  cumulativeLiftSeries,
  exposureRows,
  decisionProblem,
  formatInterval,
  formatLift,
  formatMean,
  formatP,
  guardrailRows,
  lifecycleActions,
  liftAxis,
  metricVerdict,
  promotableModelRef,
} from './experiment-data.js';

const point = (day: string, variant: string, c: number, t: number, lift: number | null, ci: [number, number] | null, seq: [number, number] | null): LiftPoint => ({
  day, variant, controlUnits: c, treatmentUnits: t, relativeLift: lift, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null, sequentialCiLow: seq?.[0] ?? null, sequentialCiHigh: seq?.[1] ?? null,
});

const comparison = (over: Partial<MetricComparisonRow>): MetricComparisonRow => ({
  variant: 'treatment', metric: 'click_rate', role: 'primary', kind: 'ratio', controlUnits: 100, treatmentUnits: 100, controlMean: 0.05, treatmentMean: 0.06,
  absolute: null, relative: null, welchP: null, adjustedP: null, cuped: false, sequentialRelative: null, sequentialSignificant: null, chanceToBeatControl: null,
  nonInferiority: null, note: null, ...over,
});

describe('experiment dashboard shaping', () => {
  it('formats lifts, rates, p-values and intervals', () => {
    expect(formatLift(0.0512)).toBe('+5.12%');
    expect(formatLift(-0.003)).toBe('−0.30%');
    expect(formatLift(0)).toBe('0.00%');
    expect(formatLift(null)).toBe('—');
    expect(formatP(0.0004)).toBe('< 0.001');
    expect(formatP(0.04321)).toBe('0.043');
    expect(formatMean('click_rate', 0.0613)).toBe('6.13%');
    expect(formatMean('units_with_click', 0.5)).toBe('50.00%');
    expect(formatMean('clicks_per_unit', 1.23456)).toBe('1.235');
    expect(formatInterval(-0.012, 0.034)).toBe('[−1.20%, +3.40%]');
    expect(formatInterval(null, 0.1)).toBe('—');
  });

  it('builds the cumulative lift series of one arm in percent, sorted by day, with both bands', () => {
    const series = [
      point('2026-06-03', 'treatment', 30, 31, 0.1, [-0.05, 0.25], [-0.2, 0.4]),
      point('2026-06-01', 'treatment', 10, 11, 0.2, [-0.1, 0.5], [-0.6, 1.0]),
      point('2026-06-01', 'b2', 10, 9, -0.1, [-0.3, 0.1], null),
      point('2026-06-02', 'treatment', 20, 19, null, null, null),
    ];
    expect(cumulativeLiftSeries(series, 'treatment')).toEqual([
      { day: '2026-06-01', lift: 20, ci: [-10, 50], band: [-60, 100], treatmentUnits: 11, controlUnits: 10 },
      { day: '2026-06-02', lift: null, ci: null, band: null, treatmentUnits: 19, controlUnits: 20 },
      { day: '2026-06-03', lift: 10, ci: [-5, 25], band: [-20, 40], treatmentUnits: 31, controlUnits: 30 },
    ]);
    expect(cumulativeLiftSeries(series, 'b2')).toEqual([{ day: '2026-06-01', lift: -10, ci: [-30, 10], band: null, treatmentUnits: 9, controlUnits: 10 }]);
    expect(cumulativeLiftSeries(series, 'nobody')).toEqual([]);
  });

  it('sizes the lift axis to the lift and its fixed CI on a nice step (the always-valid band is clipped), always with 0', () => {
    const series = cumulativeLiftSeries([point('2026-06-01', 't', 10, 10, 0.2, [-0.1, 0.5], [-30, 30]), point('2026-06-02', 't', 20, 20, 0.1, [0.02, 0.2], [-5, 5])], 't');
    // values −10 … 50 %, padded by 6 → span 72 → step 20
    expect(liftAxis(series)).toEqual({ domain: [-20, 60], ticks: [-20, 0, 20, 40, 60] });
    expect(liftAxis(cumulativeLiftSeries([point('2026-06-01', 't', 10, 10, 0.03, [0.01, 0.05], null)], 't'))).toEqual({ domain: [-2, 6], ticks: [-2, 0, 2, 4, 6] }); // 0 … 5 padded by 1: span 7, step 2
    const wide = liftAxis(cumulativeLiftSeries([point('2026-06-01', 't', 1, 1, 2.2, [-0.8, 6.3], null)], 't'));
    expect(wide.ticks).toContain(0);
    expect(wide.ticks.length).toBeLessThanOrEqual(8);
    expect(wide.domain[0]).toBeLessThanOrEqual(-80);
    expect(wide.domain[1]).toBeGreaterThanOrEqual(630);
    expect(liftAxis([]).ticks).toContain(0);
  });

  it('pivots exposures per day into one column per arm, in the experiment order, with missing days and arms as 0', () => {
    const e = (day: string, variant: string, units: number, rankings: number) => ({ day, variant, units, newUnits: units, rankings, items: rankings * 10 });
    const rows = [e('2026-06-03', 'treatment', 4, 6), e('2026-06-01', 'treatment', 2, 2), e('2026-06-01', 'control', 3, 5), e('2026-06-03', 'control', 1, 1), e('2026-06-01', 'zeta', 1, 1)];
    expect(exposureRows(rows, ['control', 'treatment'], 'rankings')).toEqual({
      arms: ['control', 'treatment', 'zeta'],
      rows: [
        { day: '2026-06-01', control: 5, treatment: 2, zeta: 1 },
        { day: '2026-06-02', control: 0, treatment: 0, zeta: 0 },
        { day: '2026-06-03', control: 1, treatment: 6, zeta: 0 },
      ],
    });
    expect(exposureRows(rows, ['control', 'treatment'], 'items').rows[0]).toEqual({ day: '2026-06-01', control: 50, treatment: 20, zeta: 10 });
    expect(exposureRows([], ['control'], 'units')).toEqual({ arms: [], rows: [] });
  });

  it('orders the metric table by role, metric and variant, and gives a verdict from the relative CI', () => {
    const rows = comparisonRows([
      comparison({ role: 'guardrail', metric: 'dismiss_rate' }),
      comparison({ role: 'secondary', metric: 'apply_rate', variant: 'b' }),
      comparison({ role: 'secondary', metric: 'apply_rate', variant: 'a' }),
      comparison({ role: 'diagnostic', metric: 'ndcg@10' }),
      comparison({ role: 'primary', metric: 'click_rate' }),
    ]);
    expect(rows.map((r) => `${r.role}:${r.metric}:${r.variant}`)).toEqual([
      'primary:click_rate:treatment', 'secondary:apply_rate:a', 'secondary:apply_rate:b', 'guardrail:dismiss_rate:treatment', 'diagnostic:ndcg@10:treatment',
    ]);
    expect(metricVerdict(comparison({ relative: { estimate: 0.1, ciLow: 0.02, ciHigh: 0.2, p: 0.01 } }))).toBe('better');
    expect(metricVerdict(comparison({ relative: { estimate: -0.1, ciLow: -0.2, ciHigh: -0.01, p: 0.01 } }))).toBe('worse');
    expect(metricVerdict(comparison({ relative: { estimate: 0.1, ciLow: -0.02, ciHigh: 0.2, p: 0.2 } }))).toBe('no significant difference');
    expect(metricVerdict(comparison({}))).toBe('not enough data');
  });

  it('classifies guardrails as ok (non-inferior), violated (significantly worse) or inconclusive', () => {
    const ni = (estimate: number, bound: number, nonInferior: boolean, harmful = 'increase') => ({ margin: 0.05, harmful, estimate, bound, p: nonInferior ? 0.01 : 0.4, nonInferior });
    const rel = (ciLow: number, ciHigh: number) => ({ estimate: (ciLow + ciHigh) / 2, ciLow, ciHigh, p: 0.5 });
    const rows = guardrailRows([
      comparison({ role: 'primary' }),
      comparison({ role: 'guardrail', metric: 'dismiss_rate', nonInferiority: ni(0.01, 0.03, true), relative: rel(-0.01, 0.03) }),
      comparison({ role: 'guardrail', metric: 'dismiss_rate', variant: 'b', nonInferiority: ni(0.2, 0.3, false), relative: rel(0.1, 0.3) }),
      comparison({ role: 'guardrail', metric: 'dismiss_rate', variant: 'c', nonInferiority: ni(0.27, 0.74, false), relative: rel(-0.3, 0.84) }),
      comparison({ role: 'guardrail', metric: 'apply_rate', nonInferiority: ni(-0.01, -0.09, false, 'decrease'), relative: rel(-0.1, 0.08) }),
      comparison({ role: 'guardrail', metric: 'save_rate', nonInferiority: ni(-0.2, -0.3, false, 'decrease'), relative: rel(-0.3, -0.1) }),
      comparison({ role: 'guardrail', metric: 'click_rate', note: 'no units in control' }),
    ]);
    expect(rows.map((r) => `${r.metric}/${r.variant}:${r.state}`)).toEqual([
      'dismiss_rate/treatment:ok', 'dismiss_rate/b:violated', 'dismiss_rate/c:inconclusive', 'apply_rate/treatment:inconclusive', 'save_rate/treatment:violated', 'click_rate/treatment:inconclusive',
    ]);
    expect(rows[0]!.detail).toBe('+1.00% (bound +3.00%; may not rise more than 5.0%; p 0.010)');
    expect(rows[5]!.detail).toBe('no units in control');
  });

  it('allows the lifecycle buttons and decisions each status permits, to the roles that may use them', () => {
    expect(lifecycleActions('draft')).toEqual(['start']);
    expect(lifecycleActions('running')).toEqual(['pause', 'stop']);
    expect(lifecycleActions('paused')).toEqual(['start', 'stop']);
    expect(lifecycleActions('stopped')).toEqual([]);
    expect(lifecycleActions('concluded')).toEqual([]);
    expect(['draft', 'running', 'paused', 'stopped', 'concluded'].map((s) => canConclude(s as never))).toEqual([false, true, true, true, false]);
    expect(['admin', 'ml_engineer', 'analyst', 'app', undefined].map(canManageExperiments)).toEqual([true, true, false, false, false]);
  });

  it('checks the decision form before sending it and finds the model a ship decision promotes', () => {
    const exp = { variants: [{ key: 'control', weight: 0.5, modelRef: 'pop@champion', strategy: null, killed: false }, { key: 'treatment', weight: 0.5, modelRef: 'als/1', strategy: null, killed: false }] };
    expect(decisionProblem({ decision: '', variant: '', note: 'why' }, exp)).toBe('Pick a decision.');
    expect(decisionProblem({ decision: 'ship', variant: '', note: 'clear win' }, exp)).toBe('Pick the variant to ship.');
    expect(decisionProblem({ decision: 'ship', variant: 'x', note: 'clear win' }, exp)).toBe('"x" is not a variant of this experiment.');
    expect(decisionProblem({ decision: 'ship', variant: 'treatment', note: ' ' }, exp)).toBe('Give a reason (a few words).');
    expect(decisionProblem({ decision: 'ship', variant: 'treatment', note: 'clear win' }, exp)).toBeNull();
    expect(decisionProblem({ decision: 'rollback', variant: '', note: 'guardrail hit' }, exp)).toBeNull();
    expect(promotableModelRef({ ...exp, decision: 'ship', decisionVariant: 'treatment' })).toBe('als/1');
    expect(promotableModelRef({ ...exp, decision: 'rollback', decisionVariant: null })).toBeNull();
  });
});
