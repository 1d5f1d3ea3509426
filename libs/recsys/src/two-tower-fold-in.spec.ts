import { describe, expect, it } from '@jest/globals';
import { fitRecommender, loadRecommender, type TrainingSnapshot, type TwoTowerRecommender } from './index.js';
import { rng } from './linalg.js';

/** Python candidates (even) consume python jobs (even), nursing candidates nursing jobs; jobs 20..23 have no interactions. */
function market(): TrainingSnapshot {
  const r = rng(5);
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

describe('two-tower fold-in (request time)', () => {
  it('re-embeds a known candidate from the current profile and recent interactions; unchanged candidates keep the stored vector', async () => {
    const m = (await fitRecommender('two-tower', market(), { dim: 8, epochs: 40, batchSize: 32, learningRate: 0.02, tokenBuckets: 256, idDropout: 0.5 })) as TwoTowerRecommender;
    const u = 0; // a python candidate
    const stored = Array.from(m.score(u, [20, 21, 22, 23]));
    expect(Math.min(stored[0]!, stored[2]!)).toBeGreaterThan(Math.max(stored[1]!, stored[3]!));
    // nothing new: exactly the stored tower output
    expect(Array.from(m.score({ index: u }, [20, 21, 22, 23]))).toEqual(stored);
    // the candidate retrained as a nurse (profile edit) and engaged with nursing jobs since training
    const nurse = { id: 'c0', skills: ['patient care', 'triage'], desiredTitles: ['nurse'] };
    const moved = m.score({ index: u, features: nurse, history: [1, 3, 5, 7, 9, 11], historyWeights: [3, 3, 3, 3, 3, 3] }, [20, 21, 22, 23]);
    expect(Math.min(moved[1]!, moved[3]!)).toBeGreaterThan(Math.max(moved[0]!, moved[2]!));
    // recent interactions alone (no profile change) pull the vector toward the engaged jobs
    const [p0, n0] = m.score(u, [20, 21]);
    const [p1, n1] = m.score({ index: u, history: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19] }, [20, 21]);
    expect(n1! - p1!).toBeGreaterThan(n0! - p0!);
    // the id embeddings travel with the artifact, so a loaded model folds in identically
    const loaded = await loadRecommender(m.serialize(), 'two-tower');
    expect(Array.from(loaded.score({ index: u, features: nurse }, [20, 21]))).toEqual(Array.from(m.score({ index: u, features: nurse }, [20, 21])));
  });
});
