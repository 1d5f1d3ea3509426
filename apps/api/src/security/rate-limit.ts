import type { AuthService, Principal } from '@app/auth';
import type { AppConfig } from '@app/config';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

interface LimitedRequest {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal | null;
}
interface LimitedResponse {
  setHeader(name: string, value: string): void;
  status(code: number): { json(body: unknown): void };
}

export interface RateLimits {
  /** Express middleware for /graphql. */
  middleware: (req: LimitedRequest, res: LimitedResponse, next: (err?: unknown) => void) => void;
  backend: 'redis' | 'memory';
  close(): Promise<void>;
}

/**
 * Per-API-key and per-IP request limits (rate-limiter-flexible). With REDIS_URL the counters live in Redis, so several
 * API processes share one budget per key and per IP; without Redis each process counts on its own (in memory).
 * A request carrying a valid API key counts against that key; every other request (anonymous, console bearer token,
 * or a wrong key — so guessing keys is throttled too) counts against the client IP.
 */
export function createRateLimits(config: AppConfig, auth: AuthService): RateLimits {
  const { perApiKey, perIp, windowSeconds } = config.security.rateLimit;
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false }) : undefined;
  const make = (name: string, points: number): RateLimiterAbstract | undefined => {
    if (points <= 0) return undefined;
    const memory = new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix: name });
    if (!redis) return memory;
    // When Redis is unreachable the process falls back to its own in-memory budget instead of failing requests.
    return new RateLimiterRedis({ storeClient: redis, points, duration: windowSeconds, keyPrefix: `${config.queuePrefix}:ratelimit:${name}`, insuranceLimiter: memory });
  };
  const byKey = make('key', perApiKey);
  const byIp = make('ip', perIp);

  const header = (req: LimitedRequest, name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };

  const middleware: RateLimits['middleware'] = (req, res, next) => {
    void (async () => {
      let principal: Principal | undefined;
      try {
        principal = await auth.authenticate(header(req, 'authorization'), header(req, 'x-api-key'));
        req.principal = principal ?? null; // the permission guard reuses it
      } catch {
        principal = undefined; // the guard authenticates again and answers UNAUTHENTICATED
      }
      const [limiter, key, scope] = principal?.kind === 'api_key' ? [byKey, principal.id, 'api_key'] : [byIp, req.ip ?? 'unknown', 'ip'];
      if (!limiter) return next();
      try {
        const r = await limiter.consume(key);
        res.setHeader('RateLimit-Limit', String(limiter.points));
        res.setHeader('RateLimit-Remaining', String(r.remainingPoints));
        next();
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) return next(); // store error without insurance: do not fail the request
        const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        res.setHeader('Retry-After', String(retryAfter));
        res.setHeader('RateLimit-Limit', String(limiter.points));
        res.setHeader('RateLimit-Remaining', '0');
        res.status(429).json({
          errors: [{ message: `rate limit exceeded for this ${scope === 'ip' ? 'client address' : 'API key'}: ${limiter.points} requests per ${windowSeconds} s; retry after ${retryAfter} s`, extensions: { code: 'RATE_LIMITED', scope, retryAfterSeconds: retryAfter } }],
        });
      }
    })().catch(next);
  };

  return {
    middleware,
    backend: redis ? 'redis' : 'memory',
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
