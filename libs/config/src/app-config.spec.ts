import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'matchlab-config-'));
const fail = (env: Record<string, string>) => {
  try {
    loadConfig({ MATCHLAB_DATA_DIR: dataDir(), ...env });
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('applies defaults: port 3000, embedded database and queue, USD, seeding on', () => {
    const c = loadConfig({ MATCHLAB_DATA_DIR: dataDir() });
    expect(c.port).toBe(3000);
    expect(c.embeddedDatabase).toBe(true);
    expect(c.usesRedis).toBe(false);
    expect(c.baseCurrency).toBe('USD');
    expect(c.seed).toEqual({ onStart: true, candidates: 2000, jobs: 5000, days: 30 });
  });

  it('keeps a generated auth secret stable across boots in development', () => {
    const dir = dataDir();
    const a = loadConfig({ MATCHLAB_DATA_DIR: dir }).authSecret;
    const b = loadConfig({ MATCHLAB_DATA_DIR: dir }).authSecret;
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(32);
  });

  it('names the variable and the bad value in one line', () => {
    const err = fail({ PORT: 'abc' });
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.variable).toBe('PORT');
    expect(err.message).toMatch(/^config: PORT .*\(got "abc"\)$/);
    expect(err.message).not.toContain('\n');
  });

  it('rejects a DATABASE_URL that is not a postgres URL and a REDIS_URL that is not a redis URL', () => {
    expect(fail({ DATABASE_URL: 'mysql://x' }).variable).toBe('DATABASE_URL');
    expect(fail({ REDIS_URL: 'http://x' }).variable).toBe('REDIS_URL');
  });

  it('reads the webhook delivery settings; private targets are refused by default only in production', () => {
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir() }).webhooks).toEqual({ timeoutMs: 15000, maxAttempts: 8, retryBaseMs: 5000, allowPrivateUrls: true });
    const prod = loadConfig({ MATCHLAB_DATA_DIR: dataDir(), NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) });
    expect(prod.webhooks.allowPrivateUrls).toBe(false);
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir(), NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32), WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }).webhooks.allowPrivateUrls).toBe(true);
    expect(fail({ WEBHOOK_MAX_ATTEMPTS: '0' }).variable).toBe('WEBHOOK_MAX_ATTEMPTS');
    expect(fail({ WEBHOOK_TIMEOUT_MS: 'soon' }).message).toMatch(/^config: WEBHOOK_TIMEOUT_MS .*\(got "soon"\)$/);
  });

  it('requires AUTH_SECRET in production', () => {
    expect(fail({ NODE_ENV: 'production' }).message).toBe('config: AUTH_SECRET is required in production');
  });

  it('treats empty URL variables as unset', () => {
    const c = loadConfig({ MATCHLAB_DATA_DIR: dataDir(), DATABASE_URL: '', REDIS_URL: '' });
    expect(c.embeddedDatabase).toBe(true);
    expect(c.usesRedis).toBe(false);
  });

  it('security: CORS open outside production and closed in production unless CORS_ORIGINS lists origins; limits parsed', () => {
    const prod = { NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) };
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir() }).security).toEqual({
      corsOrigins: true, bodyLimitBytes: 5 * 1024 * 1024, graphqlMaxDepth: 12, graphqlMaxComplexity: 2000,
      rateLimit: { perApiKey: 60000, perIp: 3000, windowSeconds: 60 }, trustProxyHops: 0,
    });
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir(), ...prod }).security.corsOrigins).toBe(false);
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir(), ...prod, CORS_ORIGINS: 'https://a.example.com/, https://b.example.com' }).security.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir(), ...prod, CORS_ORIGINS: '*' }).security.corsOrigins).toBe(true);
    expect(fail({ GRAPHQL_MAX_DEPTH: '1' }).message).toMatch(/^config: GRAPHQL_MAX_DEPTH /);
    expect(fail({ RATE_LIMIT_PER_IP: '-5' }).message).toMatch(/^config: RATE_LIMIT_PER_IP /);
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir(), AUTH_ACCESS_TOKEN_TTL_SECONDS: '600' }).auth).toEqual({ accessTokenTtlSeconds: 600, refreshTokenTtlSeconds: 14 * 86400 });
  });
});
