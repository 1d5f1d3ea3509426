import { describe, expect, it } from '@jest/globals';
import { bin, crossBucket, dayOfWeek, fitVocabulary, hashBucket, idfOf, log1p, oneHot, skillRelevance, smoothedRate, sparseCosine, standardiser, tfidfVector } from './encodings.js';

describe('feature encodings', () => {
  it('one-hot encodes a small vocabulary; unknown values are all zeros', () => {
    expect(oneHot('mid', ['junior', 'mid'], 'sen')).toEqual({ sen_junior: 0, sen_mid: 1 });
    expect(oneHot('other', ['junior', 'mid'], 'sen')).toEqual({ sen_junior: 0, sen_mid: 0 });
  });

  it('hashes large vocabularies into stable buckets (case and outer whitespace ignored) and crosses two of them', () => {
    const b = hashBucket(' Nurse ', 1 << 18)!;
    expect(b).toBe(hashBucket('nurse', 1 << 18));
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(1 << 18);
    expect(hashBucket('', 10)).toBeNull();
    expect(hashBucket('a', 1 << 30)).toBe(0xe40c292c % (1 << 30)); // FNV-1a("a") = 0xe40c292c
    expect(crossBucket('nurse', 'berlin', 1000)).not.toBe(crossBucket('nurse', 'paris', 1000));
    expect(crossBucket('nurse', null, 1000)).toBeNull();
  });

  it('standardises, log-transforms and bins', () => {
    const s = standardiser([1, 2, 3, null]);
    expect(s.mean).toBe(2);
    expect(s.std).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(s.z(3)).toBeCloseTo(1 / Math.sqrt(2 / 3), 12);
    expect(s.z(null)).toBeNull();
    expect(log1p(Math.E - 1)).toBeCloseTo(1, 12);
    expect(log1p(-1)).toBeNull();
    expect([0, 2, 3, 9.99, 10, 50].map((x) => bin(x, [2, 5, 10]))).toEqual([0, 1, 1, 2, 3, 3]);
    expect(bin(null, [1])).toBeNull();
  });

  it('smooths rates towards the prior for small counts', () => {
    expect(smoothedRate(1, 1, 0.1, 10)).toBeCloseTo(2 / 11, 12);
    expect(smoothedRate(500, 1000, 0.1, 10)).toBeCloseTo(501 / 1010, 12);
    expect(smoothedRate(0, 0, 0.1, 10)).toBeCloseTo(0.1, 12);
  });

  it('gives the UTC day of week', () => {
    expect(dayOfWeek(new Date('2026-11-01T12:00:00Z'))).toBe(0); // a Sunday
    expect(dayOfWeek(new Date('2026-11-04T23:59:00Z'))).toBe(3);
  });

  it('builds TF-IDF vectors over a versioned vocabulary, keeping the top terms, L2-normalised', () => {
    const docs = [['nurs', 'care', 'care'], ['nurs', 'icu'], ['develop', 'java'], ['develop', 'care']];
    const vocab = fitVocabulary(docs, { minDf: 2 });
    expect(vocab).toEqual({ terms: ['care', 'develop', 'nurs'], df: [2, 2, 2], docs: 4 });
    const idf = idfOf(vocab);
    expect(idf[0]).toBeCloseTo(Math.log(5 / 3) + 1, 12);
    const index = new Map(vocab.terms.map((t, i) => [t, i]));
    const v = tfidfVector(docs[0]!, index, idf, 7);
    expect(v.v).toBe(7);
    expect(v.i).toEqual([0, 2]);
    // weights (1 + ln 2)·idf and 1·idf, normalised
    const a = 1 + Math.log(2), norm = Math.hypot(a, 1);
    expect(v.x[0]).toBeCloseTo(a / norm, 4);
    expect(v.x[1]).toBeCloseTo(1 / norm, 4);
    expect(tfidfVector(['care', 'develop', 'nurs'], index, idf, 7, 2).i).toHaveLength(2);
    expect(sparseCosine(v, v)).toBeCloseTo(1, 4);
    expect(sparseCosine(v, tfidfVector(['develop'], index, idf, 7))).toBe(0);
    expect(sparseCosine(v, { ...v, v: 8 })).toBe(0);
  });

  it('scores skill relevance as the covered share of the job skills’ rarity mass', () => {
    const idf = (s: string) => ({ sql: 1, kubernetes: 3, rust: 2 })[s] ?? 1;
    expect(skillRelevance(['SQL', 'Kubernetes'], ['sql', 'kubernetes', 'rust'], idf)).toBeCloseTo(4 / 6, 12);
    expect(skillRelevance(['rust'], ['sql'], idf)).toBe(0);
    expect(skillRelevance(['rust'], [], idf)).toBeNull();
  });
});
