import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASETS_DIR, itWithDatasets } from '../../../../e2e/support/shared-datasets.js';

// Runs the built CLI (jest's global setup builds it) as a user would; no database is involved.
const CLI = 'dist/apps/cli/src/main.js';
const dir = mkdtempSync(join(tmpdir(), 'offline-benchmark-'));
const file = (name: string, lines: string[]): string => {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
};
const run = (args: string[]) => {
  const r = spawnSync('node', [CLI, 'offline-benchmark', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

// Item popularity in train: a 3, b 2, c 1, d 0 (d only appears in test).
const train = file('train.csv', ['user,item,rating,timestamp', 'u1,a,5,1', 'u1,b,3,2', 'u2,a,4,3', 'u2,b,2,4', 'u3,a,1,5', 'u3,c,5,6']);
const test = file('test.csv', ['user,item,rating,timestamp', 'u1,c,5,7', 'u2,d,4,8', 'u3,b,1,9']);

describe('matchlab offline-benchmark (built CLI)', () => {
  it('ranks the full catalogue without training items and prints the metrics as JSON', () => {
    const r = run(['--train', train, '--test', test, '--format', 'csv', '--strategy', 'popularity', '--k', '2', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { strategy: string; params: Record<string, unknown>; metrics: Record<string, number>; trainSeconds: number; recommendSeconds: number };
    expect(out.strategy).toBe('popularity');
    expect(out.params).toEqual({ halfLifeDays: null, binary: true });
    // u1 (seen a, b) → [c, d]: hit c at 1. u2 (seen a, b) → [c, d]: hit d at 2. u3 (seen a, c) → [b, d]: hit b at 1.
    expect(out.metrics['precision@2']).toBeCloseTo(0.5, 10);
    expect(out.metrics['recall@2']).toBeCloseTo(1, 10);
    expect(out.metrics['map@2']).toBeCloseTo((1 + 0.5 + 1) / 3, 10);
    expect(out.metrics['ndcg@2']).toBeCloseTo((1 + 1 / Math.log2(3) + 1) / 3, 10);
    expect(out.trainSeconds).toBeGreaterThanOrEqual(0);
  });

  it('with --threshold keeps only ratings at or above it', () => {
    const r = run(['--train', train, '--test', test, '--format', 'csv', '--strategy', 'popularity', '--k', '2', '--threshold', '4', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { metrics: Record<string, number> };
    // train kept: u1 a, u2 a, u3 c (a 2, c 1); test relevant: u1 c, u2 d (u3's b is rated 1)
    // u1 (seen a) → [c, b] hit at 1; u2 (seen a) → [c, b]: d missed
    expect(out.metrics['users']).toBe(2);
    expect(out.metrics['precision@2']).toBeCloseTo(0.25, 10);
  });

  itWithDatasets('matches the numpy reference for popularity on MovieLens-100K ua', () => {
    const ml = join(DATASETS_DIR, 'movielens-100k');
    const r = run(['--train', `${ml}/ua.base`, '--test', `${ml}/ua.test`, '--format', 'movielens', '--strategy', 'popularity', '--k', '10', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { metrics: Record<string, number> };
    // bench/recsys_reference.py: P@10 0.1215, NDCG@10 0.1331, MAP@10 0.0545
    expect(out.metrics['precision@10']).toBeCloseTo(0.1215, 4);
    expect(out.metrics['ndcg@10']).toBeCloseTo(0.1331, 4);
    expect(out.metrics['map@10']).toBeCloseTo(0.0545, 4);
  });

  it('names the problem: unknown strategy, bad params, content without features', () => {
    const a = run(['--train', train, '--test', test, '--format', 'csv', '--strategy', 'svd', '--json']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/UNKNOWN_STRATEGY: unknown strategy "svd"/);
    const b = run(['--train', train, '--test', test, '--format', 'csv', '--strategy', 'als', '--params', '{"factors":-2}', '--json']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/INVALID_PARAMS: als: invalid parameter factors/);
    const c = run(['--train', train, '--test', test, '--format', 'csv', '--strategy', 'content', '--json']);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/content needs item content features/);
  });
});
