import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PIPELINE, validatePipeline, type DiversityStage, type FiltersStage, type LoadBalanceStage, type ProfileChangeStage } from './config.js';
import { stageEffects } from './debug.js';
import { explain } from './explain.js';
import { runPipeline } from './pipeline.js';
import { RankingError } from './ranking.errors.js';
import { jaccard, jaccardIds, jobTokenIds, jobTokens } from './similarity.js';
import { diversityStage, filtersStage, freshnessStage, loadBalanceStage, profileChangeStage, scoreStage } from './stages.js';
import type { RankContext, RankItem, RankJob } from './types.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const job = (id: string, over: Partial<RankJob> = {}): RankJob => ({
  id, title: `Job ${id}`, companyId: `c${id}`, skills: [], city: 'Berlin', region: 'Berlin', country: 'DE', remote: false,
  salaryMin: null, salaryMax: null, postedAt: NOW - DAY, expiresAt: null, status: 'active', ...over,
});
const item = (j: RankJob, score: number, modelScore: number | null = score): RankItem => ({ job: j, score, modelScore, sources: ['model'], boosts: {}, notes: {} });
const ctx = (over: Partial<RankContext> = {}): RankContext => ({
  nowMs: NOW, candidate: { id: '1', skills: [], city: 'Berlin', region: 'Berlin', country: 'DE', salaryExpectation: null }, applied: new Set(), applicants: new Map(), ...over,
});
const code = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(RankingError); return (e as RankingError).code; }
  throw new Error('expected a RankingError');
};

describe('pipeline config', () => {
  it('the default pipeline validates and bare stages take their defaults', () => {
    expect(validatePipeline(DEFAULT_PIPELINE)).toEqual(DEFAULT_PIPELINE);
    const p = validatePipeline('{"name":"lean","stages":[{"stage":"candidates"},{"stage":"score"},{"stage":"diversity","maxPerCompany":1}]}');
    expect(p.name).toBe('lean');
    expect(p.stages[2]).toEqual({ stage: 'diversity', lambda: 0.95, maxPerCompany: 1, window: 50, similarity: ['skills', 'title'] });
  });

  it('bad configurations are typed errors naming the problem', () => {
    const base = [{ stage: 'candidates' }, { stage: 'score' }];
    expect(code(() => validatePipeline({ stages: [...base, { stage: 'popularityBoost' }] }))).toBe('UNKNOWN_STAGE');
    expect(code(() => validatePipeline({ stages: [...base, { stage: 'profileChange', features: ['location', 'zodiac'] }] }))).toBe('UNKNOWN_FEATURE');
    expect(code(() => validatePipeline({ stages: [...base, { stage: 'diversity', similarity: ['colour'] }] }))).toBe('UNKNOWN_FEATURE');
    expect(code(() => validatePipeline({ stages: [...base, { stage: 'freshness', weight: 1.5 }] }))).toBe('WEIGHT_OUT_OF_RANGE');
    expect(code(() => validatePipeline({ stages: [...base, { stage: 'diversity', lambda: -0.1 }] }))).toBe('WEIGHT_OUT_OF_RANGE');
    expect(code(() => validatePipeline({ stages: [{ stage: 'candidates', sources: [{ source: 'tarot', topN: 5 }] }, { stage: 'score' }] }))).toBe('UNKNOWN_SOURCE');
    expect(code(() => validatePipeline({ stages: [{ stage: 'candidates', sources: [{ source: 'model', topN: 500 }] }, { stage: 'score' }] }))).toBe('WEIGHT_OUT_OF_RANGE');
    expect(code(() => validatePipeline({ stages: [...base, { stage: 'freshness', wieght: 0.1 }] }))).toBe('INVALID_INPUT');
    expect(code(() => validatePipeline({ stages: [{ stage: 'score' }, { stage: 'candidates' }] }))).toBe('INVALID_INPUT');
    expect(code(() => validatePipeline({ stages: [...base, { stage: 'diversity' }, { stage: 'freshness' }] }))).toBe('INVALID_INPUT');
    expect(code(() => validatePipeline('{nope'))).toBe('INVALID_INPUT');
    try { validatePipeline({ stages: [...base, { stage: 'loadBalance', weight: 2 }] }); } catch (e) {
      expect((e as RankingError).details).toMatchObject({ field: 'stages[2].weight', stage: 'loadBalance', min: 0, max: 1 });
    }
  });
});

