import { Redis } from 'ioredis';
import { KeyValueStore } from './key-value-store.js';

/**
 * Keys and channels live under `<namespace>:` (the deployment's QUEUE_PREFIX), so deployments or test runs sharing
 * one Redis never read each other's cached lists or receive each other's invalidations. A key that already starts
 * with the namespace (alert idempotency records name it themselves) is used as it is.
 */
export class RedisKeyValueStore extends KeyValueStore {
  readonly backend = 'redis' as const;
  private subscriber?: Redis;
  private subscriberReady: Promise<void> = Promise.resolve();
  private readonly handlers = new Map<string, Set<(m: string) => void>>();
  private readonly prefix: string;

  constructor(private readonly redis: Redis, namespace = '') {
    super();
    this.prefix = namespace ? `${namespace}:` : '';
  }

  static connect(url: string, namespace = ''): RedisKeyValueStore {
    return new RedisKeyValueStore(new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false }), namespace);
  }

  private k(key: string): string {
    return this.prefix && !key.startsWith(this.prefix) ? this.prefix + key : key;
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(this.k(key));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds !== undefined) await this.redis.set(this.k(key), value, 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
    else await this.redis.set(this.k(key), value);
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.k(key));
  }

  async incrBy(key: string, by: number, ttlSeconds?: number): Promise<number> {
    const multi = this.redis.multi().incrby(this.k(key), by);
    if (ttlSeconds !== undefined) multi.pexpire(this.k(key), Math.round(ttlSeconds * 1000), 'NX');
    const results = await multi.exec();
    return Number(results?.[0]?.[1]);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(this.prefix + channel, message);
  }

  async subscribe(name: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const channel = this.prefix + name;
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate();
      this.subscriber.on('message', (ch: string, msg: string) => this.handlers.get(ch)?.forEach((h) => h(msg)));
      // Subscribing before the connection's ready check (INFO) has answered puts it in subscriber mode first, and the
      // check then fails ("only (P|S)SUBSCRIBE … allowed"): every subscriber waits for 'ready' once.
      const sub = this.subscriber;
      this.subscriberReady = sub.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve, reject) => {
        sub.once('ready', () => resolve());
        sub.once('end', () => reject(new Error('Redis subscriber connection ended before it was ready')));
      });
    }
    await this.subscriberReady;
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
