import { Redis } from 'ioredis';
import { KeyValueStore } from './key-value-store.js';

export class RedisKeyValueStore extends KeyValueStore {
  readonly backend = 'redis' as const;
  private subscriber?: Redis;
  private readonly handlers = new Map<string, Set<(m: string) => void>>();

  constructor(private readonly redis: Redis) {
    super();
  }

  static connect(url: string): RedisKeyValueStore {
    return new RedisKeyValueStore(new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false }));
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds !== undefined) await this.redis.set(key, value, 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
    else await this.redis.set(key, value);
  }

  async del(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async incrBy(key: string, by: number, ttlSeconds?: number): Promise<number> {
    const multi = this.redis.multi().incrby(key, by);
    if (ttlSeconds !== undefined) multi.pexpire(key, Math.round(ttlSeconds * 1000), 'NX');
    const results = await multi.exec();
    return Number(results?.[0]?.[1]);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate();
      this.subscriber.on('message', (ch: string, msg: string) => this.handlers.get(ch)?.forEach((h) => h(msg)));
    }
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(onMessage);
    return async () => {
      set.delete(onMessage);
      if (set.size === 0) {
        this.handlers.delete(channel);
        await this.subscriber?.unsubscribe(channel);
      }
    };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
