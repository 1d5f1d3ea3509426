import {
  armMoments, bayesianLift, benjaminiHochbergAdjust, compareArms, holmAdjust, nonInferiority, sequentialHalfWidth, sequentialRho,
  srmCheck, summarize, welchTTest,
} from './analysis.js';
import { powerAt, sampleSize, type SampleSizeInput } from './power.js';
import { StatisticsError } from './statistics.errors.js';
import { close, reference } from './fixtures.js';

const near = (actual: number, expected: number, rel = 1e-9) => {
  if (!close(actual, expected, rel, 1e-15)) throw new Error(`expected ${expected}, got ${actual} (rel ${Math.abs(actual - expected) / Math.abs(expected)})`);
};

describe('Welch t-test against scipy.stats.ttest_ind(equal_var=False)', () => {
  it.each([0, 1, 2, 3])('dataset %i: t, df, p, 95%% CI', (i) => {
    const f = reference.welch[i];
    const c = armMoments(summarize(f.control), 'mean');
    const t = armMoments(summarize(f.treatment), 'mean');
    near(c.variance, f.varControl, 1e-10);
    const w = welchTTest(c, t);
    near(w.t, f.t, 1e-9);
    near(w.df, f.df, 1e-9);
    near(w.p, f.p, 1e-8);
    near(w.ciLow, f.ciLow, 1e-9);
    near(w.ciHigh, f.ciHigh, 1e-9);
  });
});

