import type { InteractionType, TrainingSnapshot } from './types.js';

/** Build a snapshot from [candidate, job] pairs (time = position, weight 1). Test helper. */
export function snapshotOf(numCandidates: number, numJobs: number, pairs: [number, number][], extra: Partial<TrainingSnapshot> = {}, types?: InteractionType[]): TrainingSnapshot {
  return {
    numCandidates, numJobs,
    interactions: {
      candidate: Int32Array.from(pairs, (p) => p[0]),
      job: Int32Array.from(pairs, (p) => p[1]),
      weight: Float32Array.from(pairs, () => 1),
      time: Float64Array.from(pairs, (_, i) => i),
      type: types,
    },
    ...extra,
  };
}
