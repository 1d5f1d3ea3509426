import { z } from 'zod';

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

/** Every environment variable Matchlab reads, validated once at boot. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
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
});

export type RawConfig = z.infer<typeof configSchema>;
