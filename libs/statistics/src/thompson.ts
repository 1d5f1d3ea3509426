/**
 * Thompson sampling for Bernoulli rewards (pure): Beta posteriors, the Monte Carlo probability that each arm is the
 * best, and an exploration floor.
 *
 * Each arm's reward rate has a Beta(α, β) posterior (prior Beta(1, 1) + successes and failures). Thompson sampling
 * serves arm a with probability P(a is best | data); we estimate it by drawing `draws` joint samples from the
 * posteriors (seeded, so the same counts and seed give the same probabilities bit for bit) and counting how often each
 * arm's draw is the largest (ties: the lowest index). `floorAllocation` then guarantees every arm a minimum share by
 * water-filling: arms below the floor are raised to it and the remaining mass is shared among the others in
 * proportion to their probabilities, repeated until no arm is below the floor. Gamma draws: Marsaglia & Tsang (2000).
 */
import { SeededRng } from './rng.js';
import { StatisticsError } from './statistics.errors.js';

export interface BetaPosterior {
  alpha: number;
  beta: number;
}

/** Gamma(shape, 1) draw (Marsaglia–Tsang; shape < 1 by the boost Gamma(shape+1)·U^(1/shape)). */
export function sampleGamma(rng: SeededRng, shape: number): number {
  if (!(shape > 0)) throw new StatisticsError('INVALID_INPUT', `gamma shape must be > 0, got ${shape}`);
  if (shape < 1) return sampleGamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(rng: SeededRng, alpha: number, beta: number): number {
  const x = sampleGamma(rng, alpha);
  const y = sampleGamma(rng, beta);
  return x / (x + y);
}

/** Monte Carlo P(arm i has the highest reward rate) under independent Beta posteriors. */
export function probabilityBest(posteriors: readonly BetaPosterior[], draws: number, seed: number): number[] {
  if (posteriors.length === 0) throw new StatisticsError('INVALID_INPUT', 'no arms');
  if (!(Number.isInteger(draws) && draws >= 1 && draws <= 1_000_000)) throw new StatisticsError('INVALID_INPUT', `draws must be an integer in [1, 1000000], got ${draws}`);
  for (const p of posteriors) if (!(p.alpha > 0 && p.beta > 0)) throw new StatisticsError('INVALID_INPUT', `Beta parameters must be > 0, got (${p.alpha}, ${p.beta})`);
  if (posteriors.length === 1) return [1];
  const rng = new SeededRng(seed);
  const wins = new Float64Array(posteriors.length);
  for (let d = 0; d < draws; d++) {
    let best = 0, bestValue = -1;
    for (let i = 0; i < posteriors.length; i++) {
      const v = sampleBeta(rng, posteriors[i]!.alpha, posteriors[i]!.beta);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    wins[best]! += 1;
  }
  return Array.from(wins, (w) => w / draws);
}

/**
 * Every share at least `floor`, summing to 1, otherwise as close to `p` as proportional scaling allows. Needs
 * 0 < floor ≤ 1/k for k arms (at 1/k the result is uniform).
 */
export function floorAllocation(p: readonly number[], floor: number): number[] {
  const k = p.length;
  if (k === 0) throw new StatisticsError('INVALID_INPUT', 'no arms');
  if (!(floor >= 0 && floor * k <= 1 + 1e-12)) throw new StatisticsError('INVALID_INPUT', `a floor of ${floor} cannot hold for ${k} arms (needs floor ≤ 1/${k})`);
  const sum = p.reduce((s, v) => s + v, 0);
  if (!(sum > 0) || p.some((v) => !(v >= 0))) throw new StatisticsError('INVALID_INPUT', 'probabilities must be ≥ 0 with a positive sum');
  const pinned = new Array<boolean>(k).fill(false);
  let out = p.map((v) => v / sum);
  for (;;) {
    const free = out.map((_, i) => i).filter((i) => !pinned[i]);
    const freeMass = 1 - floor * (k - free.length);
    const freeSum = free.reduce((s, i) => s + p[i]!, 0);
    out = out.map((_, i) => (pinned[i] ? floor : freeSum > 0 ? (freeMass * p[i]!) / freeSum : freeMass / free.length));
    const low = free.filter((i) => out[i]! < floor - 1e-15);
    if (low.length === 0) return out;
    for (const i of low) pinned[i] = true;
  }
}

/**
 * P(X > Y) for independent X ~ Beta(a1, b1), Y ~ Beta(a2, b2) with integer a2 (exact; Evan Miller's formula
 * Σ_{i<a2} B(a1+i, b1+b2) / ((b2+i) B(1+i, b2) B(a1, b1))). A reference for the Monte Carlo above.
 */
export function probabilityBetaGreater(a1: number, b1: number, a2: number, b2: number, logBeta: (a: number, b: number) => number): number {
  if (!Number.isInteger(a2) || a2 < 1) throw new StatisticsError('INVALID_INPUT', `a2 must be a positive integer, got ${a2}`);
  let total = 0;
  for (let i = 0; i < a2; i++) total += Math.exp(logBeta(a1 + i, b1 + b2) - Math.log(b2 + i) - logBeta(1 + i, b2) - logBeta(a1, b1));
  // The formula gives P(Y > X); the complement is P(X > Y) (ties have probability 0).
  return 1 - total;
}
