import { Redis } from 'ioredis';

/** Removes the online-store keys a test wrote under its own prefix (they would otherwise live for the views' TTLs). */
export async function dropOnlineKeys(prefix: string | undefined): Promise<void> {
  const url = process.env['REDIS_URL'];
  if (!url || !prefix) return;
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:fs:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
