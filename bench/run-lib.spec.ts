import { existsSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  alertsRankedFallback, compare, connectorsFeedFallback, ENTRIES, entryRows, errorSummary, evaluateRow, formatNumber, formatTable, getPath, lastJsonBlock,
  parseBenchResult, parseRunnerArgs, selectEntries, type RowSpec,
} from './run-lib.js';

describe('parseBenchResult', () => {
  it('takes the last BENCH_RESULT line and ignores the other output', () => {
    const out = ['noise {"a":1}', 'BENCH_RESULT {"name":"x","v":1}', 'more', '  BENCH_RESULT {"name":"x","v":2}  ', 'trailing text'].join('\n');
    expect(parseBenchResult(out, 'x')).toEqual({ name: 'x', v: 2 });
  });
  it('skips a malformed result line for an earlier good one', () => {
    expect(parseBenchResult('BENCH_RESULT {"v":1}\nBENCH_RESULT {"v":', 'x')).toEqual({ v: 1 });
  });
  it('falls back to the last single-line JSON object carrying the entry name', () => {
    const out = '{"name":"connectors-feed","jobsPerSecond":1}\n{"label":"x"}\n{"name":"connectors-feed","jobsPerSecond":2500,"peakRssMb":180}\ndone';
    expect(parseBenchResult(out, 'connectors-feed')).toEqual({ name: 'connectors-feed', jobsPerSecond: 2500, peakRssMb: 180 });
    expect(parseBenchResult(out, 'other')).toBeUndefined();
    expect(parseBenchResult('no json here')).toBeUndefined();
  });
});

describe('fallbacks for the benches owned by others', () => {
  it('reads the pretty-printed object alerts-ranked prints at the end', () => {
    const obj = { strategy: 'popularity', rate: 200, latencyMs: { p50: 3, p99: 41 }, evenlyPaced: { rps: 199.5, latencyMs: { p99: 12.5 } } };
    const out = `market seeded in 3 s\n{\n  "noise": 1\n}\n${JSON.stringify(obj, null, 2)}\n`;
    expect(lastJsonBlock(out)).toEqual(obj);
    expect(alertsRankedFallback(out)).toEqual(obj);
    expect(alertsRankedFallback('crashed')).toBeUndefined();
  });
  it('takes the first sync of the whole feed from connectors-feed and renames its RSS field', () => {
    const line = (label: string, fetched: number, rate: number, rss: number) => JSON.stringify({ label, fetched, jobsPerSecond: rate, rssPeakMb: rss });
    const out = [line('first sync, 5000 jobs', 5000, 3000, 150), line('first sync, 10000 jobs', 10000, 2800, 160), line('second sync, 10000 jobs (unchanged)', 10000, 9000, 170), '10000 jobs in 3.6 s'].join('\n');
    expect(connectorsFeedFallback(out)).toEqual({ name: 'connectors-feed', jobs: 10000, jobsPerSecond: 2800, peakRssMb: 160, halfPeakRssMb: 150 });
    expect(connectorsFeedFallback('')).toBeUndefined();
  });
});

describe('getPath, compare, formatNumber', () => {
  it('walks dot paths, array indices and alternatives', () => {
    const r = { a: { b: [{ c: 3 }] }, z: 0, n: null };
    expect(getPath(r, 'a.b.0.c')).toBe(3);
    expect(getPath(r, ['missing.x', 'n', 'z'])).toBe(0);
    expect(getPath(r, 'a.b.c.d')).toBeUndefined();
  });
  it('compares with each operator', () => {
    expect(compare(4, { op: '<', value: 5 })).toBe(true);
    expect(compare(5, { op: '<', value: 5 })).toBe(false);
    expect(compare(5, { op: '<=', value: 5 })).toBe(true);
    expect(compare(2, { op: '>=', value: 2 })).toBe(true);
    expect(compare(2, { op: '>', value: 2 })).toBe(false);
    expect(compare(true, { op: '==', value: true })).toBe(true);
    expect(compare(true, { op: '>=', value: 1 })).toBe(false);
  });
  it('formats with separators and sensible decimals', () => {
    expect(formatNumber(1234567.8)).toBe('1,234,568');
    expect(formatNumber(123.456)).toBe('123.5');
    expect(formatNumber(1.23456)).toBe('1.23');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(0.5, 3)).toBe('0.500');
  });
});

