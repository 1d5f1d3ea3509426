// Pure state, validation and API inputs of the experiment launch wizard (no React), unit-tested in wizard-data.spec.ts.
import { EXPERIMENT_METRICS } from '../api/types.js';

export interface WizardVariant {
  key: string;
  modelRef: string;
  /** Traffic share in percent (0–100); the API takes weights that sum to 1. */
  percent: number;
}

export interface WizardState {
  key: string;
  hypothesis: string;
  type: 'ab' | 'interleaving';
  variants: WizardVariant[];
  /** Share of eligible traffic in the experiment, percent. */
  coverage: number;
  primaryMetric: string;
  secondaryMetrics: string[];
  guardrailMetrics: string[];
  /** Sample-size calculator. */
  baselineRate: number;
  /** Relative minimum detectable effect, percent (5 = +5%). */
  mdePercent: number;
  power: number;
  alpha: number;
  /** Eligible units per day (for the duration estimate); null when unknown. */
  unitsPerDay: number | null;
  plannedDays: number | null;
}

export const WIZARD_STEPS = ['Name and hypothesis', 'Variants and traffic', 'Metrics', 'Sample size', 'Review and start'] as const;

export function initialWizardState(): WizardState {
  return {
    key: '',
    hypothesis: '',
    type: 'ab',
    variants: [
      { key: 'control', modelRef: '', percent: 50 },
      { key: 'treatment', modelRef: '', percent: 50 },
    ],
    coverage: 100,
    primaryMetric: 'click_rate',
    secondaryMetrics: ['apply_rate'],
    guardrailMetrics: ['dismiss_rate'],
    baselineRate: 0.05,
    mdePercent: 5,
    power: 0.8,
    alpha: 0.05,
    unitsPerDay: null,
    plannedDays: null,
  };
}

const KEY_RE = /^[a-z0-9][a-z0-9._-]{1,99}$/;
const MODEL_REF_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*(@[a-z][a-z0-9_-]*|\/\d+)$/;

export type WizardErrors = Record<string, string>;

/** Errors of one step (field → message); an empty object lets the wizard go on. */
export function validateStep(step: number, s: WizardState): WizardErrors {
  const e: WizardErrors = {};
  if (step === 0) {
    if (!KEY_RE.test(s.key)) e['key'] = 'Lowercase letters, digits, ".", "-" or "_" (2–100 characters), starting with a letter or digit.';
    if (s.hypothesis.trim().length < 10) e['hypothesis'] = 'State the hypothesis in a sentence (at least 10 characters).';
  }
  if (step === 1) {
    if (s.variants.length < 2) e['variants'] = 'At least two variants: a control and a treatment.';
    if (s.type === 'interleaving' && s.variants.length > 4) e['variants'] = 'Interleaving takes 2–4 variants.';
    const keys = new Set<string>();
    s.variants.forEach((v, i) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,49}$/.test(v.key)) e[`variant.${i}.key`] = 'Lowercase letters, digits, "-" or "_".';
      else if (keys.has(v.key)) e[`variant.${i}.key`] = `Variant "${v.key}" appears twice.`;
      keys.add(v.key);
      if (!MODEL_REF_RE.test(v.modelRef)) e[`variant.${i}.modelRef`] = 'Pick a registry model: name@alias or name/version.';
      if (s.type === 'ab' && (!Number.isFinite(v.percent) || v.percent <= 0 || v.percent > 100)) e[`variant.${i}.percent`] = 'A share between 0 and 100%.';
    });
    if (s.type === 'ab' && Math.abs(s.variants.reduce((sum, v) => sum + v.percent, 0) - 100) > 0.01) e['split'] = `The traffic split must add up to 100% (now ${trimNumber(s.variants.reduce((sum, v) => sum + v.percent, 0))}%).`;
    if (!Number.isFinite(s.coverage) || s.coverage <= 0 || s.coverage > 100) e['coverage'] = 'Coverage between 0 and 100%.';
  }
  if (step === 2) {
    if (!EXPERIMENT_METRICS[s.primaryMetric]) e['primaryMetric'] = 'Pick the primary metric.';
    for (const m of [...s.secondaryMetrics, ...s.guardrailMetrics]) if (!EXPERIMENT_METRICS[m]) e['metrics'] = `Unknown metric "${m}".`;
    if (s.guardrailMetrics.includes(s.primaryMetric)) e['guardrailMetrics'] = 'The primary metric cannot also be a guardrail.';
  }
  if (step === 3) {
    if (!(s.baselineRate > 0 && s.baselineRate < 1)) e['baselineRate'] = 'A baseline rate between 0 and 1 (e.g. 0.05 for 5%).';
    if (!(s.mdePercent > 0 && s.mdePercent <= 500)) e['mdePercent'] = 'A relative effect above 0% (e.g. 5 for +5%).';
    else if (s.baselineRate > 0 && s.baselineRate * (1 + s.mdePercent / 100) >= 1) e['mdePercent'] = 'Baseline × (1 + MDE) must stay below 100%.';
    if (!(s.power >= 0.5 && s.power < 1)) e['power'] = 'Power between 0.5 and 0.99.';
    if (!(s.alpha > 0 && s.alpha <= 0.2)) e['alpha'] = 'Alpha between 0 and 0.2.';
    if (s.unitsPerDay != null && !(s.unitsPerDay > 0)) e['unitsPerDay'] = 'Units per day above 0, or leave it empty.';
  }
  return e;
}

