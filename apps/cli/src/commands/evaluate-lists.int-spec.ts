import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs the built CLI (jest's global setup builds it) as a user would.
const CLI = 'dist/apps/cli/src/main.js';
const dir = mkdtempSync(join(tmpdir(), 'evaluate-lists-'));
const file = (name: string, lines: string[]): string => {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
};
const run = (args: string[]) => {
  const r = spawnSync('node', [CLI, 'evaluate-lists', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const good = [
  JSON.stringify({ user: 'x', ranked: ['a', 'b', 'c'], relevant: { c: 1 } }),
  JSON.stringify({ user: 'y', ranked: ['a', 'b'], relevant: { a: 1, b: 1, c: 3 } }),
  JSON.stringify({ user: 'z', ranked: ['d', 'e'], relevant: {} }),
];

describe('matchlab evaluate-lists (built CLI)', () => {
  it('prints one JSON object with the metrics at every k', () => {
    const r = run(['--input', file('good.jsonl', good), '--k', '2,3', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { users: number; metrics: Record<string, number | null> };
    expect(out.users).toBe(2); // z has no relevant item
    // x: P@3 1/3, R 1, AP 1/3, NDCG 0.5, MRR 1/3; y: P@3 2/3 (hits/k), R 2/3, AP@3 = 2/min(3,3) = 2/3, NDCG@3 = (1 + 1/log2 3)/(1 + 1/log2 3 + 0.5)
    expect(out.metrics['precision@3']).toBeCloseTo((1 / 3 + 2 / 3) / 2, 10);
    expect(out.metrics['recall@3']).toBeCloseTo((1 + 2 / 3) / 2, 10);
    expect(out.metrics['map@3']).toBeCloseTo((1 / 3 + 2 / 3) / 2, 10);
    expect(out.metrics['ndcg@3']).toBeCloseTo((0.5 + (1 + 1 / Math.log2(3)) / (1.5 + 1 / Math.log2(3))) / 2, 10);
    expect(out.metrics['mrr@3']).toBeCloseTo((1 / 3 + 1) / 2, 10);
    expect(out.metrics['hit_rate@3']).toBe(1);
    expect(out.metrics['map@2']).toBeCloseTo((0 + 1) / 2, 10);
    expect(out.metrics['auc']).toBe(0); // only x has both sides; its positive is last
    expect(Object.keys(out.metrics)).toEqual(expect.arrayContaining(['precision@2', 'recall@2', 'ndcg@2', 'mrr@2', 'hit_rate@2', 'coverage@2']));
  });

  it('uses grades as linear gains with --graded and adds per-user rows with --per-user', () => {
    const r = run(['--input', file('graded.jsonl', [good[1]!]), '--k', '2', '--graded', '--per-user']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { metrics: Record<string, number>; perUser: Array<Record<string, unknown>> };
    // DCG = 1 + 1/log2 3; IDCG@2 from grades [3, 1, 1] = 3 + 1/log2 3
    expect(out.metrics['ndcg@2']).toBeCloseTo((1 + 1 / Math.log2(3)) / (3 + 1 / Math.log2(3)), 10);
    expect(out.perUser).toHaveLength(1);
    expect(out.perUser[0]!['user']).toBe('y');
  });

  it('fails on a bad line with its number and reason unless --skip-bad', () => {
    const input = file('bad.jsonl', [good[0]!, '{"user": "q", "ranked": ["a", "a"], "relevant": {}}', '{not json', good[1]!, '{"user": "r", "ranked": ["a"], "relevant": {"a": "high"}}']);
    const failed = run(['--input', input, '--k', '3']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr.trim()).toBe('matchlab: line 2: duplicate id "a" in ranked (user q)');

    const skipped = run(['--input', input, '--k', '3', '--skip-bad']);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toContain('skipped line 2: duplicate id "a" in ranked (user q)');
    expect(skipped.stderr).toMatch(/skipped line 3: malformed JSON/);
    expect(skipped.stderr).toContain('skipped line 5: grade of "a" is not a number');
    expect(skipped.stderr).toContain('skipped 3 bad line(s)');
    const out = JSON.parse(skipped.stdout) as { users: number; metrics: Record<string, number> };
    expect(out.users).toBe(2);
    expect(out.metrics['precision@3']).toBeCloseTo(0.5, 10);
  });

  it('reports a missing field and an unreadable file as one line', () => {
    const missing = run(['--input', file('missing.jsonl', ['{"user": "u", "relevant": {}}']), '--k', '5']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('matchlab: line 1: missing or non-array "ranked"');
    const nofile = run(['--input', join(dir, 'nope.jsonl'), '--k', '5']);
    expect(nofile.code).toBe(1);
    expect(nofile.stderr).toMatch(/^matchlab: cannot read .*nope\.jsonl: ENOENT/);
  });
});
