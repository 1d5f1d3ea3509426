import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { assign, bucketOf, checkAssignmentConfig, compileAssignment, assignCompiled, matchesTargeting, overlappingRanges, wouldReshuffle, type AssignmentConfig } from './assignment.js';
import { murmur3_32 } from './murmur3.js';

const here = dirname(fileURLToPath(import.meta.url));
const VECTORS = join(here, '..', 'test-vectors.json');

const ab = (over: Partial<AssignmentConfig> = {}): AssignmentConfig => ({
  key: 'exp',
  seed: 'exp-p1',
  variants: [
    { key: 'control', weight: 0.5 },
    { key: 'treatment', weight: 0.5 },
  ],
  coverage: 1,
  ...over,
});
const units = (n: number) => Array.from({ length: n }, (_, i) => `cand-${i}`);

describe('murmur3_32', () => {
  it('matches the published MurmurHash3_x86_32 reference values (SMHasher; same as imurmurhash, Python mmh3)', () => {
    const reference: Array<[string, number, number]> = [
      ['', 0, 0x00000000],
      ['', 1, 0x514e28b7],
      ['', 0xffffffff, 0x81f16f39],
      ['a', 0, 0x3c2569b2],
      ['abc', 0, 0xb3dd93fa],
      ['abcd', 0, 0x43ed676a],
      ['aaaa', 0x9747b28c, 0x5a97808a],
      ['Hello, world!', 0x9747b28c, 0x24884cba],
      ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
      // UTF-8 input: "ππππππππ" is 16 bytes
      ['ππππππππ', 0x9747b28c, 0xd58063c1],
    ];
    for (const [s, seed, want] of reference) expect({ s, h: murmur3_32(s, seed) }).toEqual({ s, h: want });
  });

  it('spreads units evenly over the 10,000 buckets (chi-square over 100 cells)', () => {
    const cells = new Array<number>(100).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) cells[Math.floor(bucketOf('seed-x', `u${i}`) / 100)]!++;
    const e = n / 100;
    const chi2 = cells.reduce((s, o) => s + (o - e) ** 2 / e, 0);
    // 99 df: the 0.999 quantile is 148.2
    expect(chi2).toBeLessThan(148.2);
  });
});

describe('assignment', () => {
  it('is deterministic and splits 50/50 within sampling error', () => {
    const c = compileAssignment(ab());
    let t = 0;
    for (const u of units(20_000)) {
      const a = assignCompiled(c, u);
      if (assignCompiled(c, u).variant !== a.variant) throw new Error(`unit ${u} changed variant between calls`);
      if (a.variant === 'treatment') t++;
    }
    expect(Math.abs(t / 20_000 - 0.5)).toBeLessThan(0.015);
  });

  it('raising coverage never moves an enrolled unit', () => {
    const low = compileAssignment(ab({ coverage: 0.2 }));
    const high = compileAssignment(ab({ coverage: 0.9 }));
    let enrolled = 0;
    for (const u of units(5000)) {
      const a = assignCompiled(low, u);
      if (a.inExperiment) {
        enrolled++;
        expect(assignCompiled(high, u).variant).toBe(a.variant);
      }
    }
    expect(enrolled).toBeGreaterThan(800);
    expect(wouldReshuffle(ab({ coverage: 0.2 }), ab({ coverage: 0.9 }))).toBe(false);
  });

  it('changing weights or lowering coverage reshuffles; a new seed is a new phase', () => {
    expect(wouldReshuffle(ab(), ab({ variants: [{ key: 'control', weight: 0.4 }, { key: 'treatment', weight: 0.6 }] }))).toBe(true);
    expect(wouldReshuffle(ab({ coverage: 0.5 }), ab({ coverage: 0.4 }))).toBe(true);
    expect(wouldReshuffle(ab(), ab({ killed: ['treatment'] }))).toBe(false);
    const ns = (start: number, end: number) => ab({ namespace: { name: 'n', start, end } });
    expect(wouldReshuffle(ns(0, 5000), ns(0, 6000))).toBe(false);
    expect(wouldReshuffle(ns(0, 5000), ns(1000, 5000))).toBe(true);
    expect(wouldReshuffle(ns(0, 5000), ab({ namespace: { name: 'other', start: 0, end: 5000 } }))).toBe(true);
    expect(wouldReshuffle(ab(), ab({ variants: [{ key: 'treatment', weight: 0.5 }, { key: 'control', weight: 0.5 }] }))).toBe(true);
    const moved = units(2000).filter((u) => assign(ab(), u).variant !== assign(ab({ seed: 'exp-p2' }), u).variant).length;
    expect(moved).toBeGreaterThan(800);
  });

  it('killing an arm sends its units to control without moving the other arms', () => {
    const three = ab({ variants: [{ key: 'control', weight: 0.34 }, { key: 'a', weight: 0.33 }, { key: 'b', weight: 0.33 }] });
    const killed = { ...three, killed: ['b'] };
    for (const u of units(3000)) {
      const before = assign(three, u);
      const after = assign(killed, u);
      if (before.variant === 'b') expect(after).toMatchObject({ inExperiment: false, variant: null, serve: 'control', reason: 'killed' });
      else expect(after.variant).toBe(before.variant);
    }
  });

  it('namespaces make experiments with disjoint ranges mutually exclusive', () => {
    const x = ab({ key: 'x', seed: 'x1', namespace: { name: 'alerts', start: 0, end: 5000 } });
    const y = ab({ key: 'y', seed: 'y1', namespace: { name: 'alerts', start: 5000, end: 10000 } });
    let inX = 0;
    let inY = 0;
    for (const u of units(4000)) {
      const a = assign(x, u).inExperiment;
      const b = assign(y, u).inExperiment;
      expect(a && b).toBe(false);
      inX += a ? 1 : 0;
      inY += b ? 1 : 0;
    }
    expect(inX).toBeGreaterThan(1800);
    expect(inY).toBeGreaterThan(1800);
    expect(overlappingRanges([{ start: 0, end: 5000 }, { start: 5000, end: 10000 }])).toEqual([]);
    expect(overlappingRanges([{ start: 0, end: 5000 }, { start: 4999, end: 6000 }])).toEqual([[0, 1]]);
  });

  it('a global holdout excludes the same units from every experiment', () => {
    const holdout = { seed: 'global', share: 0.1 };
    const held = units(5000).filter((u) => assign(ab({ holdout }), u).reason === 'holdout');
    expect(held.length / 5000).toBeGreaterThan(0.08);
    expect(held.length / 5000).toBeLessThan(0.12);
    for (const u of held) expect(assign(ab({ key: 'other', seed: 'o1', holdout }), u).reason).toBe('holdout');
  });

  it('forced variants win over everything; targeting filters on attributes', () => {
    const cfg = ab({ forced: { qa: 'treatment' }, holdout: { seed: 'g', share: 0.99 }, targeting: [{ attribute: 'country', op: 'in', value: ['FR', 'DE'] }] });
    expect(assign(cfg, 'qa')).toMatchObject({ inExperiment: true, variant: 'treatment', reason: 'forced' });
    expect(matchesTargeting([{ attribute: 'country', op: 'in', value: ['FR'] }, { attribute: 'years', op: 'gte', value: 5 }], { country: 'FR', years: 7 })).toBe(true);
    expect(matchesTargeting([{ attribute: 'years', op: 'gte', value: 5 }], { country: 'FR' })).toBe(false);
    expect(assign(ab({ targeting: [{ attribute: 'isNew', op: 'eq', value: true }] }), 'u1', { isNew: false }).reason).toBe('targeting');
  });

  it('rejects weights that do not sum to 1 and bad ranges', () => {
    expect(checkAssignmentConfig(ab({ variants: [{ key: 'a', weight: 0.5 }, { key: 'b', weight: 0.6 }] }))?.code).toBe('WEIGHTS_NOT_SUMMING_TO_ONE');
    expect(checkAssignmentConfig(ab({ namespace: { name: 'n', start: 10, end: 5 } }))?.code).toBe('INVALID_INPUT');
    expect(checkAssignmentConfig(ab({ killed: ['control', 'treatment'] }))?.code).toBe('INVALID_INPUT');
    expect(checkAssignmentConfig(ab())).toBeNull();
  });
});

