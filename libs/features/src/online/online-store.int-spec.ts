import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { redisUrlOrSkip } from '../../../../e2e/support/services.js';
import { createTestDatabase, type TestDatabase } from '../../../../e2e/support/test-database.js';
import type { OnlineStore } from './online-store.js';
import { PostgresOnlineStore } from './postgres-online-store.js';
import { RedisOnlineStore } from './redis-online-store.js';

/** Both online backends must behave the same. */
function behavesLikeAnOnlineStore(name: string, open: () => Promise<OnlineStore | undefined>) {
  describe(name, () => {
    let store: OnlineStore | undefined;
    const vv = 900_000 + (process.pid % 1000);
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.dropGeneration(vv, 1);
      await store?.dropGeneration(vv, 2);
      await store?.close();
    });

    it('writes and reads records of a generation in one round trip, in request order', async () => {
      if (!store) return;
      const now = Date.now();
      const written = await store.write(vv, 1, [
        { key: 'a', eventTime: now - 1000, values: [1.5, 'x', null, { v: 1, i: [2], x: [1] }] },
        { key: 'b', eventTime: now - 2000.25, values: [2, 'y', true, null] }, // microseconds, as Postgres has them
        { key: 'old', eventTime: now - 120_000, values: [9, 'z', false, null] }, // already past a 60 s TTL: not written
      ], 60_000);
      expect(written).toBe(2);
      const got = await store.read([{ viewVersionId: vv, generation: 1, key: 'b' }, { viewVersionId: vv, generation: 1, key: 'nope' }, { viewVersionId: vv, generation: 1, key: 'a' }, { viewVersionId: vv, generation: 2, key: 'a' }, { viewVersionId: vv, generation: 1, key: 'old' }]);
      expect(got).toEqual([
        { key: 'b', eventTime: expect.closeTo(now - 2000.25, 0), values: [2, 'y', true, null] },
        null,
        { key: 'a', eventTime: now - 1000, values: [1.5, 'x', null, { v: 1, i: [2], x: [1] }] },
        null,
        null,
      ]);
    });

    it('expires a record at event time + TTL (the key itself goes)', async () => {
      if (!store) return;
      await store.write(vv, 1, [{ key: 'short', eventTime: Date.now() - 700, values: [1] }], 1000);
      expect(await store.read([{ viewVersionId: vv, generation: 1, key: 'short' }])).toEqual([expect.objectContaining({ key: 'short' })]);
      await sleep(450);
      expect(await store.read([{ viewVersionId: vv, generation: 1, key: 'short' }])).toEqual([null]);
    });

    it('samples and drops a generation without touching another', async () => {
      if (!store) return;
      await store.write(vv, 2, Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, eventTime: Date.now(), values: [i] })), 60_000);
      expect((await store.sample(vv, 2, 10)).length).toBe(10);
      expect((await store.sample(vv, 2, 100)).map((r) => r.values[0]).sort((a, b) => (a as number) - (b as number))).toEqual(Array.from({ length: 30 }, (_, i) => i));
      await store.dropGeneration(vv, 2);
      expect(await store.sample(vv, 2, 100)).toEqual([]);
      expect((await store.read([{ viewVersionId: vv, generation: 1, key: 'a' }]))[0]).not.toBeNull();
    });
  });
}

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('online_store');
  ds = new DataSource({ type: 'postgres', url: db.url, extra: { max: 2 } });
  await ds.initialize();
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

behavesLikeAnOnlineStore('PostgresOnlineStore', async () => new PostgresOnlineStore(ds));
behavesLikeAnOnlineStore('RedisOnlineStore', async () => {
  const url = redisUrlOrSkip('RedisOnlineStore behaviour');
  return url ? RedisOnlineStore.connect(url, `fstest${process.pid}`) : undefined;
});
