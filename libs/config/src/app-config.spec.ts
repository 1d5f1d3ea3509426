import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEV_PII_INDEX_KEY, DEV_PII_KEYS, loadConfig } from './app-config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'matchlab-config-'));
/** Production needs its own PII keys (not the public development ones). */
const PII = { PII_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`, PII_INDEX_KEY: Buffer.alloc(32, 2).toString('base64') };
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
    const prod = loadConfig({ MATCHLAB_DATA_DIR: dataDir(), NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32), ...PII });
    expect(prod.webhooks.allowPrivateUrls).toBe(false);
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir(), NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32), ...PII, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }).webhooks.allowPrivateUrls).toBe(true);
    expect(fail({ WEBHOOK_MAX_ATTEMPTS: '0' }).variable).toBe('WEBHOOK_MAX_ATTEMPTS');
    expect(fail({ WEBHOOK_TIMEOUT_MS: 'soon' }).message).toMatch(/^config: WEBHOOK_TIMEOUT_MS .*\(got "soon"\)$/);
  });

  it('requires AUTH_SECRET in production', () => {
    expect(fail({ NODE_ENV: 'production' }).message).toBe('config: AUTH_SECRET is required in production');
  });

  it('PII keys: the public development ring outside production; required, and not the development keys, in production; a bad entry fails in one line without echoing the keys', () => {
    const dev = loadConfig({ MATCHLAB_DATA_DIR: dataDir() }).pii;
    expect(dev.developmentKeys).toBe(true);
    expect(dev.keys.map((k) => k.id)).toEqual(['dev']);
    expect(dev.keys[0]!.key.equals(Buffer.from(DEV_PII_KEYS.slice(4), 'base64'))).toBe(true);
    const ring = `k2:${Buffer.alloc(32, 3).toString('base64')},${PII.PII_KEYS}`;
    const prod = loadConfig({ MATCHLAB_DATA_DIR: dataDir(), NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32), ...PII, PII_KEYS: ring }).pii;
    expect(prod.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(prod.developmentKeys).toBe(false);
    const base = { NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) };
    expect(fail({ ...base, PII_INDEX_KEY: PII.PII_INDEX_KEY }).message).toBe('config: PII_KEYS is required in production');
    expect(fail({ ...base, PII_KEYS: PII.PII_KEYS }).message).toBe('config: PII_INDEX_KEY is required in production');
    expect(fail({ ...base, ...PII, PII_KEYS: DEV_PII_KEYS }).message).toBe('config: PII_KEYS must not use the public development key as the active key in production');
    expect(fail({ ...base, ...PII, PII_INDEX_KEY: DEV_PII_INDEX_KEY }).variable).toBe('PII_INDEX_KEY');
    // the development key may stay as a retired key, to read and re-wrap old rows
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir(), ...base, ...PII, PII_KEYS: `${PII.PII_KEYS},${DEV_PII_KEYS}` }).pii.keys.map((k) => k.id)).toEqual(['k1', 'dev']);
    const short = `k1:${Buffer.alloc(16, 7).toString('base64')}`;
    const err = fail({ PII_KEYS: short });
    expect(err.message).toBe('config: PII_KEYS must be id:base64key[,id:base64key…] with 32-byte keys: key k1: must be 32 bytes (base64), got 16');
    expect(err.message).not.toContain(short.slice(3));
    expect(fail({ PII_KEYS: 'nocolon' }).message).toMatch(/^config: PII_KEYS .*key 1: expected id:base64key/);
    expect(fail({ PII_INDEX_KEY: 'abc' }).message).toBe('config: PII_INDEX_KEY must be base64 of 32 bytes (e.g. `openssl rand -base64 32`)');
  });

  it('treats empty URL variables as unset', () => {
    const c = loadConfig({ MATCHLAB_DATA_DIR: dataDir(), DATABASE_URL: '', REDIS_URL: '' });
    expect(c.embeddedDatabase).toBe(true);
    expect(c.usesRedis).toBe(false);
  });

  it('security: CORS open outside production and closed in production unless CORS_ORIGINS lists origins; limits parsed', () => {
    const prod = { NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32), ...PII };
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

  it('API_PROCESSES: 1 by default; more than 1 only with DATABASE_URL (embedded PGlite lives in one process)', () => {
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir() }).apiProcesses).toBe(1);
    expect(loadConfig({ MATCHLAB_DATA_DIR: dataDir(), API_PROCESSES: '2', DATABASE_URL: 'postgres://h/db' }).apiProcesses).toBe(2);
    expect(fail({ API_PROCESSES: '2' }).message).toBe('config: API_PROCESSES more than 1 needs DATABASE_URL (the embedded database lives in one process)');
    expect(fail({ API_PROCESSES: '0' }).message).toMatch(/^config: API_PROCESSES /);
  });
});
