// The pure part of the benchmark runner (bench/run.mjs): the registry of benches with their small and full sizes and
// targets, parsing of a bench's result line, target / peer evaluation and the table. No I/O here: bench/run.mjs
// compiles this file with SWC and does the processes, databases and files; bench/run-lib.spec.ts tests it.

export type Size = 'small' | 'full';
export type Need = 'dist' | 'pg' | 'redis';
export type Op = '<' | '<=' | '>' | '>=' | '==';
export interface Target {
  op: Op;
  value: number | boolean;
  /** shown instead of `op value unit` */
  text?: string;
}
export interface RowSpec {
  metric: string;
  /** dot path into the bench's result (`a.b.0.c`); with several, the first one present wins */
  path: string | string[];
  unit?: string;
  digits?: number;
  /** default: from the target's op (`<`, `<=` → lower), else higher */
  better?: 'higher' | 'lower';
  target?: Target;
  peer?: { path: string | string[]; label: string };
  /** pass/fail on ours ÷ peer (oriented so that > 1 is better) instead of on the figure */
  ratioTarget?: Target;
  /** a path whose value is shown in brackets after the figure (e.g. the best strategy's name) */
  note?: string;
}
export interface Entry {
  name: string;
  /** the bench script (relative to the repository root), checked for existence before the run */
  script: string;
  /** node arguments (script first) per size; an absent size means "not run at that size" */
  args: Partial<Record<Size, string[]>>;
  needs: Need[];
  /** seconds before the entry is killed and marked failed */
  timeout: Record<Size, number>;
  /** the bench is written by someone else and may not exist yet: skipped (not failed) when missing */
  optional?: boolean;
  rows: RowSpec[];
  /** when the output has no result line: pull the figures out of what the bench prints today */
  fallback?: (stdout: string) => Record<string, unknown> | undefined;
}

export type Status = 'pass' | 'FAIL' | 'info' | 'n/a' | 'skipped' | 'error';
export interface TableRow {
  name: string;
  figure: string;
  target: string;
  peer: string;
  ratio: string;
  status: Status;
  value?: number | boolean | null;
  peerValue?: number | null;
  ratioValue?: number | null;
}

export const RESULT_PREFIX = 'BENCH_RESULT ';

const tryJson = (s: string): Record<string, unknown> | undefined => {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The bench's result: the last `BENCH_RESULT {…}` line, else the last single-line JSON object whose `name` is the
 * entry's name (the format other benches print), else undefined.
 */
export function parseBenchResult(stdout: string, name?: string): Record<string, unknown> | undefined {
  const lines = stdout.split('\n').map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.startsWith(RESULT_PREFIX)) {
      const v = tryJson(l.slice(RESULT_PREFIX.length));
      if (v) return v;
    }
  }
  if (name === undefined) return undefined;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.startsWith('{') && l.endsWith('}')) {
      const v = tryJson(l);
      if (v && v['name'] === name) return v;
    }
  }
  return undefined;
}

/** The last JSON object printed over several lines (`JSON.stringify(x, null, 2)`: `{` and `}` alone on a line). */
export function lastJsonBlock(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.split('\n');
  for (let end = lines.length - 1; end >= 0; end--) {
    if (lines[end]!.trimEnd() !== '}') continue;
    for (let start = end - 1; start >= 0; start--) {
      if (lines[start]!.trimEnd() !== '{') continue;
      const v = tryJson(lines.slice(start, end + 1).join('\n'));
      if (v) return v;
    }
  }
  return undefined;
}

