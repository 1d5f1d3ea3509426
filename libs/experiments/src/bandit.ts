/**
 * Bandit experiments (pure; no Nest, no SQL). Arms are the experiment's variants. Traffic is allocated by Thompson
 * sampling: each arm's reward rate (a served list with at least one `reward` interaction) has a Beta(1 + rewarded
 * lists, 1 + unrewarded lists) posterior; the allocation of an epoch is the Monte Carlo probability that each arm is
 * best (seeded by murmur3("thompson:" phase seed ":" epoch), so it can be recomputed bit for bit from the stored
 * counts), floored so that every live arm keeps at least `explorationFloor` and renormalised. Epoch 0 of a phase
 * allocates by the configured weights (floored); each refresh opens the next epoch.
 *
 * A unit's arm in an epoch: u = murmur3("bandit:" phase seed ":" epoch ":" unit) / 2³², the first arm whose cumulative
 * probability exceeds u. Within an epoch a unit keeps its arm; across epochs it is drawn afresh (it may move), so the
 * served arm's probability in that epoch — the propensity logged with every list — is exactly the arm's allocation.
 */
import { floorAllocation, probabilityBest } from '@app/statistics';
import { murmur3_32 } from './murmur3.js';

export const BANDIT_REWARDS = ['click', 'apply', 'save'] as const;
export type BanditReward = (typeof BANDIT_REWARDS)[number];

export interface BanditConfig {
  /** Minimum share of traffic every live arm keeps, in (0, 1/arms). Required. */
  explorationFloor: number;
  /** The interaction that makes a served list a success. Default click. */
  reward: BanditReward;
  /** The worker recomputes the allocation when the latest epoch is this old (minutes). Default 60. */
  refreshMinutes: number;
  /** Monte Carlo draws for P(best). Default 10,000. */
  samples: number;
}

export const BANDIT_DEFAULTS = { reward: 'click' as BanditReward, refreshMinutes: 60, samples: 10_000 };

export type BanditProblem = { code: 'EXPLORATION_FLOOR_REQUIRED' | 'INVALID_EXPLORATION_FLOOR' | 'INVALID_INPUT'; message: string; details?: Record<string, unknown> };

/** Validates a bandit config for `arms` live arms; returns the first problem or the completed config. */
export function checkBanditConfig(input: Partial<BanditConfig> | null | undefined, arms: number): BanditProblem | BanditConfig {
  const floor = input?.explorationFloor;
  if (floor === undefined || floor === null) {
    return { code: 'EXPLORATION_FLOOR_REQUIRED', message: 'a bandit experiment needs an explorationFloor: the minimum share of traffic every arm keeps (e.g. 0.05)', details: { field: 'explorationFloor' } };
  }
  const max = 1 / arms;
  if (!(Number.isFinite(floor) && floor > 0 && floor < max)) {
    return { code: 'INVALID_EXPLORATION_FLOOR', message: `explorationFloor ${floor} must lie in (0, 1/${arms}) = (0, ${max.toFixed(4)}) for ${arms} arms`, details: { field: 'explorationFloor', value: floor, arms, max } };
  }
  const reward = input?.reward ?? BANDIT_DEFAULTS.reward;
  if (!(BANDIT_REWARDS as readonly string[]).includes(reward)) return { code: 'INVALID_INPUT', message: `bandit reward must be ${BANDIT_REWARDS.join(', ')}; got "${reward}"`, details: { field: 'reward' } };
  const refreshMinutes = input?.refreshMinutes ?? BANDIT_DEFAULTS.refreshMinutes;
  if (!(Number.isInteger(refreshMinutes) && refreshMinutes >= 1 && refreshMinutes <= 10_080)) return { code: 'INVALID_INPUT', message: `refreshMinutes must be an integer from 1 to 10080, got ${refreshMinutes}`, details: { field: 'refreshMinutes' } };
  const samples = input?.samples ?? BANDIT_DEFAULTS.samples;
  if (!(Number.isInteger(samples) && samples >= 1000 && samples <= 200_000)) return { code: 'INVALID_INPUT', message: `samples must be an integer from 1000 to 200000, got ${samples}`, details: { field: 'samples' } };
  return { explorationFloor: floor, reward, refreshMinutes, samples };
}

export function isBanditProblem(x: BanditProblem | BanditConfig): x is BanditProblem {
  return 'code' in x;
}

export interface ArmCounts {
  /** Lists served by the arm (with a logged propensity). */
  trials: number;
  /** Of those, lists with at least one reward interaction. */
  successes: number;
}

export interface ArmAllocation {
  variant: string;
  /** Serving probability in this epoch (0 for a killed arm). */
  probability: number;
  /** Monte Carlo P(best) before the floor (null for epoch 0 and killed arms). */
  probabilityBest: number | null;
  trials: number;
  successes: number;
  /** Beta posterior parameters (prior Beta(1, 1)). */
  alpha: number;
  beta: number;
}

/** The 32-bit seed of an epoch's Monte Carlo. */
export function thompsonSeed(phaseSeed: string, epoch: number): number {
  return murmur3_32(`thompson:${phaseSeed}:${epoch}`);
}

/** A unit's uniform draw in [0, 1) for an epoch. */
export function banditUnitDraw(phaseSeed: string, epoch: number, unitId: string): number {
  return murmur3_32(`bandit:${phaseSeed}:${epoch}:${unitId}`) / 4294967296;
}

/** The arm index for a draw u in [0, 1): the first whose cumulative probability exceeds u (skipping zero arms). */
export function pickArm(probabilities: readonly number[], u: number): number {
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probabilities.length; i++) {
    if (!(probabilities[i]! > 0)) continue;
    cumulative += probabilities[i]!;
    last = i;
    if (u < cumulative) return i;
  }
  return last; // rounding: cumulative summed to just under 1
}

/**
 * The allocation of an epoch from the logged counts: Thompson P(best) over live arms, floored; killed arms get 0.
 * `initialWeights` (epoch 0) replaces P(best) by the configured weights (renormalised over live arms, floored).
 */
export function computeAllocation(input: {
  variants: readonly string[];
  killed?: readonly string[];
  counts: Readonly<Record<string, ArmCounts>>;
  floor: number;
  samples: number;
  seed: number;
  initialWeights?: readonly number[] | null;
}): ArmAllocation[] {
  const live = input.variants.map((v, i) => ({ v, i })).filter((x) => !input.killed?.includes(x.v));
  const posterior = input.variants.map((v) => {
    const c = input.counts[v] ?? { trials: 0, successes: 0 };
    return { trials: c.trials, successes: c.successes, alpha: 1 + c.successes, beta: 1 + Math.max(0, c.trials - c.successes) };
  });
  let best: number[] | null = null;
  let base: number[];
  if (input.initialWeights) {
    base = live.map((x) => Math.max(0, input.initialWeights![x.i] ?? 0));
    if (!(base.reduce((s, v) => s + v, 0) > 0)) base = live.map(() => 1);
  } else {
    best = probabilityBest(live.map((x) => posterior[x.i]!), input.samples, input.seed);
    base = best;
  }
  // A floor that no longer fits (arms were killed) degrades to an even split of the live arms.
  const floored = floorAllocation(base, Math.min(input.floor, 1 / live.length));
  const out: ArmAllocation[] = input.variants.map((v, i) => ({ variant: v, probability: 0, probabilityBest: null, ...posterior[i]! }));
  live.forEach((x, j) => {
    out[x.i]!.probability = floored[j]!;
    out[x.i]!.probabilityBest = best ? best[j]! : null;
  });
  return out;
}
