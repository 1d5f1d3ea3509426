import { describe, expect, it } from '@jest/globals';
import { buildSnapshot, temporalSplit, type CandidateRow, type InteractionRow, type JobRow } from './snapshot.js';

const job = (id: string, extra: Partial<JobRow> = {}): JobRow => ({
  id, title: `t${id}`, description: '', skills: [], city: null, country: null, remote: false, salary_annual_min: null, salary_annual_max: null,
  seniority: null, employment_type: null, expires_at: null, status: 'active', ...extra,
});
const cand = (id: string, extra: Partial<CandidateRow> = {}): CandidateRow => ({
  id, desired_titles: [], skills: [], resume: null, city: null, country: null, salary_expectation: null, preferences: {}, ...extra,
});
const x = (c: string, j: string, type: InteractionRow['type'], t: number): InteractionRow => ({ candidate_id: c, job_id: j, type, t });

describe('buildSnapshot', () => {
  it('indexes candidates and jobs by numeric database id, weights apply 3 / save 2 / click 1, keeps dismissals, drops impressions and rows at or after the cut-off', () => {
    const { snapshot, info } = buildSnapshot(
      [job('10'), job('9'), job('100')],
      [cand('2'), cand('11')],
      [x('11', '9', 'apply', 100), x('2', '100', 'save', 50), x('2', '10', 'click', 60), x('2', '9', 'dismiss', 70), x('2', '9', 'impression', 80), x('2', '10', 'apply', 1000), x('99', '9', 'apply', 10)],
      { cutoff: new Date(1000 * 1000) },
    );
    expect(snapshot.jobs!.map((j) => j.id)).toEqual(['9', '10', '100']);
    expect(snapshot.candidates!.map((c) => c.id)).toEqual(['2', '11']);
    expect(Array.from(snapshot.interactions.candidate)).toEqual([0, 0, 0, 1]);
    expect(Array.from(snapshot.interactions.job)).toEqual([2, 1, 0, 0]);
    expect(Array.from(snapshot.interactions.weight)).toEqual([2, 1, 0, 3]);
    expect(snapshot.interactions.type).toEqual(['save', 'click', 'dismiss', 'apply']);
    expect(info.rows).toEqual({ interactions: 4, candidates: 2, jobs: 3 });
    expect(info.interactionTypes).toEqual(['apply', 'click', 'dismiss', 'save']);
    expect(info.cutoff).toBe(new Date(1_000_000).toISOString());
  });

  it('skips interaction types without a training weight (an unsubscribe is about the alert, not the job)', () => {
    const unsubscribe = { ...x('1', '1', 'click', 5), type: 'unsubscribe' } as unknown as InteractionRow;
    const { snapshot, info } = buildSnapshot([job('1')], [cand('1')], [unsubscribe, x('1', '1', 'click', 6)], { cutoff: new Date(10_000) });
    expect(Array.from(snapshot.interactions.weight)).toEqual([1]);
    expect(info.interactionTypes).toEqual(['click']);
  });

  it('includes impressions only when asked, as weak positives', () => {
    const { snapshot } = buildSnapshot([job('1')], [cand('1')], [x('1', '1', 'impression', 5)], { cutoff: new Date(10_000), includeImpressions: true });
    expect(Array.from(snapshot.interactions.weight)).toEqual([0.25]);
    expect(snapshot.interactions.type).toEqual(['view']);
  });

  it('maps job and candidate features: seniority ordinal, annual salary, expiry, closed status, preferences', () => {
    const { snapshot } = buildSnapshot(
      [job('1', { seniority: 'executive', salary_annual_min: 50000, salary_annual_max: 70000, expires_at: new Date('2026-01-01T00:00:00Z'), status: 'closed', remote: true, country: 'DE', city: 'Berlin', employment_type: 'contract' }), job('2', { seniority: 'intern', status: 'expired' })],
      [cand('1', { salary_expectation: 60000, preferences: { remote: 'only', employmentTypes: ['contract', 'bogus'] }, resume: 'cv text', desired_titles: ['Engineer'] })],
      [x('1', '1', 'apply', 1)],
      { cutoff: new Date(10_000) },
    );
    expect(snapshot.jobs![0]).toMatchObject({ seniority: 5, salaryMin: 50000, salaryMax: 70000, expiresAt: Date.UTC(2026, 0, 1) / 1000, closed: true, remote: true, location: { country: 'DE', city: 'Berlin' }, employmentType: 'contract' });
    expect(snapshot.jobs![1]).toMatchObject({ seniority: 0, closed: true });
    expect(snapshot.candidates![0]).toMatchObject({ resume: 'cv text', desiredTitles: ['Engineer'], preferences: { remoteOnly: true, minSalary: 60000, employmentTypes: ['contract'] } });
  });
});

describe('temporalSplit', () => {
  it('holds out the last fraction of the time range; targets are new positives of candidates with training history', () => {
    const { snapshot } = buildSnapshot(
      [job('1'), job('2'), job('3')],
      [cand('1'), cand('2')],
      [x('1', '1', 'click', 0), x('1', '2', 'apply', 95), x('1', '1', 'save', 96), x('2', '3', 'apply', 97), x('1', '3', 'dismiss', 98), x('2', '1', 'click', 100)],
      { cutoff: new Date(1_000_000) },
    );
    const s = temporalSplit(snapshot, 0.1);
    expect(s.splitAt).toBe(90);
    expect(s.trainInteractions).toBe(1);
    expect(s.validationInteractions).toBe(5);
    // candidate 0: job 1 (index 1) applied → grade 3; job 0 already in training; dismissal ignored. Candidate 1 has no history.
    expect([...s.relevant.entries()].map(([u, m]) => [u, [...m]])).toEqual([[0, [[1, 3]]]]);
  });
});