describe('compareArms on seeded per-unit data (fixtures written out from the formulas with numpy/scipy)', () => {
  const m = reference.analysis.mean;
  const control = summarize(m.control.y, m.control.x);
  const treatment = summarize(m.treatment.y, m.treatment.x);

  it('mean metric: absolute and relative lift with CI and p', () => {
    const r = compareArms(control, treatment, { kind: 'mean' });
    near(r.control.mean, m.meanControl, 1e-12);
    near(r.treatment.variance, m.varTreatment, 1e-10);
    for (const k of ['estimate', 'se', 'ciLow', 'ciHigh', 'p'] as const) near(r.absolute[k], m.absolute[k], 1e-8);
    near(r.df, m.absolute.df, 1e-9);
    for (const k of ['estimate', 'se', 'ciLow', 'ciHigh', 'p'] as const) near(r.relative![k], m.relative[k], 1e-8);
  });

  it('CUPED with the pre-period covariate: theta, adjusted lift, se, df, p, relative lift and its delta-method se', () => {
    const r = compareArms(control, treatment, { kind: 'mean', cuped: true });
    const f = m.cuped;
    near(r.cuped!.theta, f.theta, 1e-9);
    near(r.cuped!.absolute.estimate, f.absolute, 1e-9);
    near(r.cuped!.absolute.se, f.se, 1e-8);
    near(r.cuped!.df, f.df, 1e-8);
    near(r.cuped!.absolute.p, f.p, 1e-6);
    near(r.cuped!.relative!.estimate, f.relative, 1e-9);
    near(r.cuped!.relative!.se, f.relativeSe, 1e-8);
    // the covariate explains most of the variance: the CUPED interval is about half as wide
    expect(r.cuped!.absolute.se).toBeLessThan(0.6 * r.absolute.se);
  });

  it('sequential (always-valid) interval: rho and half-width of GrowthBook/Waudby-Smith eq. 9, wider than the fixed one', () => {
    near(sequentialRho(0.05, 5000), m.sequential.rho, 1e-12);
    const r = compareArms(control, treatment, { kind: 'mean', sequentialTuning: 5000 });
    near((r.sequential!.absolute.ciHigh - r.sequential!.absolute.ciLow) / 2, m.sequential.halfWidth, 1e-9);
    near(sequentialHalfWidth(m.absolute.se, control.n + treatment.n), m.sequential.halfWidth, 1e-9);
    expect(r.sequential!.absolute.ciHigh - r.sequential!.absolute.ciLow).toBeGreaterThan(r.absolute.ciHigh - r.absolute.ciLow);
    expect(r.sequential!.significant).toBe(r.sequential!.absolute.ciLow > 0);
  });

  it('Bayesian chance to beat control with the N(0, 0.3²) prior and the improper prior', () => {
    const r = compareArms(control, treatment, { kind: 'mean' });
    const b = m.bayesian;
    near(r.bayesian!.posteriorMean, b.posteriorMean, 1e-9);
    near(r.bayesian!.posteriorSd, b.posteriorSd, 1e-9);
    near(r.bayesian!.chanceToWin, b.chanceToWin, 1e-9);
    near(r.bayesian!.ciLow, b.ciLow, 1e-8);
    near(r.bayesian!.ciHigh, b.ciHigh, 1e-8);
    near(compareArms(control, treatment, { kind: 'mean', priorSd: null }).bayesian!.chanceToWin, b.chanceToWinImproper, 1e-9);
    expect(bayesianLift(-0.1, 0.05, null).chanceToWin).toBeLessThan(0.05);
  });

  it('proportion metric (variance p(1−p))', () => {
    const f = reference.analysis.proportion;
    const r = compareArms(summarize(f.control), summarize(f.treatment), { kind: 'proportion' });
    near(r.control.mean, f.pControl, 1e-12);
    for (const k of ['estimate', 'se', 'p'] as const) near(r.absolute[k], f.absolute[k], 1e-8);
    near(r.df, f.absolute.df, 1e-9);
    for (const k of ['estimate', 'se', 'p'] as const) near(r.relative![k], f.relative[k], 1e-8);
  });

  it('ratio metric (clicks per impression) with the delta method', () => {
    const f = reference.analysis.ratio;
    const r = compareArms(summarize(f.control.num, f.control.den), summarize(f.treatment.num, f.treatment.den), { kind: 'ratio' });
    near(r.control.mean, f.ratioControl, 1e-12);
    near(r.control.variance, f.varControl, 1e-9);
    near(r.treatment.variance, f.varTreatment, 1e-9);
    for (const k of ['estimate', 'se', 'p'] as const) near(r.absolute[k], f.absolute[k], 1e-8);
    near(r.df, f.absolute.df, 1e-9);
    for (const k of ['estimate', 'se', 'p'] as const) near(r.relative![k], f.relative[k], 1e-8);
  });

  it('typed errors for broken input', () => {
    expect(() => compareArms(summarize([1]), summarize([1, 2]), { kind: 'mean' })).toThrow(StatisticsError);
    expect(() => compareArms(summarize([1, 2]), summarize([1, 2]), { kind: 'ratio' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => compareArms(control, treatment, { kind: 'mean', alpha: 1.2 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => summarize([1, 2], [1])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('SRM chi-square against scipy.stats.chisquare', () => {
  it.each(reference.srm.map((f: { observed: number[] }, i: number) => [i, f.observed.join('/')]) as [number, string][])('case %i (%s)', (i) => {
    const f = reference.srm[i];
    const r = srmCheck(f.observed, f.weights);
    near(r.chi2 + 1, f.chi2 + 1, 1e-10);
    near(r.p, f.p, 1e-9);
    expect(r.flagged).toBe(f.p < 0.001);
  });
  it('flags a 50.6/49.4 split of 100,000 units (p ≈ 1.5e-4) but not 50.41/49.59 (p ≈ 0.01)', () => {
    expect(srmCheck([50600, 49400], [1, 1]).flagged).toBe(true);
    expect(srmCheck([50410, 49590], [1, 1]).flagged).toBe(false);
    expect(() => srmCheck([1, 2], [1])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('multiple testing', () => {
  const f = reference.multipleTesting;
  it('Holm step-down', () => holmAdjust(f.p).forEach((v, i) => near(v, f.holm[i], 1e-12)));
  it('Benjamini–Hochberg against scipy.stats.false_discovery_control', () => benjaminiHochbergAdjust(f.p).forEach((v, i) => near(v, f.bh[i], 1e-12)));
});

describe('non-inferiority against scipy one-sided Welch tests on shifted data', () => {
  it.each(reference.nonInferiority.map((f: { welch: number }) => f.welch) as number[])('welch dataset %i', (i) => {
    const f = reference.nonInferiority.find((x: { welch: number }) => x.welch === i);
    const w = reference.welch[i];
    const cmp = compareArms(summarize(w.control), summarize(w.treatment), { kind: 'mean' });
    const up = nonInferiority(cmp, { margin: f.margin, harmful: 'increase' });
    near(up.p, f.pIncrease, 1e-8);
    expect(up.nonInferior).toBe(f.pIncrease < 0.05);
    expect(up.nonInferior).toBe(up.bound < f.margin);
    const down = nonInferiority(cmp, { margin: f.margin, harmful: 'decrease' });
    near(down.p, f.pDecrease, 1e-8);
    expect(down.nonInferior).toBe(down.bound > -f.margin);
  });
});

describe('power and sample size', () => {
  it.each(reference.power.map((f: { kind: string }, i: number) => [i, f.kind]) as [number, string][])('case %i (%s): n per arm and power at 20,000', (i) => {
    const f = reference.power[i];
    const input = f as SampleSizeInput;
    const r = sampleSize(input);
    near(r.perArmExact, f.nPerArm, 1e-10);
    expect(r.perArm).toBe(Math.ceil(f.nPerArm));
    near(powerAt(input, 20000), f.powerAt20000, 1e-9);
    near(powerAt(input, r.perArmExact), 0.8, 1e-3);
  });
  it('rejects impossible inputs', () => {
    expect(() => sampleSize({ kind: 'proportion', baseline: 0.9, relativeMde: 0.2 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => sampleSize({ kind: 'mean', baseline: 1, sd: 1, relativeMde: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
