import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { redisUrlOrSkip } from '../../../e2e/support/services.js';
import type { KeyValueStore } from './key-value-store.js';
import { PostgresKeyValueStore } from './postgres-key-value-store.js';
import { RedisKeyValueStore } from './redis-key-value-store.js';

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** The same behaviour is required of both implementations. */
function behavesLikeAKeyValueStore(name: string, open: () => Promise<[KeyValueStore, KeyValueStore] | undefined>) {
  describe(name, () => {
    let a: KeyValueStore;
    let b: KeyValueStore;
    let skip = false;
    const prefix = `kvtest:${process.pid}:${Date.now()}:`;

    beforeAll(async () => {
      const pair = await open();
      if (!pair) skip = true;
      else [a, b] = pair;
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('stores, overwrites and deletes values, visible from another connection', async () => {
      if (skip) return;
      await a.set(`${prefix}k`, 'v1');
      expect(await b.get(`${prefix}k`)).toBe('v1');
      await b.set(`${prefix}k`, 'v2');
      expect(await a.get(`${prefix}k`)).toBe('v2');
      await a.del(`${prefix}k`);
      expect(await b.get(`${prefix}k`)).toBeNull();
    });

    it('never returns a value past its TTL', async () => {
      if (skip) return;
      await a.set(`${prefix}ttl`, 'short', 0.3);
      expect(await a.get(`${prefix}ttl`)).toBe('short');
      await sleep(450);
      expect(await a.get(`${prefix}ttl`)).toBeNull();
    });

    it('increments atomically under concurrency and restarts an expired counter', async () => {
      if (skip) return;
      await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).incrBy(`${prefix}n`, 2)));
      expect(await a.get(`${prefix}n`)).toBe('100');
      expect(await a.incrBy(`${prefix}e`, 5, 0.2)).toBe(5);
      await sleep(350);
      expect(await a.incrBy(`${prefix}e`, 1, 10)).toBe(1);
    });

    it('delivers published messages to subscribers on another connection, in order, until unsubscribed', async () => {
      if (skip) return;
      const got: string[] = [];
      const unsubscribe = await b.subscribe(`${prefix}ch`, (m) => got.push(m));
      await sleep(50);
      for (const m of ['one', 'two', 'three']) await a.publish(`${prefix}ch`, m);
      await a.publish(`${prefix}other`, 'not for us');
      await waitFor(() => got.length === 3);
      expect(got).toEqual(['one', 'two', 'three']);
      await unsubscribe();
      await a.publish(`${prefix}ch`, 'late');
      await sleep(600);
      expect(got).toEqual(['one', 'two', 'three']);
    });
  });
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('kv');
});
afterAll(async () => {
  await db?.drop();
});

behavesLikeAKeyValueStore('PostgresKeyValueStore', async () => [PostgresKeyValueStore.connect(db.url), PostgresKeyValueStore.connect(db.url)]);
behavesLikeAKeyValueStore('RedisKeyValueStore', async () => {
  const url = redisUrlOrSkip('RedisKeyValueStore behaviour');
  return url ? [RedisKeyValueStore.connect(url), RedisKeyValueStore.connect(url)] : undefined;
});

describe('RedisKeyValueStore namespaces (QUEUE_PREFIX)', () => {
  it('two deployments on one Redis see neither each other\'s keys nor each other\'s messages', async () => {
    const url = redisUrlOrSkip('RedisKeyValueStore namespaces');
    if (!url) return;
    const ns = `kvns${process.pid}${Date.now().toString(36)}`;
    const [a, b, plain] = [RedisKeyValueStore.connect(url, `${ns}a`), RedisKeyValueStore.connect(url, `${ns}b`), RedisKeyValueStore.connect(url)];
    try {
      await a.set('ranked:targets', 'A');
      await b.set('ranked:targets', 'B');
      expect([await a.get('ranked:targets'), await b.get('ranked:targets')]).toEqual(['A', 'B']);
      expect(await plain.get(`${ns}a:ranked:targets`)).toBe('A'); // stored under the namespace
      expect(await a.get(`${ns}a:ranked:targets`)).toBe('A'); // a key naming its namespace already is not prefixed twice
      const got: string[] = [];
      const off = await b.subscribe('matchlab:candidate-activity', (m) => got.push(m));
      await a.publish('matchlab:candidate-activity', 'from a');
      await b.publish('matchlab:candidate-activity', 'from b');
      for (let i = 0; i < 50 && got.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual(['from b']);
      await off();
      await a.del('ranked:targets');
      await b.del('ranked:targets');
    } finally {
      for (const s of [a, b, plain]) await s.close();
    }
  });
});
