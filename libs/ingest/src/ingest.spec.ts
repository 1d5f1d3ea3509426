import { describe, expect, it } from '@jest/globals';
import { normalizeLocation } from './location.js';
import { estimateJaccard, jaccard, lshBands, minhashSignature, shingles, textMinhash } from './minhash.js';
import { jobRowSchema, describeIssues } from './schemas.js';
import { annualSalary } from './salary.js';
import { canonicalSkills, extractSkills, CANONICAL_SKILLS } from './skills.js';
import { textPipeline } from './text-pipeline.js';
import { inferSeniority, normalizeTitle } from './title.js';

const rates = new Map([['USD', 1], ['EUR', 0.92], ['GBP', 0.78]]);
const schema = jobRowSchema(new Set(rates.keys()));
const reasonOf = (row: Record<string, unknown>) => {
  const r = schema.safeParse(row);
  return r.success ? null : describeIssues(r.error);
};

describe('job row validation', () => {
  it('accepts a good row and coerces CSV strings', () => {
    const r = schema.parse({ external_id: 'x', title: 'Dev', salary_min: '1,000', employment_type: 'Full-Time', remote: 'yes', posted_at: '2026-11-02' });
    expect(r).toMatchObject({ salary_min: 1000, employment_type: 'full_time', remote: true });
    expect(r.posted_at?.toISOString()).toBe('2026-11-02T00:00:00.000Z');
  });
  it('reports each typical bad row with its field and a clear reason', () => {
    expect(reasonOf({ external_id: 'x' })).toEqual({ field: 'title', reason: 'title is required' });
    expect(reasonOf({ external_id: 'x', title: 'a', salary_min: -1 })).toEqual({ field: 'salary_min', reason: 'salary_min must not be negative' });
    expect(reasonOf({ external_id: 'x', title: 'a', employment_type: 'sometimes' })?.reason).toMatch(/unknown employment_type "sometimes"/);
    expect(reasonOf({ external_id: 'x', title: 'a', posted_at: '2026-13-45' })).toMatchObject({ field: 'posted_at', reason: expect.stringMatching(/posted_at must be a date/) });
    expect(reasonOf({ external_id: 'x', title: 'a', salary_min: 9, salary_max: 5 })?.reason).toBe('salary_min 9 is greater than salary_max 5');
    expect(reasonOf({ external_id: 'x', title: 'a', salary_min: 9, salary_currency: 'XYZ' })?.reason).toMatch(/unknown currency "XYZ"/);
  });
});

describe('normalisation', () => {
  it('normalises titles and infers seniority', () => {
    expect(normalizeTitle('Sr. Software Eng (m/f/d)')).toBe('software engineer');
    expect(normalizeTitle('Jr Frontend Dev')).toBe('frontend developer');
    expect(normalizeTitle('Product Mgr, (w/m/d)')).toBe('product manager');
    expect(inferSeniority('Sr. Software Eng')).toBe('senior');
    expect(inferSeniority('Jr Frontend Dev')).toBe('junior');
    expect(inferSeniority('Principal Engineer')).toBe('lead');
    expect(inferSeniority('Head of Sales')).toBe('executive');
    expect(inferSeniority('Summer Intern')).toBe('intern');
    expect(inferSeniority('Accountant')).toBeNull();
  });
  it('normalises locations to ISO countries and US state codes', () => {
    expect(normalizeLocation({ location: 'Mountain View, CA, United States' })).toEqual({ city: 'Mountain View', region: 'CA', country: 'US', remote: false });
    expect(normalizeLocation({ location: 'berlin,  Germany' })).toEqual({ city: 'Berlin', region: null, country: 'DE', remote: false });
    expect(normalizeLocation({ city: '  new york ', region: 'New York' })).toEqual({ city: 'New York', region: 'NY', country: 'US', remote: false });
    expect(normalizeLocation({ location: 'Remote - US' })).toMatchObject({ country: 'US', remote: true });
  });
  it('converts salaries to an annual amount in the base currency', () => {
    expect(annualSalary(100000, 'year', 'USD', rates)).toBe(100000);
    expect(annualSalary(50, 'hour', 'USD', rates)).toBe(104000);
    expect(annualSalary(92000, 'year', 'EUR', rates)).toBe(100000);
    expect(annualSalary(1000, 'month', 'GBP', rates, 'EUR')).toBe(Math.round(((1000 * 12 * 0.92) / 0.78) * 100) / 100);
    expect(annualSalary(200, 'day', 'USD', rates)).toBe(52000);
    expect(annualSalary(1000, 'week', 'USD', rates)).toBe(52000);
    expect(annualSalary(null, 'year', 'USD', rates)).toBeNull();
    expect(() => annualSalary(1, 'year', 'XYZ', rates)).toThrow(/no exchange rate for XYZ/);
  });
});