/** Every single-line JSON object in the output, in order. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const raw of stdout.split('\n')) {
    const l = raw.trim();
    if (l.startsWith('{') && l.endsWith('}')) {
      const v = tryJson(l);
      if (v) out.push(v);
    }
  }
  return out;
}

export function getPath(obj: unknown, path: string | string[]): unknown {
  for (const p of Array.isArray(path) ? path : [path]) {
    let cur: unknown = obj;
    for (const key of p.split('.')) {
      if (cur === null || typeof cur !== 'object') {
        cur = undefined;
        break;
      }
      cur = (cur as Record<string, unknown>)[key];
    }
    if (cur !== undefined && cur !== null) return cur;
  }
  return undefined;
}

export function compare(value: number | boolean, target: Target): boolean {
  const t = target.value;
  switch (target.op) {
    case '==':
      return value === t;
    case '<':
      return typeof value === 'number' && typeof t === 'number' && value < t;
    case '<=':
      return typeof value === 'number' && typeof t === 'number' && value <= t;
    case '>':
      return typeof value === 'number' && typeof t === 'number' && value > t;
    case '>=':
      return typeof value === 'number' && typeof t === 'number' && value >= t;
  }
}

/** 1,234,567 · 12,345 · 123.4 · 1.23 · 0.0123; digits fixes the decimals. */
export function formatNumber(x: number, digits?: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (digits !== undefined) return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const a = Math.abs(x);
  const d = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : a === 0 ? 0 : Math.min(6, 2 - Math.floor(Math.log10(a)));
  return x.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d });
}

const withUnit = (s: string, unit?: string): string => (unit ? (/^[%×/]/.test(unit) ? `${s}${unit}` : `${s} ${unit}`) : s);
const opText: Record<Op, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=' };

export function targetText(t: Target | undefined, unit?: string): string {
  if (!t) return '–';
  if (t.text) return t.text;
  const v = typeof t.value === 'boolean' ? String(t.value) : withUnit(formatNumber(t.value), unit);
  return `${opText[t.op]} ${v}`;
}

function betterOf(row: RowSpec): 'higher' | 'lower' {
  if (row.better) return row.better;
  const op = row.target?.op ?? row.ratioTarget?.op;
  return op === '<' || op === '<=' ? 'lower' : 'higher';
}

/**
 * One table row from a bench's result. ratio = ours ÷ peer when there is a peer figure, otherwise figure ÷ target;
 * either way oriented so that > 1 means better (for "lower is better" figures it is peer ÷ ours, target ÷ figure),
 * and left empty when a side is not a positive number.
 */
export function evaluateRow(entryName: string, row: RowSpec, result: Record<string, unknown>): TableRow {
  const name = `${entryName}: ${row.metric}`;
  const raw = getPath(result, row.path);
  const value = typeof raw === 'number' || typeof raw === 'boolean' ? raw : null;
  const peerRaw = row.peer ? getPath(result, row.peer.path) : undefined;
  const peerValue = typeof peerRaw === 'number' ? peerRaw : null;
  const note = row.note ? getPath(result, row.note) : undefined;
  const lower = betterOf(row) === 'lower';
  const orient = (ours: number, other: number): number | null => (ours > 0 && other > 0 ? (lower ? other / ours : ours / other) : null);
  let ratioValue: number | null = null;
  if (typeof value === 'number') {
    if (peerValue !== null) ratioValue = orient(value, peerValue);
    else if (row.target && typeof row.target.value === 'number' && !row.ratioTarget) ratioValue = orient(value, row.target.value);
  }
  let status: Status;
  if (value === null) status = 'n/a';
  else if (row.ratioTarget) status = ratioValue === null || peerValue === null ? 'n/a' : compare(ratioValue, row.ratioTarget) ? 'pass' : 'FAIL';
  else if (row.target) status = compare(value, row.target) ? 'pass' : 'FAIL';
  else status = 'info';
  const figure = value === null ? 'n/a' : typeof value === 'boolean' ? String(value) : withUnit(formatNumber(value, row.digits), row.unit);
  const target = row.ratioTarget ? targetText(row.ratioTarget, '×') + (row.peer ? ` ${row.peer.label}` : '') : targetText(row.target, row.unit);
  const peer = !row.peer ? '–' : peerValue === null ? `n/a (${row.peer.label})` : `${withUnit(formatNumber(peerValue, row.digits), row.unit)} (${row.peer.label})`;
  return {
    name,
    figure: note !== undefined && value !== null ? `${figure} (${String(note)})` : figure,
    target,
    peer,
    ratio: ratioValue === null ? '–' : `${formatNumber(ratioValue, ratioValue >= 100 ? 0 : ratioValue >= 10 ? 1 : 2)}×`,
    status,
    value,
    peerValue,
    ratioValue,
  };
}

