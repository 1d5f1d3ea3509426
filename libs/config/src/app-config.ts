import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseKeyList, type KeyEncryptionKey } from '@app/pii';
import { configSchema, type RawConfig } from './config.schema.js';

/**
 * The development key ring and index key used outside production when PII_KEYS / PII_INDEX_KEY are unset. They are
 * public (they are in this file), so data encrypted with them is protected from nobody: they exist so that a database
 * shared by several local processes (API, worker, CLI, tests with different data dirs) stays readable by all of them.
 * Production refuses to start without its own keys, and refuses these.
 */
export const DEV_PII_KEYS = 'dev:JI8Dx4lyyZGYc9xBKe4BNHTUFq7y3VKmZQAncotiqMA=';
export const DEV_PII_INDEX_KEY = '10JkzgGMRlrO+tx0NS3sJcLP2xUhWuyjY7F+WyqtO+4=';

/** Variables whose value is never echoed in a config error. */
const SECRET_VARIABLES = new Set(['AUTH_SECRET', 'ADMIN_PASSWORD', 'SMTP_PASSWORD', 'PII_KEYS', 'PII_INDEX_KEY']);

export type Environment = RawConfig['NODE_ENV'];

/** The typed configuration every app receives; built once at boot by {@link loadConfig}. */
export class AppConfig {
  readonly env: Environment;
  readonly port: number;
  readonly host: string;
  /** API processes sharing the port (apps/api/src/cluster.ts). */
  readonly apiProcesses: number;
  /** Unset means "embedded PGlite under dataDir". */
  readonly databaseUrl?: string;
  /** Unset means "no Redis: BullMQ and the key-value store run on Postgres". */
  readonly redisUrl?: string;
  readonly queueDatabaseUrl?: string;
  readonly dataDir: string;
  readonly seed: { onStart: boolean; candidates: number; jobs: number; days: number };
  readonly authSecret: string;
  /** Personal data at rest: the key ring (first = active), the blind-index key, and whether these are the public development keys. */
  readonly pii: { keys: KeyEncryptionKey[]; indexKey: Buffer; developmentKeys: boolean };
  readonly admin: { email: string; password?: string };
  readonly logLevel: RawConfig['LOG_LEVEL'];
  readonly baseCurrency: string;
  readonly queuePrefix: string;
  readonly shutdownTimeoutMs: number;
  /** Registry webhook delivery (libs/webhooks). */
  readonly webhooks: { timeoutMs: number; maxAttempts: number; retryBaseMs: number; allowPrivateUrls: boolean };
  /** Job alerts (libs/alerts): SMTP transport, link base, ranking model, webhook retries. */
  readonly alerts: {
    smtp: { host: string; port: number; secure: boolean; requireTls: boolean; user?: string; password?: string; poolSize: number };
    from: string;
    publicUrl: string;
    jobUrl: string;
    modelRef: string;
    retryScale: number;
    webhookTimeoutMs: number;
    batchSize: number;
    sendLeaseMs: number;
  };
  /** API hardening: CORS, body size, GraphQL cost limits, rate limits (apps/api/src/security). */
  readonly security: {
    /** true: any origin; false: none; else the listed origins. */
    corsOrigins: boolean | string[];
    bodyLimitBytes: number;
    graphqlMaxDepth: number;
    graphqlMaxComplexity: number;
    rateLimit: { perApiKey: number; perIp: number; windowSeconds: number };
    trustProxyHops: number;
  };
  /** Console sessions: access token and refresh token lifetimes. */
  readonly auth: { accessTokenTtlSeconds: number; refreshTokenTtlSeconds: number };
  /** Observability: the worker's Prometheus listener (port 0: off). */
  readonly observability: { workerMetricsPort: number; workerMetricsHost: string };
  /** Precomputed ranked lists: nightly cron ('' off), top-N per candidate and model, TTL of a stored list. */
  readonly precompute: { cron: string; topN: number; ttlSeconds: number };

