/**
 * Group-sequential boundaries by alpha spending (Lan & DeMets 1983) for a planned series of looks (e.g. daily):
 * the two-sided type I error α is spent as the information fraction t grows, with the O'Brien–Fleming-type
 * function α(t) = 2 − 2Φ(z_{1−α/2}/√t) or the Pocock-type α(t) = α ln(1 + (e − 1)t). Boundaries c_k on |Z_k| are
 * found one look at a time so that P(first crossing at look k | H0) = α(t_k) − α(t_{k−1}), by the recursive
 * numerical integration of Armitage, McPherson & Rowe (1969) over the score S_k = Z_k √t_k (independent normal
 * increments), on a grid (Jennison & Turnbull 2000, ch. 19). A boundary depends only on the looks so far, so it can be
 * computed at each peek. Unlike always-valid intervals, the error is exactly α for the planned looks (not ≤ α).
 */
import { normalCdf, normalQuantile } from './distributions.js';
import { checkAlpha } from './analysis.js';
import { StatisticsError } from './statistics.errors.js';

export type SpendingFunction = 'obrien-fleming' | 'pocock';

export function alphaSpent(t: number, alpha: number, spending: SpendingFunction): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return spending === 'pocock' ? alpha * Math.log(1 + (Math.E - 1) * t) : 2 - 2 * normalCdf(normalQuantile(1 - alpha / 2) / Math.sqrt(t));
}

const GRID = 400;

/** Φ(x) through Numerical Recipes' erfcc (fractional error < 1.2e-7): the integration calls it ~10⁶ times per boundary set. */
function fastPhi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - 0.5 * r : 0.5 * r;
}

/**
 * Two-sided z boundaries for looks at increasing information fractions (the last may be < 1; a look at t ≥ 1 spends
 * what is left). Returns one boundary per look.
 */
export function groupSequentialBoundaries(fractions: readonly number[], alpha = 0.05, spending: SpendingFunction = 'obrien-fleming'): number[] {
  checkAlpha(alpha);
  let prevT = 0;
  for (const t of fractions) {
    if (!(t > prevT)) throw new StatisticsError('INVALID_INPUT', `information fractions must increase and be positive, got ${fractions.join(', ')}`);
    prevT = t;
  }
  const out: number[] = [];
  // density of S_{k} on the continuation region, as values on a uniform grid
  let xs: Float64Array | null = null, dens: Float64Array | null = null, h = 0;
  let spentBefore = 0;
  prevT = 0;
  for (const t of fractions) {
    const target = alphaSpent(Math.min(1, t), alpha, spending) - spentBefore;
    const sd = Math.sqrt(t - prevT);
    // crossing probability at this look for boundary c (on Z), given the density so far
    const crossing = (c: number): number => {
      const b = c * Math.sqrt(t);
      if (!xs) return 2 * normalCdf(-b / sd);
      let p = 0;
      for (let i = 0; i < xs.length; i++) {
        const u = xs[i]!;
        p += (i === 0 || i === xs.length - 1 ? 0.5 : 1) * dens![i]! * (fastPhi((-b - u) / sd) + fastPhi((u - b) / sd));
      }
      return p * h;
    };
    let c: number;
    if (target <= 1e-15) c = 40;
    else {
      let lo = 0, hi = 40;
      for (let it = 0; it < 50; it++) {
        const mid = 0.5 * (lo + hi);
        if (crossing(mid) > target) lo = mid;
        else hi = mid;
      }
      c = 0.5 * (lo + hi);
    }
    out.push(c);
    spentBefore += Math.min(target, crossing(c));
    // propagate the density to this look's continuation region (−c√t, c√t)
    const b = Math.min(c, 12) * Math.sqrt(t);
    const nx = new Float64Array(GRID + 1), nd = new Float64Array(GRID + 1);
    const nh = (2 * b) / GRID;
    for (let j = 0; j <= GRID; j++) {
      const s = -b + j * nh;
      nx[j] = s;
      if (!xs) nd[j] = Math.exp(-0.5 * (s / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
      else {
        let acc = 0;
        for (let i = 0; i < xs.length; i++) {
          const w = i === 0 || i === xs.length - 1 ? 0.5 : 1; // trapezoid
          acc += w * dens![i]! * Math.exp(-0.5 * ((s - xs[i]!) / sd) ** 2);
        }
        nd[j] = (acc * h) / (sd * Math.sqrt(2 * Math.PI));
      }
    }
    xs = nx;
    dens = nd;
    h = nh;
    prevT = t;
  }
  return out;
}
