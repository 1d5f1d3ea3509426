/**
 * The small slice of Redis that Matchlab relies on (caches, counters, pub/sub). Redis serves it when
 * REDIS_URL is set; otherwise a Postgres table does, so embedded mode needs no Redis.
 */
export abstract class KeyValueStore {
  abstract readonly backend: 'redis' | 'postgres';
  abstract get(key: string): Promise<string | null>;
  /** ttlSeconds: expire after this many seconds (the value is never returned afterwards). */
  abstract set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  abstract del(key: string): Promise<void>;
  /** Atomically adds `by` and returns the new value; the TTL is set when the key is created. */
  abstract incrBy(key: string, by: number, ttlSeconds?: number): Promise<number>;
  abstract publish(channel: string, message: string): Promise<void>;
  /** Returns a function that unsubscribes. Messages published by any process reach every subscriber. */
  abstract subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
