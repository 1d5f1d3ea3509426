import { Redis } from 'ioredis';
import { describeError, redactUrl, ServiceUnreachableError } from '@app/db';

export async function assertRedisReachable(url: string, variable = 'REDIS_URL'): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 5000, retryStrategy: () => null });
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => (lastError = err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    // ioredis reports "Connection is closed" once it gives up; the socket error says why.
    const cause = lastError ?? (err instanceof Error ? err : undefined);
    const reason = cause ? describeError(cause) : String(err);
    throw new ServiceUnreachableError(variable, redactUrl(url), reason);
  } finally {
    redis.disconnect();
  }
}