describe('stages', () => {
  it('score: known jobs scaled into [floor, 1] above unknown ones ranked by recency', () => {
    const out = scoreStage({ stage: 'score', knownFloor: 0.2 }, [item(job('1'), 0, 5), item(job('2'), 0, 1), item(job('3', { postedAt: NOW }), 0, null), item(job('4', { postedAt: NOW - 7 * DAY }), 0, null)], NOW);
    expect(out.map((i) => i.job.id)).toEqual(['1', '2', '3', '4']);
    expect(out.map((i) => i.score)).toEqual([1, 0.2, 0.198, 0.099]);
  });

  it('freshness: the whole weight at age 0, half of it after one half-life', () => {
    const out = freshnessStage({ stage: 'freshness', weight: 0.2, halfLifeDays: 3 }, [item(job('old', { postedAt: NOW - 3 * DAY }), 0.5), item(job('new', { postedAt: NOW }), 0.45)], NOW);
    expect(out.map((i) => i.job.id)).toEqual(['new', 'old']);
    expect(out.find((i) => i.job.id === 'old')!.boosts['freshness']).toBeCloseTo(0.1, 10);
    expect(out.find((i) => i.job.id === 'new')!.score).toBeCloseTo(0.65, 10);
  });

  it('profileChange: jobs in the new city and with newly added skills rise while the change is recent', () => {
    const cfg: ProfileChangeStage = { stage: 'profileChange', weight: 0.5, windowDays: 14, features: ['location', 'skills'] };
    const items = [item(job('berlin'), 0.9), item(job('munich', { city: 'Munich', region: 'Bavaria' }), 0.5), item(job('rust', { skills: ['Rust', 'Go'] }), 0.45), item(job('augsburg', { city: 'Augsburg', region: 'Bavaria' }), 0.44)];
    const change = { at: NOW - DAY, addedSkills: ['rust'], newLocation: { city: 'Munich', region: 'Bavaria', country: 'DE' } };
    const out = profileChangeStage(cfg, items, ctx({ profileChange: change }));
    expect(out.map((i) => i.job.id)).toEqual(['munich', 'rust', 'berlin', 'augsburg']);
    expect(out[0]!.notes).toEqual({ profileLocation: 'Munich' });
    expect(out[1]!.notes).toEqual({ profileSkills: 'rust' });
    expect(out[3]!.boosts['profileChange']).toBeCloseTo(0.25, 10); // same region: half
    expect(profileChangeStage(cfg, items, ctx({ profileChange: { ...change, at: NOW - 15 * DAY } }))).toBe(items);
    expect(profileChangeStage({ ...cfg, features: ['skills'] }, items, ctx({ profileChange: change })).map((i) => i.job.id)).toEqual(['rust', 'berlin', 'munich', 'augsburg']);
  });

  it('loadBalance: over-applied postings are demoted, under-applied ones promoted', () => {
    const cfg: LoadBalanceStage = { stage: 'loadBalance', weight: 0.2, targetApplicants: 10, promote: 0.5 };
    const out = loadBalanceStage(cfg, [item(job('crowded'), 0.6), item(job('quiet'), 0.5), item(job('normal'), 0.55)], ctx({ applicants: new Map([['crowded', 40], ['quiet', 0], ['normal', 10]]) }));
    expect(out.map((i) => i.job.id)).toEqual(['quiet', 'normal', 'crowded']);
    expect(out.map((i) => i.boosts['loadBalance'] ?? 0)).toEqual([0.1, 0, -0.2]);
  });

  it('diversity: at most maxPerCompany per company while others remain; MMR prefers a dissimilar job', () => {
    const cap: DiversityStage = { stage: 'diversity', lambda: 1, maxPerCompany: 2, window: 50, similarity: ['skills', 'title'] };
    const items = [0.9, 0.8, 0.7, 0.6].map((s, n) => item(job(`a${n}`, { companyId: 'A' }), s)).concat([item(job('b0', { companyId: 'B' }), 0.5), item(job('b1', { companyId: 'B' }), 0.4)]);
    expect(diversityStage(cap, items).map((i) => i.job.id)).toEqual(['a0', 'a1', 'b0', 'b1', 'a2', 'a3']);
    expect(diversityStage({ ...cap, window: 3 }, items).map((i) => i.job.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'b0', 'b1']);
    const sql = { skills: ['sql', 'python'], title: 'Data Analyst' };
    const mmr = diversityStage({ ...cap, lambda: 0.5, maxPerCompany: 0 }, [item(job('x', sql), 0.9), item(job('x2', sql), 0.85), item(job('y', { skills: ['react'], title: 'Frontend Engineer' }), 0.7)]);
    expect(mmr.map((i) => i.job.id)).toEqual(['x', 'y', 'x2']);
    expect(mmr.map((i) => i.score)).toEqual([0.9, 0.7, 0.85]);
  });

  it('filters: expired, closed, applied, saved search, remote-only and location rules, each with its reason', () => {
    const cfg: FiltersStage = { stage: 'filters', expired: true, applied: true, dismissed: true, savedSearch: true, location: 'country' };
    const items = [
      item(job('ok', { title: 'SQL Analyst' }), 1), item(job('exp', { expiresAt: NOW - 1 }), 1), item(job('closed', { status: 'closed' }), 1),
      item(job('applied'), 1), item(job('nokw', { title: 'Chef' }), 1), item(job('fr', { country: 'FR', title: 'SQL dev' }), 1), item(job('remote', { country: 'FR', remote: true, title: 'SQL remote' }), 1),
    ];
    const r = filtersStage(cfg, items, ctx({ applied: new Set(['applied']), filters: { keywords: ['sql'] } }));
    expect(r.items.map((i) => i.job.id)).toEqual(['ok', 'remote']);
    expect(r.removed).toEqual([['exp', 'job expired'], ['closed', 'job is closed'], ['applied', 'already applied'], ['nokw', 'saved-search filters'], ['fr', 'job is in FR, candidate in DE']]);
    const remoteOnly = filtersStage({ ...cfg, location: 'none' }, [item(job('ok'), 1)], ctx({ candidate: { ...ctx().candidate, remoteOnly: true } }));
    expect(remoteOnly.removed).toEqual([['ok', 'candidate wants remote jobs only']]);
  });
});

