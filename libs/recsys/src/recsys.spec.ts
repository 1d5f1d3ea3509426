import { describe, expect, it } from '@jest/globals';
import { AlsRecommender, ContentRecommender, EaseRecommender, fitRecommender, loadRecommender, PopularityRecommender, RecsysError, type Recommender, type TrainingSnapshot } from './index.js';
import { rng } from './linalg.js';
import { snapshotOf } from './test-fixtures.js';

async function expectRecsysError(p: Promise<unknown> | (() => unknown), code: string, text?: RegExp): Promise<void> {
  let err: unknown;
  try { await (typeof p === 'function' ? p() : p); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(RecsysError);
  expect((err as RecsysError).code).toBe(code);
  if (text) expect((err as Error).message).toMatch(text);
}

/** Two communities: candidates 0..9 like jobs 0..9, candidates 10..19 like jobs 10..19 (each sees a random 60%). */
function communities(seed = 1): TrainingSnapshot {
  const r = rng(seed), pairs: [number, number][] = [];
  for (let u = 0; u < 20; u++) for (let j = 0; j < 10; j++) if (r() < 0.6) pairs.push([u, (u < 10 ? 0 : 10) + j]);
  return snapshotOf(20, 20, pairs);
}

describe('EASE', () => {
  it('equals the closed form B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹ computed independently', async () => {
    const pairs: [number, number][] = [[0, 0], [0, 1], [1, 1], [1, 2], [2, 0], [2, 2], [2, 3], [3, 3], [3, 1]];
    const m = (await fitRecommender('ease', snapshotOf(4, 4, pairs), { lambda: 2 })) as EaseRecommender;
    // independent: Gauss-Jordan with partial pivoting on [G | I]
    const n = 4, lambda = 2, x = [[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 1, 1], [0, 1, 0, 1]];
    const aug = Array.from({ length: n }, (_, i) => [...Array.from({ length: n }, (_, j) => x.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? lambda : 0)), ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
    for (let c = 0; c < n; c++) {
      const piv = aug.reduce((best, row, i) => (i >= c && Math.abs(row[c]!) > Math.abs(aug[best]![c]!) ? i : best), c);
      [aug[c], aug[piv]] = [aug[piv]!, aug[c]!];
      const d = aug[c]![c]!;
      aug[c] = aug[c]!.map((v) => v / d);
      for (let i = 0; i < n; i++) if (i !== c) { const f = aug[i]![c]!; aug[i] = aug[i]!.map((v, j) => v - f * aug[c]![j]!); }
    }
    const p = aug.map((row) => row.slice(n));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const expected = i === j ? 0 : -p[i]![j]! / p[j]![j]!;
      expect(m.b[i * n + j]).toBeCloseTo(expected, 6);
    }
    // scores for candidate 0 = x_0 · B
    const s = m.score(0, [2, 3]);
    expect(s[0]).toBeCloseTo(m.b[0 * n + 2]! + m.b[1 * n + 2]!, 6);
    expect(s[1]).toBeCloseTo(m.b[0 * n + 3]! + m.b[1 * n + 3]!, 6);
  });

  it('the Woodbury (candidate-side) solve gives the item-side B; jobs without interactions are left out of B', async () => {
    // 6 candidates, 12 jobs of which 3 (4, 7, 11) have no interaction; repeated pairs give weights > 1
    const r = rng(3), pairs: [number, number][] = [];
    for (let u = 0; u < 6; u++) for (let j = 0; j < 12; j++) if (j !== 4 && j !== 7 && j !== 11 && r() < 0.5) pairs.push([u, j], ...(r() < 0.3 ? [[u, j] as [number, number]] : []));
    const snap = snapshotOf(6, 12, pairs);
    for (const weighted of [false, true]) {
      const a = (await fitRecommender('ease', snap, { lambda: 3, weighted, solver: 'items' })) as EaseRecommender;
      const b = (await fitRecommender('ease', snap, { lambda: 3, weighted, solver: 'candidates' })) as EaseRecommender;
      const auto = (await fitRecommender('ease', snap, { lambda: 3, weighted })) as EaseRecommender;
      expect(Array.from(a.items)).toEqual([0, 1, 2, 3, 5, 6, 8, 9, 10]);
      expect(Array.from(b.items)).toEqual(Array.from(a.items));
      for (let t = 0; t < a.b.length; t++) expect(b.b[t]).toBeCloseTo(a.b[t]!, 5);
      expect(Array.from(auto.b)).toEqual(Array.from(b.b)); // 6 candidates < 9 jobs: auto picks the candidate side
      for (let u = 0; u < 6; u++) {
        const all = Array.from({ length: 12 }, (_, j) => j);
        const sa = a.score(u, all), sb = b.score(u, all);
        for (const j of [4, 7, 11]) expect(sa[j]).toBe(0);
        for (let j = 0; j < 12; j++) expect(sb[j]).toBeCloseTo(sa[j]!, 5);
      }
    }
    await expectRecsysError(fitRecommender('ease', snap, { maxItems: 8 }), 'INVALID_PARAMS', /9 jobs with interactions exceed maxItems 8/);
  });
});

describe('ALS', () => {
  it('lowers its objective every iteration and recovers a planted two-block structure', async () => {
    const m = (await fitRecommender('als', communities(), { factors: 2, iterations: 10, regularization: 1, alpha: 5, trackLoss: true })) as AlsRecommender;
    for (let t = 1; t < m.losses.length; t++) expect(m.losses[t]!).toBeLessThanOrEqual(m.losses[t - 1]! * (1 + 1e-6));
    expect(m.losses[m.losses.length - 1]!).toBeLessThan(m.losses[0]! * 0.9);
    for (let u = 0; u < 20; u++) {
      const recs = m.recommend(u, 20, { includeExpired: true });
      const same = recs.filter((r) => r.job < 10 === u < 10).map((r) => r.score);
      const other = recs.filter((r) => r.job < 10 !== u < 10).map((r) => r.score);
      // every unseen job of the candidate's own block outranks every job of the other block
      expect(Math.min(...same)).toBeGreaterThan(Math.max(...other) + 0.3);
    }
  });

  it('folds in a new candidate from their history', async () => {
    const m = await fitRecommender('als', communities(), { factors: 2, iterations: 10, regularization: 1, alpha: 5 });
    const recs = m.recommend({ history: [11, 12, 13] }, 3);
    for (const r of recs) expect(r.job).toBeGreaterThanOrEqual(10);
  });
});

describe('item-kNN and user-kNN', () => {
  it('item-kNN recommends the item co-consumed with the candidate\'s item', async () => {
    // jobs 0 and 1 are always consumed together; job 2 alone; candidate 3 has only job 0
    const m = await fitRecommender('item-knn', snapshotOf(4, 4, [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [2, 3], [3, 0]]), { shrink: 0 });
    expect(m.recommend(3, 1, { includeExpired: true })[0]!.job).toBe(1);
  });
  it('user-kNN recommends what the most similar candidate consumed', async () => {
    const m = await fitRecommender('user-knn', snapshotOf(3, 5, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [2, 3], [2, 4]]), { shrink: 0, neighbours: 1 });
    expect(m.recommend(1, 1)[0]!.job).toBe(2);
  });
});

