import { describe, expect, it } from '@jest/globals';
import { estimatedDays, evenSplit, firstInvalidStep, initialWizardState, modelRefOptions, sampleSizeInput, toCreateInput, validateStep, weightsFromPercents, type WizardState } from './wizard-data.js';

const valid = (): WizardState => ({
  ...initialWizardState(),
  key: 'als-vs-pop',
  hypothesis: 'ALS beats popularity on click rate',
  variants: [
    { key: 'control', modelRef: 'pop@champion', percent: 50 },
    { key: 'treatment', modelRef: 'als/1', percent: 50 },
  ],
});

describe('launch wizard', () => {
  it('validates each step and names the fields in error', () => {
    const s = initialWizardState();
    expect(Object.keys(validateStep(0, s)).sort()).toEqual(['hypothesis', 'key']);
    expect(validateStep(0, { ...s, key: 'Bad Key' })['key']).toMatch(/Lowercase/);
    expect(validateStep(0, valid())).toEqual({});
    expect(Object.keys(validateStep(1, s)).sort()).toEqual(['variant.0.modelRef', 'variant.1.modelRef']);
    const split = validateStep(1, { ...valid(), variants: [{ key: 'control', modelRef: 'pop@champion', percent: 60 }, { key: 'control', modelRef: 'pop', percent: 30 }] });
    expect(split).toEqual({
      'variant.1.key': 'Variant "control" appears twice.',
      'variant.1.modelRef': 'Pick a registry model: name@alias or name/version.',
      split: 'The traffic split must add up to 100% (now 90%).',
    });
    expect(validateStep(1, { ...valid(), variants: valid().variants.slice(0, 1) })['variants']).toMatch(/two variants/);
    expect(validateStep(1, { ...valid(), coverage: 0 })['coverage']).toBeDefined();
    expect(validateStep(2, { ...valid(), primaryMetric: 'revenue' })['primaryMetric']).toBeDefined();
    expect(validateStep(2, { ...valid(), guardrailMetrics: ['click_rate'] })['guardrailMetrics']).toBeDefined();
    expect(validateStep(3, { ...valid(), baselineRate: 0.6, mdePercent: 80 })['mdePercent']).toBe('Baseline × (1 + MDE) must stay below 100%.');
    expect(Object.keys(validateStep(3, { ...valid(), baselineRate: 0, power: 1, alpha: 0.5, unitsPerDay: -1 })).sort()).toEqual(['alpha', 'baselineRate', 'power', 'unitsPerDay']);
    expect(firstInvalidStep(s)).toBe(0);
    expect(firstInvalidStep({ ...valid(), primaryMetric: 'x' })).toBe(2);
    expect(firstInvalidStep(valid())).toBe(-1);
  });

  it('turns percent shares into weights summing to one', () => {
    expect(weightsFromPercents([50, 50])).toEqual([0.5, 0.5]);
    expect(weightsFromPercents([33.33, 33.33, 33.34])).toEqual([0.3333, 0.3333, 0.3334]);
    expect(evenSplit(3)).toEqual([33.33, 33.33, 33.34]);
    expect(evenSplit(2)).toEqual([50, 50]);
    expect(evenSplit(3).reduce((a, b) => a + b, 0)).toBeCloseTo(100, 10);
  });

  it('builds the sampleSize input and estimates the duration from the smallest arm of the covered traffic', () => {
    expect(sampleSizeInput({ baselineRate: 0.05, mdePercent: 10, power: 0.8, alpha: 0.05 })).toEqual({ kind: 'PROPORTION', baseline: 0.05, relativeMde: 0.1, power: 0.8, alpha: 0.05 });
    const s = { ...valid(), unitsPerDay: 1000, coverage: 50 };
    // 500 covered units a day, 250 per arm: 31,234 per arm → 125 days.
    expect(estimatedDays(31_234, s)).toBe(125);
    expect(estimatedDays(1000, { ...s, variants: [{ key: 'a', modelRef: 'm/1', percent: 80 }, { key: 'b', modelRef: 'm/2', percent: 20 }] })).toBe(10);
    expect(estimatedDays(1000, { ...s, type: 'interleaving' })).toBe(2);
    expect(estimatedDays(1000, { ...s, unitsPerDay: null })).toBeNull();
  });

  it('builds the createExperiment input with weights, coverage and the plan', () => {
    expect(toCreateInput({ ...valid(), coverage: 80, secondaryMetrics: ['click_rate', 'apply_rate'] }, { perArm: 1500, days: 14 })).toEqual({
      key: 'als-vs-pop',
      hypothesis: 'ALS beats popularity on click rate',
      type: 'ab',
      coverage: 0.8,
      variants: [{ key: 'control', modelRef: 'pop@champion', weight: 0.5 }, { key: 'treatment', modelRef: 'als/1', weight: 0.5 }],
      primaryMetric: 'click_rate',
      secondaryMetrics: ['apply_rate'],
      guardrailMetrics: ['dismiss_rate'],
      plannedSampleSize: 3000,
      plannedDays: 14,
    });
    const inter = toCreateInput({ ...valid(), type: 'interleaving', variants: [...valid().variants, { key: 'c', modelRef: 'x/1', percent: 0 }] }, { perArm: null, days: null });
    expect(inter['variants']).toEqual([{ key: 'control', modelRef: 'pop@champion', weight: 0.3333 }, { key: 'treatment', modelRef: 'als/1', weight: 0.3333 }, { key: 'c', modelRef: 'x/1', weight: 0.3334 }]);
    expect(inter).not.toHaveProperty('plannedDays');
  });

  it('offers each model by alias, then by ready version, newest first', () => {
    const models = [
      { name: 'pop', aliases: [{ alias: 'champion', version: 1 }], versions: [{ version: 1, status: 'ready' }, { version: 2, status: 'ready' }, { version: 3, status: 'archived' }] },
      { name: 'als', aliases: [], versions: [{ version: 1, status: 'ready' }] },
    ];
    expect(modelRefOptions(models).map((o) => o.ref)).toEqual(['als/1', 'pop@champion', 'pop/2', 'pop/1']);
    expect(modelRefOptions(models)[1]!.label).toBe('pop@champion (v1)');
  });
});
