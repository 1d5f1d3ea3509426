import { EvaluationError, evaluateEncoded, selfInformationFromCounts, type EncodedDataset, type Gain, type PerUserValues, type RankMetric, type TestUser } from '@app/evaluation';
import type { CandidateFeatures, CandidateQuery, Recommender } from '@app/recsys';

/** A loaded model with its id maps (database ids ↔ the model's indices). */
export interface RankableModel {
  recommender: Recommender;
  candidateIndex: ReadonlyMap<string, number>;
  jobIndex: ReadonlyMap<string, number>;
  numJobs: number;
}

/** A test user and its position in the evaluation's user order (ascending user id). */
export interface ShardUser extends TestUser {
  position: number;
}

export interface ShardSpec {
  ks: readonly number[];
  metrics: readonly RankMetric[];
  gain: Gain;
  excludeTraining: boolean;
  /** Reference time for job expiry (epoch ms): the temporal cut-off; absent: each user's first held-out time. */
  now?: number;
  /** Positive training interactions per job id (novelty). */
  itemPopularity?: Readonly<Record<string, number>>;
}

export interface ShardHooks {
  /** Features of a user the model was not trained on (null: unknown candidate). */
  features(userId: string): Promise<CandidateFeatures | null>;
  /** Called every `every` users and at the end; may throw to stop (cancellation, timeout). */
  onProgress(done: number, total: number): Promise<void>;
  every?: number;
}

/**
 * Ranks every user of a shard with the model and computes the per-user metrics. The item space is the model's
 * job indices, plus one index (numJobs) standing for every relevant job the model does not know: such a job can
 * never be ranked, so it counts against recall and the ideal DCG exactly as a job it ranked too low.
 * Per-user values depend only on the user, so any sharding merges to the single-shard result bit for bit.
 */
export async function evaluateShardUsers(model: RankableModel, users: readonly ShardUser[], spec: ShardSpec, hooks: ShardHooks): Promise<PerUserValues> {
  const maxK = Math.max(...spec.ks);
  const unknownItem = model.numJobs;
  const rankOffsets = new Int32Array(users.length + 1);
  const relOffsets = new Int32Array(users.length + 1);
  const rank: number[] = [];
  const rel: number[] = [];
  const grades: number[] = [];
  const every = hooks.every ?? 32;
  const toIndices = (ids: readonly string[]): number[] => {
    const out: number[] = [];
    for (const id of ids) {
      const j = model.jobIndex.get(id);
      if (j !== undefined) out.push(j);
    }
    return out;
  };
  for (let t = 0; t < users.length; t++) {
    const u = users[t]!;
    const index = model.candidateIndex.get(u.user);
    let query: CandidateQuery;
    if (index !== undefined) query = { index };
    else query = { features: (await hooks.features(u.user)) ?? { id: u.user }, history: toIndices(u.history) };
    const list = model.recommender.recommend(query, maxK, {
      now: (spec.now ?? u.firstTestAt) / 1000,
      applyPreferences: false,
      excludeTraining: spec.excludeTraining,
      ...(spec.excludeTraining ? { applied: toIndices(u.seen) } : {}),
    });
    for (const s of list) rank.push(s.job);
    rankOffsets[t + 1] = rank.length;
    for (const [item, grade] of u.relevant) {
      rel.push(model.jobIndex.get(item) ?? unknownItem);
      grades.push(grade);
    }
    relOffsets[t + 1] = rel.length;
    if ((t + 1) % every === 0 && t + 1 < users.length) await hooks.onProgress(t + 1, users.length);
  }
  const ds: EncodedDataset = {
    numUsers: users.length,
    numItems: model.numJobs + 1,
    rankOffsets,
    rankItems: Int32Array.from(rank),
    relOffsets,
    relItems: Int32Array.from(rel),
    relGrades: Float64Array.from(grades),
  };
  let selfInformation: Float64Array | undefined;
  if (spec.metrics.includes('novelty')) {
    const counts = new Float64Array(model.numJobs + 1);
    for (const [id, c] of Object.entries(spec.itemPopularity ?? {})) {
      const j = model.jobIndex.get(id);
      if (j !== undefined) counts[j] = c;
    }
    selfInformation = selfInformationFromCounts(counts);
  }
  const per = evaluateEncoded(ds, { ks: spec.ks, metrics: spec.metrics, gain: spec.gain, selfInformation, userName: (i) => users[i]!.user, itemName: (i) => String(i) });
  await hooks.onProgress(users.length, users.length);
  const positions = Int32Array.from(users, (u) => u.position);
  for (let i = 1; i < positions.length; i++) if (positions[i]! <= positions[i - 1]!) throw new EvaluationError('INVALID_INPUT', 'shard users must be in evaluation order');
  return { ...per, users: positions };
}