describe('popularity', () => {
  it('with a half-life, recent interactions outweigh older, more numerous ones', async () => {
    const s = snapshotOf(4, 2, [[0, 0], [1, 0], [2, 0], [3, 1]]);
    s.interactions.time = Float64Array.from([0, 0, 0, 30 * 86400]);
    const decayed = (await fitRecommender('popularity', s, { halfLifeDays: 1 })) as PopularityRecommender;
    expect(decayed.recommend({}, 1)[0]!.job).toBe(1);
    const plain = await fitRecommender('popularity', s, {});
    expect(plain.recommend({}, 1)[0]!.job).toBe(0);
  });
});

const jobs = [
  { id: 'j0', title: 'Senior Python developer', description: 'Build data pipelines with Python and PostgreSQL', skills: ['python', 'postgresql', 'airflow'], location: { country: 'DE', city: 'Berlin' }, seniority: 3, salaryMax: 80000, employmentType: 'full_time' as const },
  { id: 'j1', title: 'Nurse', description: 'Care for patients in a hospital ward', skills: ['patient care', 'triage'], location: { country: 'DE', city: 'Munich' }, seniority: 2, salaryMax: 50000, employmentType: 'full_time' as const },
  { id: 'j2', title: 'Java backend engineer', description: 'Spring services and Kafka', skills: ['java', 'spring', 'kafka'], remote: true, seniority: 3, salaryMax: 90000, employmentType: 'contract' as const },
  { id: 'j3', title: 'Data engineer', description: 'Python, Spark and SQL', skills: ['python', 'spark', 'sql'], location: { country: 'FR', city: 'Paris' }, seniority: 2, salaryMax: 70000, expiresAt: 1000, employmentType: 'full_time' as const },
];
const candidates = [
  { id: 'c0', profile: 'Backend developer who loves Python', desiredTitles: ['Python developer'], skills: ['Python', 'PostgreSQL'], location: { country: 'DE', city: 'Berlin' }, seniority: 3 },
  { id: 'c1', profile: 'Registered nurse', skills: ['patient care'], preferences: { minSalary: 60000 } },
];

