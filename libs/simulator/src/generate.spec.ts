import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { generateMarket, normalizeSimTitle, type SimMarket } from './generate.js';
import { simulateHistory, type SimInteraction } from './history.js';
import { LOCATIONS, OCCUPATIONS, UNITS_PER_USD } from './taxonomy.js';

const start = new Date('2026-10-01T00:00:00Z');
const digest = (m: SimMarket, events: SimInteraction[]) =>
  createHash('sha256').update(JSON.stringify({ ...m, params: { ...m.params, start: m.params.start.toISOString() } })).update(JSON.stringify(events)).digest('hex');

function run(seed: number) {
  const market = generateMarket({ seed, candidates: 150, jobs: 400, days: 5, start });
  const events: SimInteraction[] = [];
  simulateHistory(market, (_d, e) => events.push(...e));
  return { market, events };
}

describe('generateMarket', () => {
  it('gives an identical market and history for the same seed and a different one for another seed', () => {
    const a = run(7);
    const b = run(7);
    const c = run(8);
    expect(b.market).toEqual(a.market);
    expect(digest(b.market, b.events)).toBe(digest(a.market, a.events));
    expect(digest(c.market, c.events)).not.toBe(digest(a.market, a.events));
    expect(c.market.jobs[0]!.externalId).toBe('sim-8-job-0');
  });

  it('generates each entity independently of how many others are generated', () => {
    const small = generateMarket({ seed: 3, candidates: 10, jobs: 20, days: 5, start, companies: 30 });
    const large = generateMarket({ seed: 3, candidates: 100, jobs: 200, days: 5, start, companies: 30 });
    expect(large.jobs.slice(0, 20)).toEqual(small.jobs);
    expect(large.candidates.slice(0, 10)).toEqual(small.candidates);
  });

  it('produces consistent jobs: skills from the taxonomy, salaries in the location currency, dates in range', () => {
    const { market } = run(11);
    const end = start.getTime() + 5 * 86_400_000;
    for (const j of market.jobs) {
      const occ = OCCUPATIONS.find((o) => o.key === j.truth.occupation)!;
      expect(j.skills.filter((s) => occ.skills.includes(s)).length).toBeGreaterThanOrEqual(5);
      const loc = LOCATIONS.find((l) => l.city === j.city)!;
      expect(j.salaryCurrency).toBe(loc.currency);
      expect(j.salaryMax).toBeGreaterThan(j.salaryMin);
      expect(Math.abs(j.salaryAnnualMax - j.salaryMax / UNITS_PER_USD[loc.currency as 'USD'])).toBeLessThanOrEqual(1);
      expect(j.postedAt).toBeLessThan(end);
      expect(j.postedAt).toBeGreaterThanOrEqual(start.getTime() - 30 * 86_400_000);
      expect((j.expiresAt - j.postedAt) / 86_400_000).toBeGreaterThanOrEqual(30);
      expect((j.expiresAt - j.postedAt) / 86_400_000).toBeLessThanOrEqual(60);
      expect(j.contentHash).toMatch(/^[0-9a-f]{40}$/);
      expect(j.normalizedTitle).toBe(j.normalizedTitle.toLowerCase());
      expect(j.normalizedTitle).not.toMatch(/\b(senior|junior|lead|intern|head of)\b/);
    }
    const currencies = new Set(market.jobs.map((j) => j.salaryCurrency));
    expect([...currencies].sort()).toEqual(['EUR', 'GBP', 'USD']);
    expect(market.jobs.some((j) => j.remote)).toBe(true);
    for (const c of market.candidates) {
      expect(c.email).toMatch(/^sim-11-cand-\d+@example\.test$/);
      expect(c.consentAlerts && c.consentTraining).toBe(true);
      expect(c.truth.latent).toHaveLength(8);
    }
  });

  it('normalises titles by removing seniority words', () => {
    expect(normalizeSimTitle('Senior Data Scientist')).toBe('data scientist');
    expect(normalizeSimTitle('Head of Marketing Manager')).toBe('marketing manager');
    expect(normalizeSimTitle('Registered Nurse')).toBe('registered nurse');
  });

  it('logs lists of distinct jobs with 1-based positions, one impression per shown job', () => {
    const { market, events } = run(5);
    const impressions = events.filter((e) => e.type === 'impression');
    expect(impressions.length).toBeGreaterThan(500);
    const byRanking = new Map<string, number[]>();
    for (const e of impressions) byRanking.set(e.rankingId, [...(byRanking.get(e.rankingId) ?? []), e.jobIndex]);
    for (const jobs of byRanking.values()) expect(new Set(jobs).size).toBe(jobs.length);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    for (const e of events) {
      expect(e.position).toBeGreaterThanOrEqual(1);
      const job = market.jobs[e.jobIndex]!;
      expect(e.occurredAt).toBeGreaterThanOrEqual(job.postedAt);
    }
  });
});
