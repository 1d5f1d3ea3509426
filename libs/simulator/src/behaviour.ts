import type { Mulberry32 } from './prng.js';

export type SimEventType = 'impression' | 'click' | 'save' | 'apply' | 'dismiss';

export interface BehaviourParams {
  /** Click probability of an examined item at the top utility (ceiling). */
  maxClick: number;
  /** Logistic slope and midpoint of click-given-examination in utility. */
  clickSlope: number;
  clickMidpoint: number;
  /** Save / apply given a click: ceiling × logistic(utility − midpoint). */
  maxSave: number;
  saveMidpoint: number;
  maxApply: number;
  applyMidpoint: number;
  /** Dismiss given examined and not clicked: ceiling × logistic(−utility). */
  maxDismiss: number;
  /** Std. dev. of per-draw Gaussian noise added to the utility. */
  noise: number;
  /** Fatigue: click probability × exp(−impressions earlier that day / fatigueScale). */
  fatigueScale: number;
}

export const DEFAULT_BEHAVIOUR: BehaviourParams = {
  maxClick: 0.7,
  clickSlope: 1.3,
  clickMidpoint: 2.2,
  maxSave: 0.5,
  saveMidpoint: 2.5,
  maxApply: 0.6,
  applyMidpoint: 3,
  maxDismiss: 0.15,
  noise: 0.5,
  fatigueScale: 40,
};

export interface BehaviourEvent {
  type: SimEventType;
  /** 1-based rank in the shown list. */
  position: number;
  /** Milliseconds after the list was shown. */
  offsetMs: number;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** Position bias: probability that the item at 1-based `position` is examined. */
export function examinationProbability(position: number): number {
  return 1 / Math.log2(position + 1);
}

/** Probability of a click on an examined item of the given (noise-free) utility, before fatigue. */
export function clickProbability(u: number, p: BehaviourParams = DEFAULT_BEHAVIOUR): number {
  return p.maxClick * logistic(p.clickSlope * (u - p.clickMidpoint));
}

/**
 * The behaviour model: a candidate's response to one ranked list. Every shown item gets an impression;
 * an item is examined with probability 1/log2(position+1); an examined item is clicked with probability
 * maxClick·σ(slope·(u+ε−mid))·fatigue, ε ~ N(0, noise²), fatigue = exp(−impressionsEarlierToday/scale);
 * a click leads to a save and/or an apply with probabilities rising with utility; an examined, unclicked
 * item may be dismissed (more likely when the utility is low). All draws come from `rng`, in a fixed order.
 */
export function respondToList(utilities: readonly number[], impressionsEarlierToday: number, rng: Mulberry32, p: BehaviourParams = DEFAULT_BEHAVIOUR): BehaviourEvent[] {
  const events: BehaviourEvent[] = [];
  const fatigue = Math.exp(-impressionsEarlierToday / p.fatigueScale);
  for (let i = 0; i < utilities.length; i++) {
    const position = i + 1;
    events.push({ type: 'impression', position, offsetMs: 0 });
    // Draw everything for this position up front so the stream position never depends on outcomes.
    const rExamine = rng.next();
    const u = utilities[i]! + p.noise * rng.normal();
    const rClick = rng.next();
    const rSave = rng.next();
    const rApply = rng.next();
    const rDismiss = rng.next();
    const rTime = rng.next();
    if (rExamine >= examinationProbability(position)) continue;
    const clickAt = 3_000 + position * 2_000 + Math.floor(rTime * 20_000);
    if (rClick < clickProbability(u, p) * fatigue) {
      events.push({ type: 'click', position, offsetMs: clickAt });
      if (rSave < p.maxSave * logistic(u - p.saveMidpoint)) events.push({ type: 'save', position, offsetMs: clickAt + 30_000 });
      if (rApply < p.maxApply * logistic(1.2 * (u - p.applyMidpoint))) events.push({ type: 'apply', position, offsetMs: clickAt + 120_000 + Math.floor(rTime * 480_000) });
    } else if (rDismiss < p.maxDismiss * logistic(-u)) {
      events.push({ type: 'dismiss', position, offsetMs: clickAt });
    }
  }
  return events;
}
