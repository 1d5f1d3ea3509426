import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';

// The built CLI (jest's global setup builds it); the calibration needs no database.
const CLI = 'dist/apps/cli/src/main.js';
const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('node', [CLI, ...args], { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });

describe('matchlab simulate aa|ab (built CLI)', () => {
  it('aa --json starts with runs, alpha and falsePositiveRate and reports every metric', async () => {
    const r = await run(['simulate', 'aa', '--runs', '40', '--units', '300', '--candidates', '200', '--jobs', '400', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).slice(0, 3)).toEqual(['runs', 'alpha', 'falsePositiveRate']);
    expect(out).toMatchObject({ runs: 40, alpha: 0.05, units: 300, peek: 'none', kind: 'aa' });
    expect(out.falsePositiveRate).toBeGreaterThanOrEqual(0);
    expect(out.falsePositiveRate).toBeLessThanOrEqual(0.25);
    expect(Object.keys(out.metrics)).toEqual(['clicksPerUnit', 'appliedProportion', 'clickThroughRate']);
  });

  it('aa --peek daily reports the group-sequential, always-valid and naive rates and the 14 boundaries', async () => {
    const r = await run(['simulate', 'aa', '--runs', '20', '--units', '200', '--candidates', '200', '--jobs', '400', '--peek', 'daily', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.boundaries).toHaveLength(14);
    expect(out.boundaries[13]).toBeGreaterThan(1.96);
    expect(out.metrics.clicksPerUnit.naivePeeking).toBeGreaterThanOrEqual(out.metrics.clicksPerUnit.fixedHorizon);
    expect(out.falsePositiveRate).toBe(out.metrics.clicksPerUnit.groupSequentialPeeking);
  });

  it('ab reports power and the calculator prediction; bad options are one-line errors', async () => {
    const r = await run(['simulate', 'ab', '--runs', '20', '--units', '300', '--candidates', '200', '--jobs', '400', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).slice(0, 3)).toEqual(['runs', 'alpha', 'power']);
    expect(out.predictedPower).toBeGreaterThan(0);
    const bad = await run(['simulate', 'aa', '--peek', 'hourly']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--peek must be none or daily');
  });
});
