import { LshIndex } from './lsh-index.js';
import { textMinhash } from './minhash.js';

const words = (seed: number, n: number) => Array.from({ length: n }, (_, i) => `w${(seed * 7919 + i * 104729) % 100000}`).join(' ');

describe('LshIndex', () => {
  it('finds the earliest near-duplicate of the same company only, and never the row itself', () => {
    const index = new LshIndex();
    const base = words(1, 80);
    const a = textMinhash(base);
    const near = textMinhash(`${base} one more`);
    index.add('c1', a.bands, { id: '10', source: 's', external_id: 'b' }, a.signature);
    index.add('c1', a.bands, { id: '20', source: 's', external_id: 'a' }, a.signature);
    index.add('c1', a.bands, { source: 's', external_id: 'written-in-this-run' }, a.signature);
    index.add('c2', a.bands, { id: '1', source: 's', external_id: 'other-company' }, a.signature);
    expect(index.find('c1', near.bands, near.signature, () => false)?.external_id).toBe('b');
    expect(index.find('c1', near.bands, near.signature, (j) => j.external_id === 'b')?.external_id).toBe('a');
    expect(index.find('c3', near.bands, near.signature, () => false)).toBeNull();
    const different = textMinhash(words(2, 80));
    expect(index.find('c1', different.bands, different.signature, () => false)).toBeNull();
  });

  it('keeps every job findable while its typed arrays grow (5,000 jobs, 160,000 band links)', () => {
    const index = new LshIndex();
    const docs = Array.from({ length: 5000 }, (_, i) => textMinhash(words(i + 10, 60)));
    docs.forEach((d, i) => index.add(`c${i % 50}`, d.bands, { id: String(i + 1), source: 's', external_id: `j${i}` }, d.signature));
    expect(index.size).toBe(5000);
    for (const i of [0, 1234, 4999]) {
      expect(index.find(`c${i % 50}`, docs[i]!.bands, docs[i]!.signature, () => false)?.external_id).toBe(`j${i}`);
    }
    expect(() => index.add('c0', docs[0]!.bands, { source: 's', external_id: 'x' }, [1, 2, 3])).toThrow();
  });

  it('holds under 600 bytes of typed arrays per job at 40,000 jobs, each still findable', () => {
    const index = new LshIndex();
    let seed = 1;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed);
    const job = (i: number) => ({ signature: Uint32Array.from({ length: 128 }, next), bands: Float64Array.from({ length: 32 }, () => next() * 1024 + i) });
    const kept = new Map<number, ReturnType<typeof job>>();
    for (let i = 0; i < 40_000; i++) {
      const j = job(i);
      if (i % 9999 === 0) kept.set(i, j);
      index.add(`c${i % 5000}`, j.bands, { source: 's', external_id: `j${i}` }, j.signature);
    }
    expect(index.bytes / index.size).toBeLessThan(600);
    for (const [i, j] of kept) expect(index.find(`c${i % 5000}`, j.bands, j.signature, () => false)?.external_id).toBe(`j${i}`);
  });
});