/** The rows of one entry: its figures when it produced a result, else one row saying why not. */
export function entryRows(entry: Pick<Entry, 'name' | 'rows'>, outcome: { status: 'ok' | 'skipped' | 'error'; result?: Record<string, unknown>; reason?: string }): TableRow[] {
  if (outcome.status === 'ok' && outcome.result) return entry.rows.map((r) => evaluateRow(entry.name, r, outcome.result!));
  const reason = (outcome.reason ?? (outcome.status === 'ok' ? 'no result line in the output' : '')).replace(/\s+/g, ' ').trim();
  return [{ name: entry.name, figure: reason.length > 90 ? `${reason.slice(0, 87)}...` : reason, target: '–', peer: '–', ratio: '–', status: outcome.status === 'ok' ? 'error' : outcome.status }];
}

/**
 * A short reason from a failed bench's stderr (or stdout): the first lines that read like an error message, without
 * stack frames and the property dump Node prints after an error; else the last meaningful lines.
 */
export function errorSummary(text: string, max = 2): string {
  const noise = /^(at |[{}\]^~]+,?$|\^+$|Node\.js v|node:internal\/|file:\/\/|.*= new \w*Error\(|(pid|status|signal|output|stdout|stderr|code|errno|syscall|address|port|cmd): |\[?exit )/;
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !noise.test(l));
  const errors = lines.filter((l) => /error|fail|required|refused|cannot|unable|not found|missing|denied|timed? ?out/i.test(l));
  const pick = errors.length ? errors.slice(0, max) : lines.slice(-max);
  return [...new Set(pick)].join(' / ');
}

export const TABLE_HEADER = ['bench', 'figure', 'target', 'peer', 'ratio', 'result'] as const;

