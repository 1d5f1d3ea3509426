import { describe, expect, it } from '@jest/globals';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type * as Evaluation from './index.js';

// Worker threads need compiled JavaScript, so this runs the built library (jest's global setup builds it).
const lib = (await import(pathToFileURL(resolve('dist/libs/evaluation/src/index.js')).href)) as typeof Evaluation;

describe('sharded evaluation on worker threads', () => {
  it('4 shards on 2 workers merge to exactly the single-process result', async () => {
    const rng = new lib.SeededRandom(5);
    const rows = Array.from({ length: 3000 }, (_, u) => {
      const ranked = Array.from(new Set(Array.from({ length: 40 }, () => `j${rng.int(500)}`)));
      const relevant: Record<string, number> = {};
      for (let t = 0; t < 1 + rng.int(6); t++) relevant[rng.next() < 0.5 ? ranked[rng.int(ranked.length)]! : `j${rng.int(500)}`] = 1 + rng.int(3);
      return { user: `user-${u}`, ranked, relevant };
    });
    const { ds, userIds } = lib.encodeLists(rows);
    const opts = { ks: [5, 10, 20], metrics: ['precision', 'recall', 'map', 'ndcg', 'mrr', 'hit_rate'] as const, auc: true, gain: 'linear' as const };
    const single = lib.evaluateEncoded(ds, opts);
    const sharded = await lib.evaluateSharded(ds, opts, lib.partitionUsers(userIds, 4), 2);
    expect(Buffer.from(sharded.values.buffer).equals(Buffer.from(single.values.buffer))).toBe(true);
    expect(Array.from(sharded.users)).toEqual(Array.from(single.users));
    const agg = (p: typeof single) => lib.aggregate(p, { bootstrap: { seed: 3, samples: 200 }, catalogueSize: ds.numItems, ks: opts.ks });
    expect(agg(sharded)).toEqual(agg(single));
    expect(agg(single).find((m) => m.name === 'ndcg@10')!.value).toBeGreaterThan(0);
  });

  it('a duplicate in a shard surfaces as the typed error naming the user index', async () => {
    const ds = { numUsers: 2, numItems: 3, rankOffsets: Int32Array.of(0, 2, 5), rankItems: Int32Array.of(0, 1, 2, 1, 2), relOffsets: Int32Array.of(0, 1, 2), relItems: Int32Array.of(0, 1) };
    await expect(lib.evaluateSharded(ds, { ks: [2], metrics: ['ndcg'] }, [Int32Array.of(0), Int32Array.of(1)], 2)).rejects.toMatchObject({ code: 'DUPLICATE_ID', details: { user: '1', item: '2' } });
  });
});
