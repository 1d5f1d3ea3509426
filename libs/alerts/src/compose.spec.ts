import { describe, expect, it } from '@jest/globals';
import { duplicateKey, eligibleJobs, matchesFilters, normaliseTitle, selectTop, type ScoredWindowJob } from './compose.js';
import { alertRetryDelayMs, ALERT_MAX_ATTEMPTS } from './alert-retry.js';
import { openToken, sealToken } from './tokens.js';

const NOW = Date.parse('2026-06-10T12:00:00Z');
let seq = 0;
function job(over: Partial<ScoredWindowJob> = {}): ScoredWindowJob {
  seq += 1;
  return {
    id: String(seq), title: 'Backend Engineer', companyId: '1', companyName: 'Acme', city: 'Berlin', region: null, country: 'DE', remote: false,
    skills: ['typescript'], description: 'Build APIs', salaryAnnualMin: 60000, salaryAnnualMax: 80000, postedAt: NOW - 3600_000, expiresAt: null, status: 'active', score: 0.5,
    ...over,
  };
}

describe('alert composition', () => {
  it('drops expired, closed and already-sent jobs', () => {
    const live = job(), expired = job({ expiresAt: NOW - 1 }), closed = job({ status: 'closed' }), sent = job();
    expect(eligibleJobs([live, expired, closed, sent], { nowMs: NOW, alreadySent: new Set([sent.id]), filters: {} }).map((j) => j.id)).toEqual([live.id]);
  });

  it('collapses near-duplicates (same company, normalised title, location) keeping the best score', () => {
    const a = job({ title: 'Backend Engineer (m/f/d)', score: 0.3 });
    const b = job({ title: 'backend  engineer', score: 0.9 });
    const otherCity = job({ title: 'Backend Engineer', city: 'Munich', score: 0.1 });
    const otherCompany = job({ companyId: '2', score: 0.2 });
    expect(normaliseTitle('Backend-Engineer (m/w/d)')).toBe('backend engineer');
    expect(duplicateKey(a)).toBe(duplicateKey(b));
    const top = selectTop([a, b, otherCity, otherCompany]);
    expect(top.map((t) => t.job.id)).toEqual([b.id, otherCompany.id, otherCity.id]);
    expect(top.map((t) => t.position)).toEqual([1, 2, 3]);
  });

  it('keeps the top k (default 10) by score; an empty list stays empty', () => {
    const jobs = Array.from({ length: 25 }, (_, i) => job({ companyId: String(100 + i), score: i }));
    expect(selectTop(jobs)).toHaveLength(10);
    expect(selectTop(jobs)[0]!.job.score).toBe(24);
    expect(selectTop(jobs, 3).map((t) => t.job.score)).toEqual([24, 23, 22]);
    expect(selectTop([])).toEqual([]);
  });

  it('applies saved-search filters: keywords (all must match), location, remote, minimum salary', () => {
    const j = job({ title: 'Senior TypeScript Developer', skills: ['node'], city: 'Berlin', salaryAnnualMax: 90000 });
    expect(matchesFilters(j, { keywords: ['typescript', 'NODE'] })).toBe(true);
    expect(matchesFilters(j, { keywords: ['typescript', 'rust'] })).toBe(false);
    expect(matchesFilters(j, { location: 'berlin' })).toBe(true);
    expect(matchesFilters(j, { location: 'Paris' })).toBe(false);
    expect(matchesFilters(job({ remote: true, city: null }), { location: 'Paris' })).toBe(true);
    expect(matchesFilters(j, { remote: true })).toBe(false);
    expect(matchesFilters(j, { minSalary: 85000 })).toBe(true);
    expect(matchesFilters(j, { minSalary: 95000 })).toBe(false);
    expect(matchesFilters(job({ salaryAnnualMin: null, salaryAnnualMax: null }), { minSalary: 1 })).toBe(false);
  });
});

describe('alert webhook retry schedule', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with ±10% jitter, then stops', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => alertRetryDelayMs(n, 1, { random: mid }))).toEqual([5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]);
    expect(alertRetryDelayMs(8, 1)).toBeNull();
    expect(ALERT_MAX_ATTEMPTS).toBe(8);
    expect(alertRetryDelayMs(1, 1, { random: () => 0 })).toBe(4500);
    expect(alertRetryDelayMs(1, 1, { random: () => 1 })).toBe(5500);
    expect(alertRetryDelayMs(2, 0.001, { random: mid })).toBe(300);
    expect(alertRetryDelayMs(1, 1, { random: mid, retryAfterMs: 60_000 })).toBe(60_000);
  });
});

describe('opaque tokens', () => {
  it('round-trip, reveal no ids, and refuse tampering or another secret', () => {
    const secret = 'x'.repeat(40);
    const t = sealToken(secret, { k: 'u', s: '12345' });
    expect(t).not.toContain('12345');
    expect(Buffer.from(t, 'base64url').toString('latin1')).not.toContain('12345');
    expect(openToken(secret, t)).toEqual({ k: 'u', s: '12345' });
    const flipped = t.slice(0, 30) + (t[30] === 'A' ? 'B' : 'A') + t.slice(31);
    expect(openToken(secret, flipped)).toBeNull();
    expect(openToken('y'.repeat(40), t)).toBeNull();
    expect(openToken(secret, 'not-a-token')).toBeNull();
  });
});
