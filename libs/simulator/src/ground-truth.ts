import { clickProbability, DEFAULT_BEHAVIOUR, examinationProbability, type BehaviourParams } from './behaviour.js';
import { utility, type CandidateTruth, type JobTruth } from './utility.js';

/**
 * Graded relevance of a job for a candidate when rankings are scored against the ground truth: the probability
 * that the behaviour model clicks the job once it is examined, from the noise-free utility and without fatigue
 * (`maxClick·σ(clickSlope·(u − clickMidpoint))`, 0.7·σ(1.3·(u − 2.2)) by default). NDCG's discount
 * 1/log2(position + 1) is exactly the simulator's examination probability, so with this gain DCG@k is the
 * expected number of clicks on the top k (noise-free) and NDCG@k the share of the best attainable expected clicks.
 */
export function truthGain(c: CandidateTruth, j: JobTruth, p: BehaviourParams = DEFAULT_BEHAVIOUR): number {
  return clickProbability(utility(c, j), p);
}

/**
 * NDCG@k with linear gains: `ranking` lists indices into `gains` (the pool) best first; IDCG is the DCG of the pool's
 * k largest gains. Positions 1-based, discount 1/log2(position + 1). Returns null when the pool has no positive gain.
 */
export function gradedNdcg(ranking: ArrayLike<number>, gains: ArrayLike<number>, k: number): number | null {
  let dcg = 0;
  for (let r = 0; r < Math.min(k, ranking.length); r++) dcg += gains[ranking[r]!]! * examinationProbability(r + 1);
  const best = Array.from(gains).sort((a, b) => b - a);
  let idcg = 0;
  for (let r = 0; r < Math.min(k, best.length); r++) idcg += best[r]! * examinationProbability(r + 1);
  return idcg > 0 ? dcg / idcg : null;
}

/** Binary gains: 1 for the `n` highest values of `values` (ties by smaller index), 0 otherwise. */
export function topNIndicator(values: ArrayLike<number>, n: number): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const out = new Float64Array(values.length);
  for (let r = 0; r < Math.min(n, order.length); r++) out[order[r]!] = 1;
  return out;
}