interface VectorFile {
  hash: string;
  cases: Array<{ config: AssignmentConfig; vectors: Array<{ unit: string; input: string; hash: number; bucket: number; variant: string | null; reason: string }> }>;
}

function buildVectors(): VectorFile {
  const configs: AssignmentConfig[] = [
    ab({ key: 'ab-50-50', seed: 'ab-50-50:1' }),
    ab({ key: 'three-arms-cov-60', seed: 's3', coverage: 0.6, variants: [{ key: 'control', weight: 0.5 }, { key: 'als', weight: 0.25 }, { key: 'ease', weight: 0.25 }] }),
    ab({ key: 'unicode-units', seed: 'π-seed' }),
  ];
  const unitsFor = (i: number) => (i === 2 ? ['élodie', '日本-7', 'a', ''] : [...units(12), '123456789', 'e9b1c0de-2f1e-4b7c-9d3e-000000000001']);
  return {
    hash: 'bucket = murmur3_x86_32(utf8(`${seed}:${unit}`), 0) % 10000; variant i owns [S_i, S_i + round(coverage * (round(C_{i+1}*10000) - round(C_i*10000)))) with S_i = round(C_i * 10000), C_i the cumulative weight before i',
    cases: configs.map((config, i) => ({
      config,
      vectors: unitsFor(i).map((unit) => {
        const input = `${config.seed}:${unit}`;
        const a = assign(config, unit);
        return { unit, input, hash: murmur3_32(input), bucket: a.bucket, variant: a.variant, reason: a.reason };
      }),
    })),
  };
}

describe('published test vectors (libs/experiments/test-vectors.json)', () => {
  it('reproduces every (seed, unit) → hash → bucket → variant bit for bit', () => {
    const built = buildVectors();
    if (process.env['MATCHLAB_WRITE_VECTORS'] === '1') writeFileSync(VECTORS, JSON.stringify(built, null, 2) + '\n');
    const published = JSON.parse(readFileSync(VECTORS, 'utf8')) as VectorFile;
    expect(published.cases.length).toBe(3);
    for (const c of published.cases) {
      for (const v of c.vectors) {
        expect(murmur3_32(v.input)).toBe(v.hash);
        expect(v.hash % 10000).toBe(v.bucket);
        expect(assign(c.config, v.unit)).toMatchObject({ bucket: v.bucket, variant: v.variant, reason: v.reason });
      }
    }
    expect(published).toEqual(built);
  });
});
