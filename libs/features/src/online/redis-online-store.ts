import { Redis } from 'ioredis';
import type { FeatureValue } from '../definitions/types.js';
import { OnlineStore, type OnlineKey, type OnlineRecord } from './online-store.js';

const WRITE_CHUNK = 2000;

/**
 * Online store on Redis. Key `<prefix>:fs:<viewVersionId>:<generation>:<entityKey>`, value the JSON array
 * `[eventTimeMs, ...values]`, written with SET … PXAT (event time + TTL) through pipelines; reads are one MGET.
 */
export class RedisOnlineStore extends OnlineStore {
  readonly backend = 'redis' as const;

  constructor(private readonly redis: Redis, private readonly prefix: string) {
    super();
  }

  static connect(url: string, prefix: string): RedisOnlineStore {
    return new RedisOnlineStore(new Redis(url, { maxRetriesPerRequest: 3, enableAutoPipelining: false }), prefix);
  }

  private k(viewVersionId: number, generation: number, key: string): string {
    return `${this.prefix}:fs:${viewVersionId}:${generation}:${key}`;
  }

  async write(viewVersionId: number, generation: number, records: OnlineRecord[], ttlMs: number): Promise<number> {
    const now = Date.now();
    const head = `${this.prefix}:fs:${viewVersionId}:${generation}:`;
    let written = 0;
    const chunks: Array<Promise<Array<[Error | null, unknown]> | null>> = [];
    for (let s = 0; s < records.length; s += WRITE_CHUNK) {
      const p = this.redis.pipeline();
      for (let i = s; i < Math.min(records.length, s + WRITE_CHUNK); i++) {
        const r = records[i]!;
        // PXAT takes whole milliseconds; event times from Postgres carry microseconds. Rounding down never outlives the TTL.
        const expireAt = Math.floor(r.eventTime + ttlMs);
        if (expireAt <= now) continue;
        p.set(head + r.key, pack(r), 'PXAT', expireAt);
        written++;
      }
      chunks.push(p.exec()); // sent now; the chunks travel back to back on the one connection
    }
    for (const res of await Promise.all(chunks)) {
      const failed = res?.find(([err]) => err);
      if (failed) throw failed[0];
    }
    return written;
  }

  async read(keys: OnlineKey[]): Promise<Array<OnlineRecord | null>> {
    if (keys.length === 0) return [];
    const raw = await this.redis.mget(keys.map((k) => this.k(k.viewVersionId, k.generation, k.key)));
    return raw.map((s, i) => (s === null ? null : unpack(keys[i]!.key, s)));
  }

  async sample(viewVersionId: number, generation: number, limit: number): Promise<OnlineRecord[]> {
    const pattern = `${this.prefix}:fs:${viewVersionId}:${generation}:*`;
    const head = `${this.prefix}:fs:${viewVersionId}:${generation}:`.length;
    const out: OnlineRecord[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) {
        const vals = await this.redis.mget(keys);
        vals.forEach((v, i) => { if (v !== null && out.length < limit) out.push(unpack(keys[i]!.slice(head), v)); });
      }
    } while (cursor !== '0' && out.length < limit);
    return out;
  }

  async dropGeneration(viewVersionId: number, generation: number): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:fs:${viewVersionId}:${generation}:*`, 'COUNT', 2000);
      cursor = next;
      if (keys.length) await this.redis.unlink(...keys);
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** `[eventTimeMs, ...values]`, reusing the values' JSON text when there is one. */
function pack(r: OnlineRecord): string {
  if (r.valuesJson === undefined) return JSON.stringify([r.eventTime, ...r.values]);
  const body = r.valuesJson.trim();
  return body === '[]' ? `[${r.eventTime}]` : `[${r.eventTime},${body.slice(1)}`;
}

function unpack(key: string, s: string): OnlineRecord {
  const arr = JSON.parse(s) as [number, ...FeatureValue[]];
  return { key, eventTime: arr[0], values: arr.slice(1) as FeatureValue[] };
}
