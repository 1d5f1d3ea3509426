import type { Command } from 'commander';
import { evaluateEncoded, type EncodedDataset } from '@app/evaluation';
import { fitRecommender, isStrategyName, prepareBenchmark, readInteractionFile, RecsysError, STRATEGY_NAMES, validateParams, type InteractionFormat } from '@app/recsys';
import { CliError, printResult, progressBar } from '../cli-output.js';

interface Options { train: string; test: string; format: string; strategy: string; params?: string; threshold?: string; k: string; json?: boolean }

/**
 * Offline benchmark on interaction files, no database: train a strategy on --train, rank the full catalogue (items
 * of both files) for every test user with their training items excluded (ties by item id), score against --test.
 */
export function register(program: Command): void {
  program
    .command('offline-benchmark')
    .description('Train a recommendation strategy on an interaction file and report ranking metrics on a test file')
    .requiredOption('--train <file>', 'training interactions')
    .requiredOption('--test <file>', 'test interactions')
    .option('--format <format>', 'movielens | csv | jsonl', 'movielens')
    .requiredOption('--strategy <name>', STRATEGY_NAMES.join(' | '))
    .option('--params <json>', 'hyperparameters as JSON, e.g. {"lambda":500}')
    .option('--threshold <n>', 'keep only rows with rating >= n (default: every row is an interaction)')
    .option('--k <n>', 'cut-off', '10')
    .option('--json', 'print JSON')
    .action(async (opts: Options) => {
      const result = await run(opts).catch((err: unknown) => {
        if (err instanceof RecsysError) throw new CliError(`${err.code}: ${err.message}`);
        throw err;
      });
      printResult(result, !!opts.json, () =>
        `${result.strategy}: ${Object.entries(result.metrics).map(([m, v]) => `${m}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v}`).join(' ')} (train ${result.trainSeconds.toFixed(2)} s, recommend ${result.recommendSeconds.toFixed(2)} s)`);
    });
}

async function run(opts: Options) {
  if (!['movielens', 'csv', 'jsonl'].includes(opts.format)) throw new CliError(`--format must be movielens, csv or jsonl (got "${opts.format}")`);
  if (!isStrategyName(opts.strategy)) throw new CliError(`UNKNOWN_STRATEGY: unknown strategy "${opts.strategy}" (known: ${STRATEGY_NAMES.join(', ')})`);
  const k = Number(opts.k);
  if (!Number.isInteger(k) || k < 1) throw new CliError(`--k must be a positive integer (got "${opts.k}")`);
  let rawParams: unknown = {};
  if (opts.params !== undefined) {
    try { rawParams = JSON.parse(opts.params); } catch { throw new CliError(`--params is not valid JSON: ${opts.params}`); }
  }
  const params = validateParams(opts.strategy, rawParams);
  const threshold = opts.threshold === undefined ? undefined : Number(opts.threshold);
  if (threshold !== undefined && !Number.isFinite(threshold)) throw new CliError(`--threshold must be a number (got "${opts.threshold}")`);
  const format = opts.format as InteractionFormat;
  const data = prepareBenchmark(readInteractionFile(opts.train, format), readInteractionFile(opts.test, format), threshold);
  if (opts.strategy === 'content' && !data.hasContent) {
    throw new CliError(`strategy content needs item content features and the ${format} files have none` + (format === 'movielens' ? ' (put u.item and u.genre next to the training file to use titles and genres)' : ''));
  }
  if (opts.strategy === 'hybrid' && !data.hasContent && Array.isArray(params['strategies']) && params['strategies'].includes('content')) {
    throw new CliError('hybrid: base strategy content needs item content features and the files have none');
  }
  const users = [...data.relevant.keys()].sort((a, b) => a - b);
  const bar = progressBar('training', 1, !opts.json);
  const t0 = performance.now();
  const model = await fitRecommender(opts.strategy, data.snapshot, rawParams, (e) => bar.update(e.done));
  const t1 = performance.now();
  bar.stop();
  const ranked = await model.recommendMany(users, k, { includeExpired: true, excludeTraining: true });
  const t2 = performance.now();
  return {
    strategy: opts.strategy,
    params: model.params as Record<string, unknown>,
    metrics: evaluate(ranked.map((r) => r.map((x) => x.job)), users.map((u) => data.relevant.get(u)!), data.itemIds.length, k),
    catalogue: { users: data.userIds.length, items: data.itemIds.length, trainInteractions: data.snapshot.interactions.job.length },
    contentFeatures: data.hasContent,
    trainSeconds: (t1 - t0) / 1000,
    recommendSeconds: (t2 - t1) / 1000,
  };
}

/** Mean Precision/Recall/NDCG/MAP/MRR/HitRate@k over test users, computed by @app/evaluation's kernel. */
function evaluate(ranked: number[][], relevant: Set<number>[], numItems: number, k: number): Record<string, number> {
  const rankOffsets = new Int32Array(ranked.length + 1), relOffsets = new Int32Array(ranked.length + 1);
  ranked.forEach((r, u) => { rankOffsets[u + 1] = rankOffsets[u]! + r.length; relOffsets[u + 1] = relOffsets[u]! + relevant[u]!.size; });
  const ds: EncodedDataset = {
    numUsers: ranked.length, numItems,
    rankOffsets, rankItems: Int32Array.from(ranked.flat()),
    relOffsets, relItems: Int32Array.from(relevant.flatMap((s) => [...s])),
  };
  const per = evaluateEncoded(ds, { ks: [k], metrics: ['precision', 'recall', 'ndcg', 'map', 'mrr', 'hit_rate'] });
  const n = per.users.length, out: Record<string, number> = {};
  per.columns.forEach((col, c) => {
    let sum = 0, cnt = 0;
    for (let j = 0; j < n; j++) { const v = per.values[c * n + j]!; if (!Number.isNaN(v)) { sum += v; cnt++; } }
    out[col] = cnt ? sum / cnt : NaN;
  });
  out['users'] = n;
  return out;
}
