/**
 * Power and sample size for a two-arm test of the absolute difference (two-sided z approximation, equal arms):
 * n per arm = (z_{1−α/2} + z_{power})² (σ_C² + σ_T²) / δ². Power for n per arm = Φ(|δ|/√((σ_C²+σ_T²)/n) − z_{1−α/2})
 * + Φ(−|δ|/√(…) − z_{1−α/2}). Variances per metric type: proportion p(1−p); mean sd² (same in both arms);
 * ratio metric the delta-method unit variance (s_M² − 2r s_MD + r² s_D²)/m_D² with r = m_M/m_D, the treatment
 * arm's numerator scaled by (1 + MDE) (GrowthBook issue #184: power analysis for ratio metrics).
 */
import { normalCdf, normalQuantile } from './distributions.js';
import { checkAlpha } from './analysis.js';
import { StatisticsError } from './statistics.errors.js';

export type SampleSizeInput =
  | { kind: 'proportion'; baseline: number; relativeMde: number; alpha?: number; power?: number }
  | { kind: 'mean'; baseline: number; sd: number; relativeMde: number; alpha?: number; power?: number }
  | {
      kind: 'ratio';
      /** Per-unit means, variances and covariance of numerator and denominator (from a pre-period). */
      meanNumerator: number;
      meanDenominator: number;
      varNumerator: number;
      varDenominator: number;
      covariance: number;
      relativeMde: number;
      alpha?: number;
      power?: number;
    };

export interface SampleSizeResult {
  /** Units per arm (rounded up) and the exact real-valued figure. */
  perArm: number;
  perArmExact: number;
  total: number;
  /** Absolute effect detected and the per-unit variances used. */
  absoluteMde: number;
  varianceControl: number;
  varianceTreatment: number;
  alpha: number;
  power: number;
}

export function armVariances(input: SampleSizeInput): { vc: number; vt: number; delta: number } {
  if (!(input.relativeMde !== 0 && Number.isFinite(input.relativeMde))) throw new StatisticsError('INVALID_INPUT', 'relativeMde must be a non-zero number');
  switch (input.kind) {
    case 'proportion': {
      const p0 = input.baseline, p1 = p0 * (1 + input.relativeMde);
      if (!(p0 > 0 && p0 < 1) || !(p1 > 0 && p1 < 1)) throw new StatisticsError('INVALID_INPUT', 'baseline and baseline × (1 + relativeMde) must lie in (0, 1)');
      return { vc: p0 * (1 - p0), vt: p1 * (1 - p1), delta: p1 - p0 };
    }
    case 'mean': {
      if (!(input.sd > 0) || input.baseline === 0) throw new StatisticsError('INVALID_INPUT', 'sd must be positive and baseline non-zero');
      return { vc: input.sd ** 2, vt: input.sd ** 2, delta: input.baseline * input.relativeMde };
    }
    case 'ratio': {
      const { meanNumerator: mM, meanDenominator: mD, varNumerator: sM, varDenominator: sD, covariance: sMD } = input;
      if (!(mD > 0) || !(sM >= 0) || !(sD >= 0)) throw new StatisticsError('INVALID_INPUT', 'ratio inputs need a positive mean denominator and non-negative variances');
      const unitVar = (m: number, vm: number, cmd: number) => {
        const r = m / mD;
        return Math.max(0, (vm - 2 * r * cmd + r * r * sD) / (mD * mD));
      };
      const k = 1 + input.relativeMde;
      return { vc: unitVar(mM, sM, sMD), vt: unitVar(mM * k, sM * k * k, sMD * k), delta: (mM / mD) * input.relativeMde };
    }
    default:
      throw new StatisticsError('INVALID_INPUT', `unknown metric kind`);
  }
}

export function sampleSize(input: SampleSizeInput): SampleSizeResult {
  const alpha = input.alpha ?? 0.05, power = input.power ?? 0.8;
  checkAlpha(alpha);
  if (!(power > 0 && power < 1)) throw new StatisticsError('INVALID_INPUT', `power must lie in (0, 1), got ${power}`);
  const { vc, vt, delta } = armVariances(input);
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  const exact = (z * z * (vc + vt)) / (delta * delta);
  const perArm = Math.ceil(exact);
  return { perArm, perArmExact: exact, total: 2 * perArm, absoluteMde: delta, varianceControl: vc, varianceTreatment: vt, alpha, power };
}

/** Power of the two-sided test with `perArm` units in each arm. */
export function powerAt(input: SampleSizeInput, perArm: number): number {
  const alpha = input.alpha ?? 0.05;
  checkAlpha(alpha);
  if (!(perArm > 1)) throw new StatisticsError('INVALID_INPUT', `perArm must exceed 1, got ${perArm}`);
  const { vc, vt, delta } = armVariances(input);
  const zc = normalQuantile(1 - alpha / 2);
  const ncp = Math.abs(delta) / Math.sqrt((vc + vt) / perArm);
  return normalCdf(ncp - zc) + normalCdf(-ncp - zc);
}
