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

  it('requires AUTH_SECRET in production', () => {
    expect(fail({ NODE_ENV: 'production' }).message).toBe('config: AUTH_SECRET is required in production');
  });

  it('treats empty URL variables as unset', () => {
    const c = loadConfig({ MATCHLAB_DATA_DIR: dataDir(), DATABASE_URL: '', REDIS_URL: '' });
    expect(c.embeddedDatabase).toBe(true);
    expect(c.usesRedis).toBe(false);
  });
});
