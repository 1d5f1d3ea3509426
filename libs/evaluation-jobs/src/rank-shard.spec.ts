import { describe, expect, it } from '@jest/globals';
import { mergePerUser, partitionUsers, SeededRandom } from '@app/evaluation';
import { fitRecommender, type TrainingSnapshot } from '@app/recsys';
import { evaluateShardUsers, type RankableModel, type ShardUser } from './rank-shard.js';

async function model(): Promise<RankableModel> {
  const rng = new SeededRandom(3);
  const pairs = Array.from({ length: 300 }, () => [rng.int(30), rng.int(40)] as const);
  const snapshot: TrainingSnapshot = {
    numCandidates: 30,
    numJobs: 40,
    interactions: { candidate: Int32Array.from(pairs, (p) => p[0]), job: Int32Array.from(pairs, (p) => p[1]), weight: Float32Array.from(pairs, () => 1), time: Float64Array.from(pairs, (_, i) => i) },
  };
  const recommender = await fitRecommender('item-knn', snapshot, {});
  return {
    recommender,
    candidateIndex: new Map(Array.from({ length: 30 }, (_, i) => [`c${i}`, i])),
    jobIndex: new Map(Array.from({ length: 40 }, (_, j) => [`j${j}`, j])),
    numJobs: 40,
  };
}

function users(): ShardUser[] {
  const rng = new SeededRandom(9);
  // c0..c29 are known to the model, n0..n4 are not (ranked from features and history).
  const ids = [...Array.from({ length: 30 }, (_, i) => `c${i}`), ...Array.from({ length: 5 }, (_, i) => `n${i}`)];
  return ids.map((user, position) => ({
    user,
    position,
    relevant: [...new Set(Array.from({ length: 1 + rng.int(4) }, () => `j${rng.int(40)}`))].sort().map((j) => [j, 1 + rng.int(3)] as [string, number]),
    seen: [`j${rng.int(40)}`],
    history: [`j${rng.int(40)}`],
    firstTestAt: 1000,
  }));
}

const spec = { ks: [5, 10], metrics: ['precision', 'recall', 'map', 'ndcg', 'mrr', 'hit_rate', 'novelty'] as const, gain: 'linear' as const, excludeTraining: true, itemPopularity: { j1: 5, j2: 1 } };
const hooks = (asked: string[] = []) => ({ features: async (id: string) => (asked.push(id), { id, skills: [] }), onProgress: async () => undefined, every: 4 });

describe('ranking and scoring one shard', () => {
  it('any sharding merges to the single-shard values bit for bit', async () => {
    const m = await model();
    const all = users();
    const asked: string[] = [];
    const single = await evaluateShardUsers(m, all, spec, hooks(asked));
    expect(asked).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    for (const n of [2, 3, 7]) {
      const parts = await Promise.all(partitionUsers(all.map((u) => u.user), n).map((positions) => evaluateShardUsers(m, Array.from(positions, (p) => all[p]!), spec, hooks())));
      const merged = mergePerUser(parts);
      expect(Buffer.from(merged.values.buffer).equals(Buffer.from(single.values.buffer))).toBe(true);
      expect(Array.from(merged.users)).toEqual(Array.from(single.users));
      expect(Array.from(merged.bestPosition)).toEqual(Array.from(single.bestPosition));
    }
  });

  it('a relevant job the model does not know is a miss, and the seen items are never ranked', async () => {
    const m = await model();
    const u: ShardUser = { user: 'c1', position: 0, relevant: [['gone', 3]], seen: [], history: [], firstTestAt: 0 };
    const per = await evaluateShardUsers(m, [u], { ...spec, metrics: ['recall', 'ndcg'] }, hooks());
    expect(Array.from(per.values)).toEqual([0, 0, 0, 0]);
    const top = m.recommender.recommend(1, 1, { now: 0, applyPreferences: false })[0]!.job;
    const seen: ShardUser = { ...u, relevant: [[`j${top}`, 1]], seen: [`j${top}`] };
    const hit = await evaluateShardUsers(m, [{ ...seen, seen: [] }], { ...spec, metrics: ['hit_rate'], ks: [1] }, hooks());
    const excluded = await evaluateShardUsers(m, [seen], { ...spec, metrics: ['hit_rate'], ks: [1] }, hooks());
    expect([hit.values[0], excluded.values[0]]).toEqual([1, 0]);
  });

  it('reports progress and stops when the hook throws (cancellation)', async () => {
    const m = await model();
    const seen: number[] = [];
    await expect(evaluateShardUsers(m, users(), spec, { ...hooks(), onProgress: async (done) => { seen.push(done); if (done >= 8) throw new Error('stop'); } })).rejects.toThrow('stop');
    expect(seen).toEqual([4, 8]);
  });
});
