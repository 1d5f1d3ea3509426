import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envWithoutServices, startNode } from './support/processes.js';

const API = 'dist/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/src/main.js';
const dataDir = () => mkdtempSync(join(tmpdir(), 'matchlab-startup-'));

describe('startup with unreachable or invalid configuration', () => {
  it.each([
    ['api', API, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' }, /^DATABASE_URL: cannot connect to postgres:\/\/postgres@127\.0\.0\.1:1\/nothing: .*ECONNREFUSED/m],
    ['api', API, { REDIS_URL: 'redis://127.0.0.1:1' }, /^REDIS_URL: cannot connect to redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/m],
    ['worker', WORKER, { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/x' }, /^DATABASE_URL: cannot connect to postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/m],
    ['api', API, { PORT: 'not-a-port' }, /^config: PORT .*\(got "not-a-port"\)$/m],
  ])('%s exits 1 with one line naming the variable (%#)', async (_name, entry, vars, expected) => {
    const p = startNode([entry], envWithoutServices({ MATCHLAB_DATA_DIR: dataDir(), MATCHLAB_SEED_ON_START: 'false', ...vars }));
    const code = await p.exited();
    expect(code).toBe(1);
    const out = p.output().trim();
    expect(out).toMatch(expected);
    expect(out.split('\n')).toHaveLength(1); // no stack trace
    expect(out).not.toContain('secret');
  });
});
