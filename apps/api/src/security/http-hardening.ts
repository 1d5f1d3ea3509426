import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthService } from '@app/auth';
import type { AppConfig } from '@app/config';
import helmet from 'helmet';
import { createRateLimits, type RateLimits } from './rate-limit.js';

type Req = { method: string; path: string; headers: Record<string, string | string[] | undefined> };
type Res = { headersSent: boolean; status(code: number): { json(body: unknown): void } };
type Next = (err?: unknown) => void;

/** Content Security Policy for the API and the console at /console (a Vite build: scripts and styles from self; MUI puts inline styles). */
const strictCsp = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};
/** GraphiQL (development only, GET /graphql) loads React and GraphiQL from unpkg and boots with an inline script. */
const graphiqlCsp = { ...strictCsp, scriptSrc: ["'self'", "'unsafe-inline'", 'https://unpkg.com'], styleSrc: ["'self'", "'unsafe-inline'", 'https://unpkg.com'], fontSrc: ["'self'", 'data:', 'https://unpkg.com'], imgSrc: ["'self'", 'data:', 'https:'] };

/**
 * HTTP-level hardening, applied before any route: client IP behind proxies, rate limits on /graphql, JSON body limit
 * with a typed 413, security headers (helmet) and CORS from CORS_ORIGINS. Called by createApiApp before `init`.
 */
export function applyHttpHardening(app: NestExpressApplication, config: AppConfig): RateLimits {
  const production = config.env === 'production';
  app.set('trust proxy', config.security.trustProxyHops);
  app.disable('x-powered-by');

  const strict = helmet({ contentSecurityPolicy: { useDefaults: false, directives: strictCsp }, crossOriginEmbedderPolicy: false });
  const relaxed = helmet({ contentSecurityPolicy: { useDefaults: false, directives: graphiqlCsp }, crossOriginEmbedderPolicy: false });
  app.use((req: Req, res: unknown, next: Next) => {
    const graphiqlPage = !production && req.method === 'GET' && req.path === '/graphql';
    (graphiqlPage ? relaxed : strict)(req as never, res as never, next);
  });

  app.enableCors({
    origin: config.security.corsOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id', 'apollo-require-preflight'],
    exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining'],
    maxAge: 600,
  });

  const limits = createRateLimits(config, app.get(AuthService));
  app.use('/graphql', limits.middleware);

  app.useBodyParser('json', { limit: config.security.bodyLimitBytes });
  // Body-parser failures (too large, malformed JSON, wrong charset) answer in GraphQL's error shape, never as an HTML page.
  app.use((err: { status?: number; type?: string; message?: string }, _req: Req, res: Res, next: Next) => {
    if (!err || res.headersSent || typeof err.status !== 'number' || err.status < 400 || err.status >= 500) return next(err);
    const tooLarge = err.status === 413;
    res.status(err.status).json({
      errors: [{ message: tooLarge ? `request body exceeds ${config.security.bodyLimitBytes} bytes (HTTP_BODY_LIMIT_BYTES)` : `malformed request body (${err.type ?? 'invalid'})`, extensions: { code: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'MALFORMED_REQUEST' } }],
    });
  });
  return limits;
}