describe('skills', () => {
  it('has a vocabulary of about 150+ canonical skills and maps aliases', () => {
    expect(CANONICAL_SKILLS.length).toBeGreaterThanOrEqual(150);
    expect(canonicalSkills(['JS', 'javascript', 'Postgres', 'PostgreSQL', 'k8s', 'Underwater Basket Weaving'])).toEqual(['javascript', 'postgresql', 'kubernetes', 'underwater basket weaving']);
  });
  it('extracts skills from free text without matching common words', () => {
    const found = extractSkills('Experience with Node.js, React and Postgres; AWS a plus. You will go to meetings and care for the team. Knowledge of C++ and R.');
    expect(found.sort()).toEqual(['aws', 'c++', 'node.js', 'postgresql', 'r', 'react'].sort());
    expect(extractSkills('Patient care and BLS certification, EHR charting')).toEqual(['patient care', 'basic life support', 'electronic health records']);
  });
});

describe('text pipeline', () => {
  it('tokenises, lowercases, drops stop words and stems', () => {
    expect(textPipeline('The engineers were building scalable systems')).toEqual(['engin', 'build', 'scalabl', 'system']);
    expect(textPipeline('The Engineers', { stem: false })).toEqual(['engineers']);
  });
});

describe('MinHash / LSH', () => {
  it('estimates the Jaccard similarity of known sets within sampling error', () => {
    const a = new Set(Array.from({ length: 200 }, (_, i) => `w${i}`));
    for (const overlap of [0, 50, 100, 150, 200]) {
      const b = new Set(Array.from({ length: 200 }, (_, i) => `w${i + 200 - overlap}`));
      const truth = jaccard(a, b);
      const est = estimateJaccard(minhashSignature(a), minhashSignature(b));
      // 128 permutations: standard error sqrt(J(1-J)/128) <= 0.045; allow ~3 standard errors.
      expect(Math.abs(est - truth)).toBeLessThan(0.13);
    }
    expect(estimateJaccard(minhashSignature(a), minhashSignature(new Set(a)))).toBe(1);
  });
  it('stays unbiased for short texts, where most of the 128 bins are empty before densification', () => {
    // 40 pairs of 60-shingle sets at Jaccard 0.5 and 0.8: the mean estimate is within 0.03 of the truth.
    for (const target of [0.5, 0.8]) {
      const shared = Math.round((2 * target * 60) / (1 + target));
      let sum = 0;
      for (let p = 0; p < 40; p++) {
        const a = new Set(Array.from({ length: 60 }, (_, i) => `p${p}-s${i}`));
        const b = new Set([...Array.from({ length: shared }, (_, i) => `p${p}-s${i}`), ...Array.from({ length: 60 - shared }, (_, i) => `p${p}-t${i}`)]);
        sum += estimateJaccard(minhashSignature(a), minhashSignature(b)) - jaccard(a, b);
      }
      expect(Math.abs(sum / 40)).toBeLessThan(0.03);
    }
    expect(minhashSignature(new Set<string>()).every((v) => v === 0xffffffff)).toBe(true);
  });
  it('builds word shingles and stable band keys; near-identical texts share bands, different ones do not', () => {
    expect([...shingles('a b c d')]).toEqual(['a b c', 'b c d']);
    const base = 'we are hiring a senior backend engineer to build our payments platform with go and postgres on aws for millions of users worldwide';
    const x = textMinhash(base);
    const y = textMinhash(`${base} today`);
    const z = textMinhash('registered nurse needed for night shifts in a busy emergency department with acls and bls certification required');
    expect(textMinhash(base)).toEqual(x);
    expect(estimateJaccard(x.signature, y.signature)).toBeGreaterThanOrEqual(0.8);
    expect(x.bands.filter((b) => y.bands.includes(b)).length).toBeGreaterThan(0);
    expect(x.bands.filter((b) => z.bands.includes(b))).toEqual([]);
    expect(x.bands.every((b) => Number.isSafeInteger(b))).toBe(true);
    expect(() => lshBands([1, 2, 3], 2)).toThrow();
  });
});
