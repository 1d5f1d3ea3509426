import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { aggregate } from './aggregate.js';
import { bootstrapMeanCI } from './bootstrap.js';
import { EvaluationError } from './evaluation.errors.js';
import { evaluateEncoded } from './kernel.js';
import { encodeLists, evaluateLists, type RankedListRow } from './lists.js';
import { evaluateShardsInProcess, partitionUsers } from './shard.js';

const ITEMS = Array.from({ length: 30 }, (_, i) => `j${i}`);

/** A user: a ranking of distinct items and a graded relevant set drawn from the same catalogue. */
const rowArb = (user: string): fc.Arbitrary<RankedListRow> =>
  fc
    .record({
      ranked: fc.uniqueArray(fc.constantFrom(...ITEMS), { maxLength: 25 }),
      relevant: fc.uniqueArray(fc.tuple(fc.constantFrom(...ITEMS), fc.integer({ min: 0, max: 3 })), { selector: (t) => t[0], maxLength: 10 }),
    })
    .map(({ ranked, relevant }) => ({ user, ranked, relevant: Object.fromEntries(relevant) }));
const rowsArb = fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rowArb(`u${i}`))));
const kArb = fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 3 });

describe('metric properties', () => {
  it('every accuracy metric and AUC lies in [0, 1], per user and aggregated', () => {
    fc.assert(
      fc.property(rowsArb, kArb, fc.boolean(), (rows, ks, graded) => {
        const r = evaluateLists(rows, { ks, graded, perUser: true, bootstrap: { samples: 50 } });
        for (const [name, v] of Object.entries(r.metrics)) if (!Number.isNaN(v)) expect({ name, ok: v >= 0 && v <= 1 + 1e-12 }).toEqual({ name, ok: true });
        for (const u of r.perUser!) for (const [k, v] of Object.entries(u)) if (typeof v === 'number') expect({ k, ok: v >= 0 && v <= 1 + 1e-12 }).toEqual({ k, ok: true });
      }),
    );
  });

  it('a perfect ranking scores 1 on NDCG, AP and Recall when k >= |relevant|', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.constantFrom(...ITEMS), fc.integer({ min: 1, max: 3 })), { selector: (t) => t[0], minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 20 }), fc.boolean(), (rel, extraK, graded) => {
        const sorted = [...rel].sort((a, b) => b[1] - a[1]);
        const rest = ITEMS.filter((i) => !rel.some(([r]) => r === i));
        const row: RankedListRow = { user: 'u', ranked: [...sorted.map(([i]) => i), ...rest], relevant: Object.fromEntries(rel) };
        const k = rel.length + extraK;
        const m = evaluateLists([row], { ks: [k], graded, bootstrap: { samples: 10 } }).metrics;
        expect(m[`ndcg@${k}`]).toBeCloseTo(1, 12);
        expect(m[`map@${k}`]).toBeCloseTo(1, 12);
        expect(m[`recall@${k}`]).toBeCloseTo(1, 12);
      }),
    );
  });

  it('permuting the items below the top k changes no @k metric', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 10 }), fc.integer(), (rows, k, seed) => {
        const shuffled = rows.map((r) => {
          const tail = r.ranked.slice(k);
          // deterministic shuffle of the tail from the seed
          let s = seed >>> 0;
          for (let i = tail.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            const j = s % (i + 1);
            [tail[i], tail[j]] = [tail[j]!, tail[i]!];
          }
          return { ...r, ranked: [...r.ranked.slice(0, k), ...tail] };
        });
        const a = evaluateLists(rows, { ks: [k], bootstrap: { samples: 20 } }).metrics;
        const b = evaluateLists(shuffled, { ks: [k], bootstrap: { samples: 20 } }).metrics;
        for (const name of Object.keys(a).filter((n) => n.endsWith(`@${k}`))) expect([name, b[name]]).toEqual([name, a[name]]);
      }),
    );
  });

  it('rejects a ranking with a duplicated id, naming the user and the id', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...ITEMS), { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), (ranked, a, b) => {
        const dup = ranked[a % ranked.length]!;
        const withDup = [...ranked];
        withDup.splice(b % (ranked.length + 1), 0, dup);
        let caught: unknown;
        try {
          evaluateLists([{ user: 'alice', ranked: withDup, relevant: { [dup]: 1 } }], { ks: [5] });
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(EvaluationError);
        expect((caught as EvaluationError).code).toBe('DUPLICATE_ID');
        expect((caught as EvaluationError).details).toEqual({ user: 'alice', item: dup });
        expect((caught as Error).message).toContain('alice');
      }),
    );
  });

  it('the encoded kernel rejects duplicates too (user and item names in the message)', () => {
    const ds = { numUsers: 1, numItems: 3, rankOffsets: Int32Array.of(0, 3), rankItems: Int32Array.of(0, 2, 0), relOffsets: Int32Array.of(0, 1), relItems: Int32Array.of(2) };
    expect(() => evaluateEncoded(ds, { ks: [1], metrics: ['ndcg'], userName: () => 'bob', itemName: (i) => `item${i}` })).toThrow('user bob: item item0 appears more than once');
  });

  it('merged shards equal a single run exactly (per-user values and aggregates, to the last bit)', () => {
    fc.assert(
      fc.property(rowsArb, kArb, fc.integer({ min: 1, max: 5 }), (rows, ks, shards) => {
        const { ds, userIds } = encodeLists(rows);
        const opts = { ks, metrics: ['precision', 'recall', 'map', 'ndcg', 'mrr', 'hit_rate'] as const, auc: true };
        const single = evaluateEncoded(ds, opts);
        const merged = evaluateShardsInProcess(ds, opts, partitionUsers(userIds, shards));
        expect(Array.from(merged.users)).toEqual(Array.from(single.users));
        expect(Buffer.from(merged.values.buffer).equals(Buffer.from(single.values.buffer))).toBe(true);
        expect(Array.from(merged.bestPosition)).toEqual(Array.from(single.bestPosition));
        const agg = (p: typeof single) => aggregate(p, { bootstrap: { samples: 30, seed: 7 }, catalogueSize: ds.numItems, ks });
        expect(agg(merged)).toEqual(agg(single));
      }),
    );
  });

  it('the bootstrap CI contains the point estimate and is reproducible for a seed', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.integer(), (xs, seed) => {
        const v = Float64Array.from(xs);
        const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
        const ci = bootstrapMeanCI(v, { seed, samples: 400 });
        expect(ci.low).toBeLessThanOrEqual(mean + 1e-12);
        expect(ci.high).toBeGreaterThanOrEqual(mean - 1e-12);
        expect(bootstrapMeanCI(v, { seed, samples: 400 })).toEqual(ci);
      }),
    );
  });
});