  constructor(raw: RawConfig, authSecret: string) {
    this.env = raw.NODE_ENV;
    this.port = raw.PORT;
    this.host = raw.HOST;
    this.apiProcesses = raw.API_PROCESSES;
    this.databaseUrl = raw.DATABASE_URL;
    this.redisUrl = raw.REDIS_URL;
    this.queueDatabaseUrl = raw.QUEUE_DATABASE_URL;
    this.dataDir = resolve(raw.MATCHLAB_DATA_DIR);
    this.seed = {
      onStart: raw.MATCHLAB_SEED_ON_START,
      candidates: raw.MATCHLAB_SEED_CANDIDATES,
      jobs: raw.MATCHLAB_SEED_JOBS,
      days: raw.MATCHLAB_SEED_DAYS,
    };
    this.authSecret = authSecret;
    this.pii = {
      keys: parseKeyList(raw.PII_KEYS ?? DEV_PII_KEYS),
      indexKey: Buffer.from(raw.PII_INDEX_KEY ?? DEV_PII_INDEX_KEY, 'base64'),
      developmentKeys: raw.PII_KEYS === undefined || raw.PII_INDEX_KEY === undefined,
    };
    this.admin = { email: raw.ADMIN_EMAIL, password: raw.ADMIN_PASSWORD };
    this.logLevel = raw.LOG_LEVEL;
    this.baseCurrency = raw.BASE_CURRENCY;
    this.queuePrefix = raw.QUEUE_PREFIX;
    this.shutdownTimeoutMs = raw.SHUTDOWN_TIMEOUT_MS;
    this.webhooks = {
      timeoutMs: raw.WEBHOOK_TIMEOUT_MS,
      maxAttempts: raw.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: raw.WEBHOOK_RETRY_BASE_MS,
      allowPrivateUrls: raw.WEBHOOK_ALLOW_PRIVATE_URLS ?? raw.NODE_ENV !== 'production',
    };
    const publicUrl = raw.ALERTS_PUBLIC_URL.replace(/\/+$/, '');
    this.alerts = {
      smtp: { host: raw.SMTP_HOST, port: raw.SMTP_PORT, secure: raw.SMTP_SECURE, requireTls: raw.SMTP_REQUIRE_TLS, user: raw.SMTP_USER || undefined, password: raw.SMTP_PASSWORD || undefined, poolSize: raw.SMTP_POOL_SIZE },
      from: raw.ALERTS_FROM,
      publicUrl,
      jobUrl: raw.ALERTS_JOB_URL || `${publicUrl}/jobs/{id}`,
      modelRef: raw.ALERTS_MODEL_REF,
      retryScale: raw.ALERTS_RETRY_SCALE,
      webhookTimeoutMs: raw.ALERTS_WEBHOOK_TIMEOUT_MS,
      batchSize: raw.ALERTS_BATCH_SIZE,
      sendLeaseMs: raw.ALERTS_SEND_LEASE_MS,
    };
    const origins = raw.CORS_ORIGINS?.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean);
    this.security = {
      corsOrigins: origins === undefined || origins.length === 0 ? raw.NODE_ENV !== 'production' : origins.includes('*') ? true : origins,
      bodyLimitBytes: raw.HTTP_BODY_LIMIT_BYTES,
      graphqlMaxDepth: raw.GRAPHQL_MAX_DEPTH,
      graphqlMaxComplexity: raw.GRAPHQL_MAX_COMPLEXITY,
      rateLimit: { perApiKey: raw.RATE_LIMIT_PER_API_KEY, perIp: raw.RATE_LIMIT_PER_IP, windowSeconds: raw.RATE_LIMIT_WINDOW_SECONDS },
      trustProxyHops: raw.TRUST_PROXY_HOPS,
    };
    this.auth = { accessTokenTtlSeconds: raw.AUTH_ACCESS_TOKEN_TTL_SECONDS, refreshTokenTtlSeconds: raw.AUTH_REFRESH_TOKEN_TTL_SECONDS };
    this.observability = { workerMetricsPort: raw.WORKER_METRICS_PORT, workerMetricsHost: raw.WORKER_METRICS_HOST };
    this.precompute = { cron: raw.RANKED_PRECOMPUTE_CRON, topN: raw.RANKED_PRECOMPUTE_TOP_N, ttlSeconds: raw.RANKED_PRECOMPUTE_TTL_SECONDS };
  }

  get embeddedDatabase(): boolean {
    return this.databaseUrl === undefined;
  }

  get usesRedis(): boolean {
    return this.redisUrl !== undefined;
  }
}

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`config: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment. Throws {@link ConfigError} naming the first bad variable.
 * Without AUTH_SECRET outside production, a random secret is generated once and kept in the data dir.
 * Without PII_KEYS / PII_INDEX_KEY outside production, the public development keys are used (see {@link DEV_PII_KEYS}).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const got = env[variable];
    throw new ConfigError(variable, `${issue.message}${got !== undefined && !SECRET_VARIABLES.has(variable) ? ` (got "${got}")` : ''}`);
  }
  const raw = parsed.data;
  let secret = raw.AUTH_SECRET;
  if (!secret) {
    if (raw.NODE_ENV === 'production') throw new ConfigError('AUTH_SECRET', 'is required in production');
    secret = persistedSecret(resolve(raw.MATCHLAB_DATA_DIR));
  }
  if (raw.API_PROCESSES > 1 && !raw.DATABASE_URL) throw new ConfigError('API_PROCESSES', 'more than 1 needs DATABASE_URL (the embedded database lives in one process)');
  if (raw.NODE_ENV === 'production') {
    for (const v of ['PII_KEYS', 'PII_INDEX_KEY'] as const) if (raw[v] === undefined) throw new ConfigError(v, 'is required in production');
    // The public development key may stay in the ring as a retired key (to read and re-wrap old rows), never as the active one.
    if (parseKeyList(raw.PII_KEYS!)[0]!.key.equals(parseKeyList(DEV_PII_KEYS)[0]!.key)) throw new ConfigError('PII_KEYS', 'must not use the public development key as the active key in production');
    if (Buffer.from(raw.PII_INDEX_KEY!, 'base64').equals(Buffer.from(DEV_PII_INDEX_KEY, 'base64'))) throw new ConfigError('PII_INDEX_KEY', 'must not be the public development key in production');
  }
  return new AppConfig(raw, secret);
}

function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** For entry points: load the config or print one line and exit. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      writeSync(2, `${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