/** A Markdown table with padded columns (readable in a terminal, pasteable into an issue). */
export function formatTable(rows: TableRow[]): string {
  const cells = [Array.from(TABLE_HEADER) as string[], ...rows.map((r) => [r.name, r.figure, r.target, r.peer, r.ratio, r.status])].map((c) => c.map((s) => s.replace(/\|/g, '\\|')));
  const width = TABLE_HEADER.map((_, i) => Math.max(...cells.map((c) => [...c[i]!].length)));
  const line = (c: string[]) => `| ${c.map((s, i) => s + ' '.repeat(width[i]! - [...s].length)).join(' | ')} |`;
  return [line(cells[0]!), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export interface RunnerOptions {
  size: Size;
  only: string[] | undefined;
  build: boolean;
  list: boolean;
}

export function parseRunnerArgs(argv: string[]): RunnerOptions {
  const opts: RunnerOptions = { size: 'small', only: undefined, build: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--size') {
      const v = value();
      if (v !== 'small' && v !== 'full') throw new Error(`--size must be small or full, not ${v}`);
      opts.size = v;
    } else if (flag === '--only') opts.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (flag === '--build') opts.build = true;
    else if (flag === '--list') opts.list = true;
    else throw new Error(`unknown argument ${a} (usage: npm run bench -- [--size small|full] [--only a,b] [--build] [--list])`);
  }
  return opts;
}

/** The entries to run, in registry order; unknown names in --only are an error. */
export function selectEntries(entries: Entry[], only: string[] | undefined): Entry[] {
  if (!only) return entries;
  const known = new Set(entries.map((e) => e.name));
  const unknown = only.filter((n) => !known.has(n));
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return entries.filter((e) => only.includes(e.name));
}

// ---- what the benches owned by others print today (used only when there is no result line) ----

/** bench/alerts-ranked.bench.mjs prints one pretty-printed JSON object at the end. */
export const alertsRankedFallback = (stdout: string): Record<string, unknown> | undefined => {
  const v = lastJsonBlock(stdout);
  return v && typeof v['rate'] === 'number' && v['latencyMs'] ? v : undefined;
};

/** bench/connectors-feed.bench.mjs prints one JSON line per sync; the first sync of the whole feed is the figure. */
export const connectorsFeedFallback = (stdout: string): Record<string, unknown> | undefined => {
  const first = jsonLines(stdout).filter((o) => typeof o['label'] === 'string' && (o['label'] as string).startsWith('first sync') && typeof o['fetched'] === 'number');
  if (!first.length) return undefined;
  const full = first.reduce((a, b) => ((b['fetched'] as number) > (a['fetched'] as number) ? b : a));
  return { name: 'connectors-feed', jobs: full['fetched'], jobsPerSecond: full['jobsPerSecond'], peakRssMb: full['rssPeakMb'], halfPeakRssMb: first.length > 1 ? first[0]!['rssPeakMb'] : undefined, peakRssWithoutIndexMb: full['rssPeakWithoutIndexMb'] };
};

// ---- the registry ----

const recsys = (file: string) => ['bench/recsys-build.mjs', `bench/${file}`];
const statistics = (file: string) => ['bench/statistics-build.mjs', `bench/${file}`];
const T = (op: Op, value: number | boolean, text?: string): Target => (text ? { op, value, text } : { op, value });

export const ENTRIES: Entry[] = [
  {
    name: 'experiments-assignment',
    script: 'bench/experiments-assignment.bench.mjs',
    args: { small: ['bench/experiments-assignment.bench.mjs', '--only', 'assignment', '--users', '100000', '--rounds', '3'], full: ['bench/experiments-assignment.bench.mjs', '--only', 'assignment'] },
    needs: ['dist'],
    timeout: { small: 120, full: 600 },
    rows: [
      { metric: 'assignments/s, A/B 50/50', path: 'assignment.ab.perSecond', unit: '/s', peer: { path: 'assignment.ab.growthbookPerSecond', label: 'GrowthBook' }, ratioTarget: T('>=', 2) },
      { metric: 'assignments/s, 3 arms 80%', path: 'assignment.abc.perSecond', unit: '/s', peer: { path: 'assignment.abc.growthbookPerSecond', label: 'GrowthBook' }, ratioTarget: T('>=', 2) },
      { metric: 'assignment p99, A/B', path: 'assignment.ab.p99Us', unit: 'µs', digits: 2, peer: { path: 'assignment.ab.growthbookP99Us', label: 'GrowthBook' }, target: T('<', 5) },
    ],
  },
  {
    name: 'experiments-logging',
    script: 'bench/experiments-assignment.bench.mjs',
    args: { small: ['bench/experiments-assignment.bench.mjs', '--only', 'logging,queue', '--lists', '10000'], full: ['bench/experiments-assignment.bench.mjs', '--only', 'logging,queue'] },
    needs: ['dist', 'pg', 'redis'],
    timeout: { small: 180, full: 900 },
    rows: [
      { metric: 'exposure logging, lists of 20/s', path: 'logging.listsPerSecond', unit: '/s', target: T('>=', 5000) },
      { metric: 'exposure logging, no loss', path: 'logging.noLoss', target: T('==', true) },
      { metric: 'logRanking → queue → Postgres, lists/s', path: 'queue.listsPerSecond', unit: '/s', target: T('>=', 5000) },
      { metric: 'queue path, no loss', path: 'queue.noLoss', target: T('==', true) },
    ],
  },
  {
    name: 'metrics',
    script: 'bench/metrics.bench.mjs',
    args: { small: ['bench/metrics.bench.mjs', '--users', '100000', '--sklearn-users', '5000'], full: ['bench/metrics.bench.mjs'] },
    needs: ['dist'],
    timeout: { small: 240, full: 1200 },
    rows: [
      { metric: 'NDCG+MAP+Recall@10 users per CPU-second', path: 'usersPerCpuSecond', unit: '/s', target: T('>=', 1_000_000) },
      { metric: 'NDCG+MAP+Recall@10 users/s vs scikit-learn ndcg_score (ignore_ties)', path: 'usersPerSecond', unit: '/s', peer: { path: 'sklearn.usersPerSecondIgnoreTies', label: 'scikit-learn' }, ratioTarget: T('>=', 5) },
    ],
  },
  {
    name: 'statistics',
    script: 'bench/statistics.bench.ts',
    args: { small: [...statistics('statistics.bench.ts'), '--units', '200000', '--aa-runs', '50', '--il-units', '5000'], full: [...statistics('statistics.bench.ts'), '--il-units', '50000'] },
    needs: [],
    timeout: { small: 180, full: 1200 },
    rows: [
      { metric: 'analysis, units × 10 metrics per s', path: 'analysis.unitsPerSecond', unit: '/s', target: T('>=', 100_000, '≥ 100,000/s (1 M units < 10 s)') },
      { metric: 'A/A simulations with daily peeks per s', path: 'aa.runsPerSecond', unit: '/s', target: T('>=', 500 / 300, '≥ 1.67/s (500 < 5 min)') },
      { metric: 'users for 95% power, A/B ÷ interleaving', path: 'interleaving.ratio', unit: '×', target: T('>=', 10) },
    ],
  },
  {
    name: 'bandit-ope',
    script: 'bench/bandit-ope.bench.ts',
    args: { small: [...statistics('bandit-ope.bench.ts'), '--runs', '5', '--ab-units', '10000'], full: [...statistics('bandit-ope.bench.ts'), '--runs', '20', '--ab-units', '40000'] },
    needs: [],
    timeout: { small: 180, full: 2400 },
    rows: [
      { metric: 'A/B rate inside the SNIPS 95% CI', path: 'coverageSnips', digits: 3, target: T('>=', 0.9, '≥ 0.90 (≈ 0.95)') },
      { metric: 'bandit regret ÷ uniform', path: 'regretRatio', unit: '×', digits: 2, target: T('<', 1) },
    ],
  },
  {
    name: 'recsys-speed',
    script: 'bench/recsys-speed.bench.ts',
    args: { small: [...recsys('recsys-speed.bench.ts'), '--candidates', '2000'], full: recsys('recsys-speed.bench.ts') },
    needs: [],
    timeout: { small: 180, full: 600 },
    rows: [
      { metric: 'ALS 64 f × 15 it fit, ML-100K', path: 'alsFitSeconds', unit: 's', target: T('<', 10) },
      { metric: 'EASE fit, ML-100K', path: 'easeFitSeconds', unit: 's', target: T('<', 5) },
      { metric: 'ALS top-20 over 50,000 jobs, candidates/s', path: 'batchCandidatesPerSecond', unit: '/s', target: T('>=', 10000 / 30, '≥ 334/s (10,000 < 30 s)') },
      { metric: 'one recommend over 50,000 jobs, p99', path: 'recommendP99Ms', unit: 'ms', target: T('<', 20) },
    ],
  },
  {
    name: 'recsys-movielens',
    script: 'bench/recsys-movielens.bench.ts',
    args: { small: [...recsys('recsys-movielens.bench.ts'), '--strategies', 'popularity,item-knn,ease'], full: recsys('recsys-movielens.bench.ts') },
    needs: [],
    timeout: { small: 180, full: 1200 },
    rows: [
      { metric: 'best NDCG@10, ML-100K ua', path: 'best.ndcg', digits: 4, note: 'best.strategy' },
      { metric: 'popularity NDCG@10 (baseline)', path: 'ndcg.popularity', digits: 4 },
    ],
  },
  {
    name: 'recsys-twotower-step',
    script: 'bench/recsys-twotower-step.bench.ts',
    args: { small: recsys('recsys-twotower-step.bench.ts'), full: recsys('recsys-twotower-step.bench.ts') }, // ML-100K, one epoch: the same at both sizes
    needs: [],
    timeout: { small: 300, full: 600 },
    rows: [{ metric: 'two-tower training, ms per 1,024-row step', path: 'msPerStep', unit: 'ms' }],
  },
  {
    name: 'recsys-market',
    script: 'bench/recsys-market.bench.ts',
    args: { small: [...recsys('recsys-market.bench.ts'), '--candidates', '500', '--jobs', '1500', '--strategies', 'popularity,ease,hybrid'], full: recsys('recsys-market.bench.ts') },
    needs: [],
    timeout: { small: 180, full: 1200 },
    rows: [
      { metric: 'best NDCG@10 vs ground truth (warm)', path: 'best.ndcg', digits: 4, note: 'best.strategy' },
      { metric: 'popularity NDCG@10 (warm)', path: 'ndcg.popularity', digits: 4 },
    ],
  },
  {
    name: 'recsys-jobviews',
    script: 'bench/recsys-jobviews.bench.ts',
    args: { small: [...recsys('recsys-jobviews.bench.ts'), '--strategies', 'popularity,content,item-knn'], full: recsys('recsys-jobviews.bench.ts') },
    needs: [],
    timeout: { small: 180, full: 1200 },
    rows: [
      { metric: 'best NDCG@10, per-applicant split', path: 'splits.per-applicant.best.ndcg', digits: 4, note: 'splits.per-applicant.best.strategy' },
      { metric: 'best NDCG@10, global split', path: 'splits.global.best.ndcg', digits: 4, note: 'splits.global.best.strategy' },
    ],
  },
  {
    name: 'continuous-learning',
    script: 'bench/continuous-learning.bench.ts',
    args: { small: [...recsys('continuous-learning.bench.ts'), '--candidates', '500', '--jobs', '1500', '--eval-candidates', '200'], full: recsys('continuous-learning.bench.ts') },
    needs: [],
    timeout: { small: 180, full: 1200 },
    rows: [
      { metric: 'last-day NDCG@10, retrained', path: 'retrained', digits: 4, peer: { path: 'frozen', label: 'frozen model' }, ratioTarget: T('>', 1) },
    ],
  },
  {
    name: 'ranking-diversity',
    script: 'bench/ranking-diversity.bench.ts',
    args: { small: [...recsys('ranking-diversity.bench.ts'), '--candidates', '500', '--jobs', '1500', '--eval', '300'], full: recsys('ranking-diversity.bench.ts') },
    needs: [],
    timeout: { small: 180, full: 1200 },
    rows: [
      { metric: 'default diversity: same-company repeats change', path: 'default.repeatsChangePct', unit: '%', digits: 1, target: T('<=', -50) },
      { metric: 'default diversity: NDCG@10 change', path: 'default.ndcgChangePct', unit: '%', digits: 2, target: T('>=', -3) },
    ],
  },
  {
    name: 'import-jobs',
    script: 'bench/import-jobs.bench.mjs',
    args: { small: ['bench/import-jobs.bench.mjs', '10000'], full: ['bench/import-jobs.bench.mjs', '100000'] },
    needs: ['dist', 'pg'],
    timeout: { small: 180, full: 900 },
    rows: [{ metric: 'JSONL import rows/s', path: 'rowsPerSecond', unit: '/s', target: T('>=', 5000) }],
  },
  {
    name: 'connectors-feed',
    script: 'bench/connectors-feed.bench.mjs',
    args: { small: ['bench/connectors-feed.bench.mjs', '10000'], full: ['bench/connectors-feed.bench.mjs', '100000'] },
    needs: ['dist', 'pg'],
    timeout: { small: 240, full: 1200 },
    fallback: connectorsFeedFallback,
    rows: [
      { metric: 'XML feed sync jobs/s', path: 'jobsPerSecond', unit: '/s', target: T('>=', 2000) },
      { metric: 'XML feed sync peak RSS', path: ['peakRssMb', 'rssPeakMb'], unit: 'MB' },
      { metric: 'XML feed sync peak RSS without the near-duplicate index', path: ['peakRssWithoutIndexMb', 'rssPeakWithoutIndexMb'], unit: 'MB' },
    ],
  },
  {
    name: 'features',
    script: 'bench/features.bench.mjs',
    args: { small: ['bench/features.bench.mjs', '--pit-rows', '500000', '--labels', '50000', '--mat-rows', '100000'], full: ['bench/features.bench.mjs'] },
    needs: ['dist', 'pg', 'redis'],
    timeout: { small: 300, full: 1800 },
    rows: [
      { metric: 'online read 1 entity × 50 features, p99', path: 'onlineOneP99Ms', unit: 'ms', target: T('<', 2) },
      { metric: 'online read 100 entities × 50 features, p99', path: 'onlineHundredP99Ms', unit: 'ms', target: T('<', 10) },
      { metric: 'materialise to Redis, rows/s', path: 'materialize.rowsPerSecond', unit: '/s', target: T('>=', 1_000_000 / 60, '≥ 16,667/s (1 M < 60 s)') },
      { metric: 'point-in-time join, labels/s', path: 'pit.labelsPerSecond', unit: '/s', target: T('>=', 1_000_000 / 120, '≥ 8,334/s (1 M × 10 M < 2 min)') },
    ],
  },
  {
    name: 'alerts',
    script: 'bench/alerts.bench.mjs',
    args: { small: ['bench/alerts.bench.mjs', '--subscribers', '2000', '--workers', '1'], full: ['bench/alerts.bench.mjs', '--subscribers', '100000', '--workers', '2'] },
    needs: ['dist', 'pg', 'redis'],
    timeout: { small: 240, full: 1800 },
    rows: [
      { metric: 'daily email alerts/s', path: 'alertsPerSecond', unit: '/s', target: T('>=', 100_000 / 600, '≥ 167/s (100,000 < 10 min)') },
      { metric: 'duplicate mails', path: 'duplicates', target: T('==', 0) },
    ],
  },
  {
    name: 'alerts-ranked',
    script: 'bench/alerts-ranked.bench.mjs',
    args: { small: ['bench/alerts-ranked.bench.mjs', '--seconds', '5'], full: ['bench/alerts-ranked.bench.mjs', '--seconds', '30'] },
    needs: ['dist', 'pg', 'redis'],
    timeout: { small: 300, full: 900 },
    fallback: alertsRankedFallback,
    rows: [
      // the bench's own result line: live1 / live (1 and 2 API processes) and precomputed lists; older output: one object
      { metric: 'rankedJobs p99 at 200 req/s, 1 API process', path: ['live1.p99Ms', 'evenlyPaced.latencyMs.p99'], unit: 'ms', target: T('<', 50) },
      { metric: 'rankedJobs p99 at 200 req/s, 2 API processes', path: ['live2.p99Ms', 'live.p99Ms'], unit: 'ms', target: T('<', 50) },
      { metric: 'rankedJobs p99 at 200 req/s, precomputed lists', path: 'precomputed.p99Ms', unit: 'ms', target: T('<', 50) },
      { metric: 'rankedJobs precomputed-list hit rate', path: 'precomputed.hitRate', digits: 3 },
      { metric: 'rankedJobs req/s achieved, 1 API process', path: ['live1.rps', 'evenlyPaced.rps'], unit: '/s', target: T('>=', 190, '≥ 190/s (200 offered)') },
    ],
  },
  {
    name: 'scale-out',
    script: 'bench/scale-out.bench.mjs',
    optional: true,
    args: { full: ['bench/scale-out.bench.mjs', '--size', 'full'] },
    needs: ['dist', 'pg', 'redis'],
    timeout: { small: 600, full: 3600 },
    rows: [
      { metric: 'alerts/s with 1 worker', path: 'configurations.0.alertsPerSecond', unit: '/s' },
      { metric: 'alerts/s with 2 workers', path: 'configurations.1.alertsPerSecond', unit: '/s' },
      { metric: 'alert speed-up, 2 workers vs 1', path: 'configurations.1.alertSpeedup', unit: '×' },
      { metric: 'alert speed-up, 4 workers vs 1', path: 'configurations.2.alertSpeedup', unit: '×' },
      { metric: 'evaluation speed-up, 2 workers vs 1', path: 'configurations.1.evalSpeedup', unit: '×' },
      { metric: 'results identical for every worker count', path: 'identical', target: T('==', true) },
    ],
  },
];
