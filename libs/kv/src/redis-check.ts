import { Redis } from 'ioredis';
import { redactUrl, ServiceUnreachableError } from '@app/db';

export async function assertRedisReachable(url: string, variable = 'REDIS_URL'): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 5000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ServiceUnreachableError(variable, redactUrl(url), reason);
  } finally {
    redis.disconnect();
  }
}
