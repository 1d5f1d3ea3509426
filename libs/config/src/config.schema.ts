import { z } from 'zod';
import { parseKeyList } from '@app/pii';

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const booleanFlag = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['1', 'true', 'yes'].includes(v)));

/** A secret given as base64 of exactly 32 bytes; '' counts as unset. */
const base64Key32 = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .refine((v) => v === undefined || (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32), { message: 'must be base64 of 32 bytes (e.g. `openssl rand -base64 32`)' });

/** PII key ring `id:base64key[,id:base64key…]` (first = active); the message names the bad entry, never the key. */
const piiKeyList = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parseKeyList(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `must be id:base64key[,id:base64key…] with 32-byte keys: ${(err as Error).message}` });
    }
  });

/** Every environment variable Matchlab reads, validated once at boot. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** API processes sharing PORT (node:cluster, one per core is typical); more than 1 needs DATABASE_URL (embedded PGlite lives in one process). */
  API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  /** Optional separate database for BullMQ's Postgres backend (used only without REDIS_URL). */
  QUEUE_DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  MATCHLAB_DATA_DIR: z.string().default('.matchlab'),
  MATCHLAB_SEED_ON_START: booleanFlag(true),
  MATCHLAB_SEED_CANDIDATES: z.coerce.number().int().min(0).default(2000),
  MATCHLAB_SEED_JOBS: z.coerce.number().int().min(0).default(5000),
  MATCHLAB_SEED_DAYS: z.coerce.number().int().min(1).default(30),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Personal data at rest (libs/pii): key-encryption keys, first = active; required in production (a fixed development ring otherwise). */
  PII_KEYS: piiKeyList,
  /** Key of the blind indexes (candidate email lookup, resume content hash); not rotated with PII_KEYS; required in production. */
  PII_INDEX_KEY: base64Key32,
  ADMIN_EMAIL: z.string().email().default('admin@matchlab.local'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BASE_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO currency code').default('USD'),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i).default('matchlab'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
  /** Registry webhooks: per-attempt timeout, attempts per delivery, first retry delay (then ×5 each time). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(15000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3600000).default(5000),
  /** Deliver to loopback/private/link-local addresses; unset: allowed outside production only (SSRF guard). */
  WEBHOOK_ALLOW_PRIVATE_URLS: z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : ['1', 'true', 'yes'].includes(v))),
  /** Alert email over SMTP (libs/alerts). SMTP_SECURE: TLS from the first byte (port 465); else STARTTLS when offered. */
  SMTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  SMTP_SECURE: booleanFlag(false),
  SMTP_REQUIRE_TLS: booleanFlag(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
  ALERTS_FROM: z.string().trim().min(3).default('Matchlab Alerts <alerts@matchlab.local>'),
  /** Base of the links in alerts (unsubscribe, click tracking); must be https:// in production. */
  ALERTS_PUBLIC_URL: z.string().trim().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').default('http://localhost:3000'),
  /** Where a tracked click lands; {id} is the job id. Default: <ALERTS_PUBLIC_URL>/jobs/{id}. */
  ALERTS_JOB_URL: z.string().trim().optional(),
  /** The model alerts are ranked with when the candidate has no experiment variant and the subscription no model. */
  ALERTS_MODEL_REF: z.string().trim().default('jobs@champion'),
  /** Multiplies the alert webhook retry schedule (5 s … 10 h); tests use a small factor. */
  ALERTS_RETRY_SCALE: z.coerce.number().positive().max(10).default(1),
  ALERTS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(15000),
  ALERTS_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
  /** How long an alert attempt that was handed to the channel may stay unrecorded before another run takes it over (the previous outcome is then unknown: sent again with the same Message-ID / webhook-id). */
  ALERTS_SEND_LEASE_MS: z.coerce.number().int().min(500).max(3600000).default(120000),
  /** API hardening (apps/api/src/security). CORS_ORIGINS: comma-separated origins allowed to call the API from a browser; '*' any; unset: any outside production, none in production. */
  CORS_ORIGINS: z.string().trim().optional(),
  /** Largest JSON request body in bytes (413 PAYLOAD_TOO_LARGE beyond). */
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(5 * 1024 * 1024),
  /** GraphQL: deepest selection nesting and largest cost (one point per selected field) a single operation may have. */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).max(1000000).default(2000),
  /** Requests per RATE_LIMIT_WINDOW_SECONDS per API key and per client IP (0 disables that limit). Shared across API processes through Redis when REDIS_URL is set; per process otherwise. */
  RATE_LIMIT_PER_API_KEY: z.coerce.number().int().min(0).default(60000),
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).default(3000),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  /** Express 'trust proxy' setting: hops of reverse proxies whose X-Forwarded-For is trusted for the client IP (0: none). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Lifetime of a console session's bearer token, and of the refresh token that renews it (refreshSession). */
  AUTH_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86400).default(3600),
  AUTH_REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(90 * 86400).default(14 * 86400),
  /** Observability: the worker's Prometheus listener (GET /metrics; 0 disables). The API serves /metrics on PORT. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  WORKER_METRICS_HOST: z.string().default('0.0.0.0'),
  /** Precomputed ranked lists (libs/ranking): cron of the nightly job ('' disables), list length, TTL in Redis. */
  RANKED_PRECOMPUTE_CRON: z.string().trim().default('0 3 * * *'),
  RANKED_PRECOMPUTE_TOP_N: z.coerce.number().int().min(1).max(200).default(50),
  RANKED_PRECOMPUTE_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86400).default(36 * 3600),
});

export type RawConfig = z.infer<typeof configSchema>;