/** The first step with errors, or -1 when the whole wizard is valid. */
export function firstInvalidStep(s: WizardState): number {
  for (let i = 0; i < WIZARD_STEPS.length - 1; i++) if (Object.keys(validateStep(i, s)).length) return i;
  return -1;
}

function trimNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** Percent shares → weights that sum to exactly 1 (the last arm takes the rounding rest). */
export function weightsFromPercents(percents: readonly number[]): number[] {
  const w = percents.map((p) => Math.round(p * 100) / 10_000);
  if (w.length) w[w.length - 1] = Math.round((1 - w.slice(0, -1).reduce((a, b) => a + b, 0)) * 10_000) / 10_000;
  return w;
}

/** Equal shares for n arms in percent, summing to 100 with the rest on the last arm. */
export function evenSplit(n: number): number[] {
  const each = Math.floor((100 / n) * 100) / 100;
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? Math.round((100 - each * (n - 1)) * 100) / 100 : each));
}

/** The `sampleSize` query's input for a proportion metric. */
export function sampleSizeInput(s: Pick<WizardState, 'baselineRate' | 'mdePercent' | 'power' | 'alpha'>): Record<string, unknown> {
  return { kind: 'PROPORTION', baseline: s.baselineRate, relativeMde: s.mdePercent / 100, power: s.power, alpha: s.alpha };
}

/**
 * Days until every arm has `perArm` units: the smallest arm's share of the covered traffic decides. Null without a
 * traffic estimate. (Assumes new units each day; returning units make it longer.)
 */
export function estimatedDays(perArm: number, s: Pick<WizardState, 'variants' | 'coverage' | 'unitsPerDay' | 'type'>): number | null {
  if (!s.unitsPerDay || s.unitsPerDay <= 0 || perArm <= 0) return null;
  const covered = s.unitsPerDay * (s.coverage / 100);
  // Interleaving shows every arm to every unit.
  const smallest = s.type === 'interleaving' ? 1 : Math.min(...s.variants.map((v) => v.percent / 100));
  if (!(smallest > 0) || !(covered > 0)) return null;
  return Math.ceil(perArm / (covered * smallest));
}

/** The `createExperiment` input. */
export function toCreateInput(s: WizardState, plan: { perArm: number | null; days: number | null }): Record<string, unknown> {
  const weights = s.type === 'interleaving' ? s.variants.map(() => Math.round((1 / s.variants.length) * 10_000) / 10_000) : weightsFromPercents(s.variants.map((v) => v.percent));
  if (s.type === 'interleaving') weights[weights.length - 1] = Math.round((1 - weights.slice(0, -1).reduce((a, b) => a + b, 0)) * 10_000) / 10_000;
  return {
    key: s.key,
    hypothesis: s.hypothesis.trim(),
    type: s.type,
    coverage: Math.round(s.coverage * 100) / 10_000,
    variants: s.variants.map((v, i) => ({ key: v.key, modelRef: v.modelRef, weight: weights[i] })),
    primaryMetric: s.primaryMetric,
    secondaryMetrics: s.secondaryMetrics.filter((m) => m !== s.primaryMetric),
    guardrailMetrics: s.guardrailMetrics,
    ...(plan.perArm ? { plannedSampleSize: plan.perArm * s.variants.length } : {}),
    ...(plan.days ? { plannedDays: plan.days } : {}),
  };
}

/** Model references to offer for a variant: each model's aliases (name@alias), then its ready versions (name/3). */
export function modelRefOptions(models: ReadonlyArray<{ name: string; aliases: Array<{ alias: string; version: number }>; versions: Array<{ version: number; status: string }> }>): Array<{ ref: string; label: string }> {
  const out: Array<{ ref: string; label: string }> = [];
  for (const m of [...models].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const a of [...m.aliases].sort((x, y) => x.alias.localeCompare(y.alias))) out.push({ ref: `${m.name}@${a.alias}`, label: `${m.name}@${a.alias} (v${a.version})` });
    for (const v of [...m.versions].filter((x) => x.status === 'ready').sort((x, y) => y.version - x.version)) out.push({ ref: `${m.name}/${v.version}`, label: `${m.name}/${v.version}` });
  }
  return out;
}