describe('similarity', () => {
  it('jaccardIds on interned ids equals jaccard on the token sets', () => {
    const words = ['python', 'java', 'sql', 'spark', 'react', 'nurse', 'care', 'data', 'senior', 'engineer'];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = () => words.filter(() => rnd() < 0.35);
    const jobs = Array.from({ length: 40 }, (_, n) => job(`s${n}`, { title: `${pick().join(' ')} Developer (m/w/d)`, skills: pick().map((w) => w.toUpperCase()) }));
    let compared = 0, overlapping = 0;
    for (const a of jobs) for (const b of jobs) {
      const want = jaccard(jobTokens(a), jobTokens(b));
      expect(jaccardIds(jobTokenIds(a), jobTokenIds(b))).toBeCloseTo(want, 12);
      compared++;
      if (want > 0 && want < 1) overlapping++;
    }
    expect(compared).toBe(1600);
    expect(overlapping).toBeGreaterThan(100); // the cases do include partial overlaps
    expect(jaccardIds(new Uint32Array(0), new Uint32Array(0))).toBe(0);
  });
});

describe('explanations', () => {
  const c = ctx({
    candidate: { id: '1', skills: ['SQL', 'Python', 'Excel'], city: 'Berlin', region: 'Berlin', country: 'DE', salaryExpectation: 60_000 },
    appliedJobs: [job('99', { title: 'Data Analyst', skills: ['sql', 'python', 'tableau'], companyName: 'Acme' })],
  });
  it('matched skills, similar applied job, new in the area and salary fit, all from the data', () => {
    const j = job('5', { title: 'Senior Data Analyst', skills: ['sql', 'python', 'tableau', 'dbt'], salaryMin: 55_000, salaryMax: 70_000, postedAt: NOW - 2 * DAY });
    const reasons = explain(item(j, 1), c);
    expect(reasons.map((r) => r.code)).toEqual(['MATCHED_SKILLS', 'SIMILAR_TO_APPLIED', 'NEW_IN_YOUR_AREA', 'SALARY_FITS']);
    expect(reasons[0]).toEqual({ code: 'MATCHED_SKILLS', text: 'Matches your skills: sql, python', detail: 'sql, python' });
    expect(reasons[1]).toEqual({ code: 'SIMILAR_TO_APPLIED', text: 'Similar to Data Analyst at Acme, which you applied to', detail: '99' });
    expect(reasons[2]!.text).toBe('New in Berlin');
    expect(reasons[3]!.text).toBe('Salary fits your expectation (55,000–70,000, you expect 60,000)');
  });
  it('no false reasons: other city, old posting, salary below expectation, unrelated title → the model fallback', () => {
    const j = job('6', { title: 'Chef', skills: ['cooking'], city: 'Paris', region: 'IDF', country: 'FR', salaryMin: 20_000, salaryMax: 30_000, postedAt: NOW - 30 * DAY });
    expect(explain(item(j, 1), { ...c, modelName: 'jobs' })).toEqual([{ code: 'MODEL', text: 'Picked for you by the jobs model from your activity', detail: 'jobs' }]);
    expect(explain(item(job('7', { remote: true, city: null, region: null, postedAt: NOW - DAY }), 1), c).map((r) => r.text)).toEqual(['New remote job']);
  });
});