describe('evaluateRow', () => {
  const higher: RowSpec = { metric: 'rows/s', path: 'rate', unit: '/s', target: { op: '>=', value: 5000 } };
  it('passes or fails on the target; ratio is figure ÷ target', () => {
    expect(evaluateRow('import', higher, { rate: 7500 })).toMatchObject({ name: 'import: rows/s', figure: '7,500/s', target: '≥ 5,000/s', peer: '–', ratio: '1.50×', status: 'pass' });
    expect(evaluateRow('import', higher, { rate: 2500 })).toMatchObject({ ratio: '0.50×', status: 'FAIL' });
  });
  it('orients the ratio for lower-is-better figures', () => {
    const row: RowSpec = { metric: 'p99', path: 'p99', unit: 'ms', target: { op: '<', value: 50 } };
    expect(evaluateRow('api', row, { p99: 25 })).toMatchObject({ figure: '25 ms', target: '< 50 ms', ratio: '2.00×', status: 'pass' });
    expect(evaluateRow('api', row, { p99: 100 })).toMatchObject({ ratio: '0.50×', status: 'FAIL' });
  });
  it('uses the peer for the ratio and judges a ratio target on it', () => {
    const row: RowSpec = { metric: 'assignments/s', path: 'ours', unit: '/s', peer: { path: 'gb', label: 'GrowthBook' }, ratioTarget: { op: '>=', value: 2 } };
    expect(evaluateRow('exp', row, { ours: 6_000_000, gb: 1_000_000 })).toMatchObject({ figure: '6,000,000/s', peer: '1,000,000/s (GrowthBook)', target: '≥ 2× GrowthBook', ratio: '6.00×', status: 'pass' });
    expect(evaluateRow('exp', row, { ours: 1_500_000, gb: 1_000_000 })).toMatchObject({ ratio: '1.50×', status: 'FAIL' });
    // peer missing (scikit-learn not installed): nothing to judge
    expect(evaluateRow('exp', row, { ours: 6_000_000, gb: null })).toMatchObject({ peer: 'n/a (GrowthBook)', ratio: '–', status: 'n/a' });
  });
  it('a peer on a row with a figure target: ratio vs the peer, status vs the target', () => {
    const row: RowSpec = { metric: 'p99', path: 'p99', unit: 'µs', digits: 2, target: { op: '<', value: 5 }, peer: { path: 'gb', label: 'GrowthBook' } };
    expect(evaluateRow('exp', row, { p99: 0.2, gb: 2 })).toMatchObject({ figure: '0.20 µs', target: '< 5 µs', ratio: '10.0×', status: 'pass' });
  });
  it('booleans, missing figures, notes, figures without a target, non-positive figures', () => {
    expect(evaluateRow('x', { metric: 'no loss', path: 'ok', target: { op: '==', value: true } }, { ok: false })).toMatchObject({ figure: 'false', target: '= true', ratio: '–', status: 'FAIL' });
    expect(evaluateRow('x', higher, {})).toMatchObject({ figure: 'n/a', status: 'n/a' });
    expect(evaluateRow('x', { metric: 'best', path: 'best.v', digits: 4, note: 'best.s' }, { best: { v: 0.31634, s: 'ease' } })).toMatchObject({ figure: '0.3163 (ease)', target: '–', ratio: '–', status: 'info' });
    expect(evaluateRow('x', { metric: 'change', path: 'c', unit: '%', target: { op: '<=', value: -50 } }, { c: -100 })).toMatchObject({ figure: '-100%', ratio: '–', status: 'pass' });
  });
});