describe('content', () => {
  it('ranks the job with the matching skills and title first', async () => {
    const m = await fitRecommender('content', snapshotOf(2, 4, [[1, 1]], { jobs, candidates }));
    const recs = m.recommend(0, 4, { now: 0 });
    expect(recs[0]!.job).toBe(0);
    expect(recs.map((r) => r.job).indexOf(1)).toBeGreaterThan(recs.map((r) => r.job).indexOf(3));
  });
  it('scores a new candidate described only by features', async () => {
    const m = (await fitRecommender('content', snapshotOf(2, 4, [[1, 1]], { jobs, candidates }))) as ContentRecommender;
    const recs = m.recommend({ features: { id: 'new', skills: ['java', 'kafka'], desiredTitles: ['backend engineer'] } }, 1, { now: 0 });
    expect(recs[0]!.job).toBe(2);
  });
  it('refuses a snapshot without job text', async () => {
    await expectRecsysError(fitRecommender('content', snapshotOf(1, 1, [[0, 0]])), 'UNSUPPORTED', /no job content/);
  });
});

describe('filters', () => {
  const snap = snapshotOf(2, 4, [[0, 0], [1, 1], [1, 2]], { jobs, candidates }, ['view', 'apply', 'dismiss']);
  it('exclude expired, applied, dismissed and training jobs and jobs that break hard preferences, with the reason', async () => {
    const m = await fitRecommender('popularity', snap);
    expect(m.explainFilter(1, 3, { now: 2000 })).toMatch(/expired/);
    expect(m.explainFilter(1, 3, { now: 10 })).toBeNull();
    expect(m.explainFilter(1, 1, { now: 10 })).toMatch(/pays at most 50000, below the candidate's minimum 60000/);
    expect(m.explainFilter(1, 1, { now: 10, applyPreferences: false })).toMatch(/applied/);
    expect(m.explainFilter(1, 2, { now: 10 })).toMatch(/dismissed/);
    expect(m.explainFilter(0, 0, { now: 10 })).toMatch(/training/);
    expect(m.explainFilter(0, 0, { now: 10, excludeTraining: false })).toBeNull();
    // candidate 1 wants at least 60k: job 3 pays 70k, job 0 80k — both fine; with 85k only job 2 (90k)
    expect(m.explainFilter({ index: 1 }, 0, { now: 10, preferences: { minSalary: 85000 } })).toMatch(/below the candidate's minimum 85000/);
    expect(m.explainFilter(0, 2, { now: 10, preferences: { employmentTypes: ['full_time'] } })).toMatch(/employment type contract/);
    expect(m.explainFilter(0, 1, { now: 10, preferences: { remoteOnly: true } })).toMatch(/remote jobs only; job is not remote/);
    expect(m.explainFilter(0, 3, { now: 10, preferences: { location: { country: 'DE' } } })).toMatch(/country fr/);
    expect(m.explainFilter(0, 2, { now: 10, preferences: { location: { country: 'DE' } } })).toBeNull(); // remote job
    const recs = m.recommend(1, 10, { now: 2000 }).map((r) => r.job);
    expect(recs).toEqual([0]); // 1 applied, 2 dismissed, 3 expired
    const byPrefs = m.recommend(0, 10, { now: 10, preferences: { location: { country: 'DE', city: 'Berlin' } } }).map((r) => r.job);
    expect(byPrefs).toEqual([2]); // 0 is training, 1 is in Munich, 3 in Paris, 2 is remote
  });
  it('the serving predicate (prefsExclude) excludes exactly the jobs jobReason gives a preference reason for', async () => {
    const m = await fitRecommender('popularity', snap);
    const cat = (m as unknown as { catalog: { jobReason: (j: number, now: number, p: object, e: boolean) => string | null; prefsExclude: (p: object) => (j: number) => boolean } }).catalog;
    const prefsList = [
      {}, { remoteOnly: true }, { minSalary: 60000 }, { minSalary: 85000 }, { employmentTypes: ['full_time'] }, { employmentTypes: [] },
      { location: { country: 'DE' } }, { location: { country: ' de ', city: 'BERLIN' } }, { location: { city: 'Paris' } }, { location: {} },
      { remoteOnly: true, location: { country: 'FR' }, minSalary: 75000 }, { location: { country: 'DE' }, employmentTypes: ['contract'] },
    ];
    let excluded = 0;
    for (const prefs of prefsList) {
      const test = cat.prefsExclude(prefs);
      for (let j = 0; j < jobs.length; j++) {
        expect([prefs, j, test(j)]).toEqual([prefs, j, cat.jobReason(j, 0, prefs, true) !== null]);
        if (test(j)) excluded++;
      }
    }
    expect(excluded).toBeGreaterThan(10); // the cases above do exclude jobs
  });
});

describe('serialisation', () => {
  const snap = snapshotOf(2, 4, [[0, 0], [0, 3], [1, 1], [1, 0]], { jobs, candidates });
  it.each(['popularity', 'content', 'item-knn', 'user-knn', 'als', 'ease'])('%s: serialise → load gives identical scores', async (name) => {
    const m = await fitRecommender(name, snap, name === 'als' ? { factors: 3, iterations: 3 } : {});
    const loaded = await loadRecommender(m.serialize(), m.strategy);
    expect(loaded.strategy).toBe(name);
    expect(Array.from(loaded.score(0, [0, 1, 2, 3]))).toEqual(Array.from(m.score(0, [0, 1, 2, 3])));
    expect(loaded.recommend(1, 4, { now: 0 })).toEqual(m.recommend(1, 4, { now: 0 }));
  });

  it('rejects a corrupt, truncated, mismatched or newer-format artifact with a typed error', async () => {
    const m: Recommender = await fitRecommender('ease', snap);
    const buf = m.serialize();
    const flipped = Buffer.from(buf);
    flipped[flipped.length - 40]! ^= 0xff;
    await expectRecsysError(loadRecommender(flipped), 'ARTIFACT_CORRUPT', /checksum/);
    await expectRecsysError(loadRecommender(buf.subarray(0, buf.length - 100)), 'ARTIFACT_CORRUPT', /truncated/);
    await expectRecsysError(loadRecommender(Buffer.from('hello world, not a model at all.........')), 'ARTIFACT_CORRUPT', /magic/);
    await expectRecsysError(loadRecommender(buf, 'als'), 'ARTIFACT_STRATEGY_MISMATCH', /"ease", not "als"/);
    const headerLen = buf.readUInt32LE(4);
    const header = buf.toString('utf8', 8, 8 + headerLen).replace('"format":1', '"format":9');
    const newer = Buffer.from(buf);
    newer.write(header, 8, 'utf8');
    await expectRecsysError(loadRecommender(newer), 'ARTIFACT_VERSION_MISMATCH', /version 9/);
  });
});

describe('bad input', () => {
  const snap = snapshotOf(1, 2, [[0, 0]]);
  it('unknown strategy, bad hyperparameters and an empty training set are typed errors naming the problem', async () => {
    await expectRecsysError(fitRecommender('svd++', snap), 'UNKNOWN_STRATEGY', /svd\+\+/);
    await expectRecsysError(fitRecommender('als', snap, { factors: -3 }), 'INVALID_PARAMS', /factors/);
    await expectRecsysError(fitRecommender('als', snap, { alpha: 1e9 }), 'INVALID_PARAMS', /alpha/);
    await expectRecsysError(fitRecommender('ease', snap, { lambda: 0 }), 'INVALID_PARAMS', /lambda/);
    await expectRecsysError(fitRecommender('item-knn', snap, { neighbors: 3 }), 'INVALID_PARAMS', /neighbors/);
    await expectRecsysError(fitRecommender('als', snapshotOf(1, 2, [])), 'EMPTY_TRAINING_SET');
    await expectRecsysError(fitRecommender('als', snapshotOf(1, 2, [[0, 5]])), 'INVALID_INPUT', /job index 5/);
    const m = await fitRecommender('popularity', snap);
    expect(() => m.recommend(7, 1)).toThrow(/candidate index 7/);
  });
});