describe('runPipeline and the debug view', () => {
  it('runs every stage, logs each, and the effects show moves, filter removals and reasons', () => {
    const jobs = new Map<string, RankJob>();
    const add = (j: RankJob) => jobs.set(j.id, j);
    ['1', '2', '3', '4'].forEach((id) => add(job(id, { companyId: 'A', skills: ['sql'] })));
    add(job('5', { companyId: 'B', skills: ['sql'], postedAt: NOW - 3600_000 }));
    add(job('6', { companyId: 'C', status: 'closed' }));
    const res = runPipeline(DEFAULT_PIPELINE, {
      sources: { model: [{ jobId: '1', score: 4 }, { jobId: '2', score: 3.5 }, { jobId: '3', score: 3 }, { jobId: '4', score: 2.5 }, { jobId: '6', score: 2 }, { jobId: '5', score: 1 }, { jobId: 'gone', score: 9 }] },
      jobs, ctx: ctx({ candidate: { ...ctx().candidate, skills: ['SQL'] }, applied: new Set(['2']) }), limit: 3,
    });
    expect(res.stages.map((s) => s.stage)).toEqual(['candidates', 'score', 'freshness', 'profileChange', 'loadBalance', 'diversity', 'filters']);
    expect(res.stages[0]).toMatchObject({ in: 0, out: 6 });
    // company A capped at 1 → jobs 6 (company C) and 5 (company B) move up; job 2 (applied) and 6 (closed) are filtered afterwards
    expect(res.items.map((i) => i.jobId)).toEqual(['1', '5', '3']);
    expect(res.items.map((i) => i.position)).toEqual([1, 2, 3]);
    expect(res.items[0]!.reasons[0]).toMatchObject({ code: 'MATCHED_SKILLS' });
    const fx = stageEffects(res.stages);
    expect(fx[0]!.added).toEqual(['1', '2', '3', '4', '6', '5']);
    const div = fx.find((f) => f.stage === 'diversity')!;
    expect(div.moves.find((m) => m.jobId === '5')).toMatchObject({ before: 6, after: 3 });
    const filt = fx.find((f) => f.stage === 'filters')!;
    expect(filt.removed).toEqual([{ jobId: '6', reason: 'job is closed' }, { jobId: '2', reason: 'already applied' }]);
    expect(filt).toMatchObject({ itemsIn: 6, itemsOut: 4 });
  });
});