describe('errorSummary', () => {
  it('keeps the error message and drops stack frames and the error object dump', () => {
    const stderr = [
      'matchlab: config: PII_KEYS is required in production', 'node:internal/errors:984', '  const err = new Error(message);', '              ^', '',
      'Error: Command failed: /usr/bin/node dist/apps/cli/src/main.js simulate market --seed 1 --json', '    at genericNodeError (node:internal/errors:984:15)',
      '    at file:///work/main/bench/alerts-ranked.bench.mjs:35:1 {', '  status: 1,', "  stdout: '',", '}', '', 'Node.js v20.20.2',
    ].join('\n');
    expect(errorSummary(stderr)).toBe('matchlab: config: PII_KEYS is required in production / Error: Command failed: /usr/bin/node dist/apps/cli/src/main.js simulate market --seed 1 --json');
  });
  it('without an error-looking line: the last lines', () => {
    expect(errorSummary('one\ntwo\nthree\n')).toBe('two / three');
    expect(errorSummary('')).toBe('');
  });
});

describe('entryRows and formatTable', () => {
  const entry = { name: 'alerts', rows: [{ metric: 'alerts/s', path: 'aps', unit: '/s', target: { op: '>=' as const, value: 167, text: '≥ 167/s (100,000 < 10 min)' } }] };
  it('one row per figure, or one row with the reason', () => {
    expect(entryRows(entry, { status: 'ok', result: { aps: 300 } })[0]).toMatchObject({ name: 'alerts: alerts/s', target: '≥ 167/s (100,000 < 10 min)', status: 'pass' });
    expect(entryRows(entry, { status: 'skipped', reason: 'Redis unreachable' })).toEqual([{ name: 'alerts', figure: 'Redis unreachable', target: '–', peer: '–', ratio: '–', status: 'skipped' }]);
    const err = entryRows(entry, { status: 'error', reason: `exit 1: ${'x'.repeat(200)}` })[0]!;
    expect(err.status).toBe('error');
    expect(err.figure.length).toBe(90);
  });
  it('pads every column to the same width and escapes pipes', () => {
    const rows = [...entryRows(entry, { status: 'ok', result: { aps: 300 } }), ...entryRows({ name: 'b|c', rows: [] }, { status: 'skipped', reason: 'µ' })];
    const lines = formatTable(rows).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\| bench +\| figure +\| target +\| peer +\| ratio +\| result +\|$/);
    expect(lines[1]).toMatch(/^\|-+\|-+\|-+\|-+\|-+\|-+\|$/);
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1);
    expect(lines[3]).toContain('b\\|c');
  });
});

describe('runner arguments and registry', () => {
  it('parses --size, --only, --build, --list and rejects the rest', () => {
    expect(parseRunnerArgs([])).toEqual({ size: 'small', only: undefined, build: false, list: false });
    expect(parseRunnerArgs(['--size', 'full', '--only=metrics, alerts', '--build'])).toEqual({ size: 'full', only: ['metrics', 'alerts'], build: true, list: false });
    expect(() => parseRunnerArgs(['--size', 'huge'])).toThrow('small or full');
    expect(() => parseRunnerArgs(['--only'])).toThrow('needs a value');
    expect(() => parseRunnerArgs(['--fast'])).toThrow('unknown argument');
  });
  it('selects entries in registry order and names unknown ones', () => {
    expect(selectEntries(ENTRIES, ['alerts', 'metrics']).map((e) => e.name)).toEqual(['metrics', 'alerts']);
    expect(() => selectEntries(ENTRIES, ['nope'])).toThrow('unknown bench nope');
  });
  it('every entry is well formed and its scripts exist (except the optional ones)', () => {
    expect(new Set(ENTRIES.map((e) => e.name)).size).toBe(ENTRIES.length);
    for (const e of ENTRIES) {
      expect(e.rows.length).toBeGreaterThan(0);
      expect(e.args.small ?? e.args.full).toBeDefined();
      if (!e.optional) expect(existsSync(e.script)).toBe(true);
      for (const a of [e.args.small, e.args.full]) if (a && !e.optional) expect(existsSync(a[0]!)).toBe(true);
      if (e.args.small) expect(e.args.small.join(' ')).toContain(e.script.replace(/^bench\//, ''));
    }
  });
});
