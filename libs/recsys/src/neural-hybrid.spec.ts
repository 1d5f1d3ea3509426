import { describe, expect, it } from '@jest/globals';
import { fitRecommender, loadRecommender, type HybridRecommender, type TrainingSnapshot, type TwoTowerRecommender } from './index.js';
import { rng } from './linalg.js';

/** Two skill groups: candidates with "python" skills consume python jobs, "nursing" candidates nursing jobs. Jobs 20..23 are new. */
function market(): TrainingSnapshot {
  const r = rng(3);
  const jobs = Array.from({ length: 24 }, (_, j) => (j % 2 === 0
    ? { id: `j${j}`, title: 'Python developer', skills: ['python', 'django', `py-extra-${j}`] }
    : { id: `j${j}`, title: 'Ward nurse', skills: ['patient care', 'triage', `care-extra-${j}`] }));
  const candidates = Array.from({ length: 30 }, (_, u) => (u % 2 === 0 ? { id: `c${u}`, skills: ['python', 'django'], desiredTitles: ['python developer'] } : { id: `c${u}`, skills: ['patient care', 'triage'], desiredTitles: ['nurse'] }));
  const pairs: [number, number][] = [];
  for (let u = 0; u < 30; u++) for (let j = 0; j < 20; j++) if (j % 2 === u % 2 && r() < 0.5) pairs.push([u, j]);
  return {
    numCandidates: 30, numJobs: 24, jobs, candidates,
    interactions: { candidate: Int32Array.from(pairs, (p) => p[0]), job: Int32Array.from(pairs, (p) => p[1]), weight: new Float32Array(pairs.length).fill(1), time: Float64Array.from(pairs, (_, i) => i) },
  };
}

describe('two-tower', () => {
  it('learns, scores new jobs from their content, embeds new candidates, and round-trips', async () => {
    const m = (await fitRecommender('two-tower', market(), { dim: 8, epochs: 40, batchSize: 32, learningRate: 0.02, tokenBuckets: 256, idDropout: 0.5 })) as TwoTowerRecommender;
    expect(m.losses[m.losses.length - 1]!).toBeLessThan(m.losses[0]!);
    // new jobs 20, 22 are python jobs, 21, 23 nursing jobs: a python candidate prefers the python ones
    for (const u of [0, 2, 4]) {
      const [p20, n21, p22, n23] = m.score(u, [20, 21, 22, 23]);
      expect(Math.min(p20!, p22!)).toBeGreaterThan(Math.max(n21!, n23!));
    }
    for (const u of [1, 3]) {
      const [p20, n21, p22, n23] = m.score(u, [20, 21, 22, 23]);
      expect(Math.min(n21!, n23!)).toBeGreaterThan(Math.max(p20!, p22!));
    }
    // a new candidate known only by skills
    const cold = m.score({ features: { id: 'new', skills: ['patient care', 'triage'], desiredTitles: ['nurse'] } }, [20, 21]);
    expect(cold[1]!).toBeGreaterThan(cold[0]!);
    const loaded = await loadRecommender(m.serialize(), 'two-tower');
    expect(Array.from(loaded.score(0, [0, 1, 20, 21]))).toEqual(Array.from(m.score(0, [0, 1, 20, 21])));
    const many = await m.recommendMany([0, 1], 5, { includeExpired: true });
    expect(many.map((r) => r.map((x) => x.job))).toEqual(m.recommendBatch([0, 1], 5, { includeExpired: true }).map((r) => r.map((x) => x.job)));
  });
});

describe('hybrid', () => {
  it('learns a positive weight for the informative base on a temporal split and round-trips', async () => {
    const m = (await fitRecommender('hybrid', market(), { strategies: ['popularity', 'item-knn', 'content'] })) as HybridRecommender;
    const w = m.blend();
    expect(w['item-knn']! + w['content']!).toBeGreaterThan(0);
    // python candidate 0: its top unseen recommendations are python jobs (even indices)
    for (const r of m.recommend(0, 3, { includeExpired: true })) expect(r.job % 2).toBe(0);
    const loaded = await loadRecommender(m.serialize(), 'hybrid');
    expect(Array.from(loaded.score(1, [0, 1, 2, 3]))).toEqual(Array.from(m.score(1, [0, 1, 2, 3])));
  });
});
