import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { EvaluationError, evaluateLists, parseListRow, type RankedListRow } from '@app/evaluation';
import { CliError, printResult } from '../cli-output.js';

interface Options {
  input: string;
  k: string;
  graded?: boolean;
  perUser?: boolean;
  skipBad?: boolean;
  json?: boolean;
  seed: string;
}

function parseKs(text: string): number[] {
  const ks = text.split(',').map((s) => Number(s.trim()));
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new CliError(`--k must be a comma-separated list of positive integers, got "${text}"`);
  return ks;
}

/** Offline metrics for bring-your-own rankings in JSONL; needs no database. Always prints one JSON object. */
export function register(program: Command): void {
  program
    .command('evaluate-lists')
    .description('Ranking metrics (precision, recall, MAP, NDCG, MRR, hit rate, AUC, coverage) for JSONL rows {"user","ranked","relevant"}')
    .requiredOption('--input <file>', 'JSONL file, one {"user": "u1", "ranked": ["j3", ...], "relevant": {"j9": 1}} per line ("-" for stdin)')
    .option('--k <list>', 'cut-offs, comma-separated', '5,10,20')
    .option('--graded', 'NDCG with the grades as linear gains (default: binary relevance)')
    .option('--per-user', 'also print one row per user')
    .option('--skip-bad', 'skip bad lines (reported on stderr) instead of failing')
    .option('--seed <n>', 'bootstrap seed for the confidence intervals', '42')
    .option('--json', 'print JSON (the output is always one JSON object)')
    .action(async (opts: Options) => {
      const ks = parseKs(opts.k);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got "${opts.seed}"`);
      const rows: RankedListRow[] = [];
      const skipped: string[] = [];
      const stream = opts.input === '-' ? process.stdin : createReadStream(opts.input);
      const opened = new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.once('readable', () => resolve());
        stream.once('end', () => resolve());
      });
      await opened.catch((err: Error) => {
        throw new CliError(`cannot read ${opts.input}: ${err.message}`);
      });
      let lineNo = 0;
      const seenUsers = new Set<string>();
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
        lineNo++;
        if (line.trim() === '') continue;
        try {
          const row = parseListRow(line);
          if (seenUsers.has(row.user)) throw new EvaluationError('INVALID_INPUT', `user ${row.user} appears on an earlier line`);
          seenUsers.add(row.user);
          rows.push(row);
        } catch (err) {
          const reason = `line ${lineNo}: ${(err as Error).message}`;
          if (!opts.skipBad) throw new CliError(reason);
          skipped.push(reason);
          process.stderr.write(`skipped ${reason}\n`);
        }
      }
      if (skipped.length) process.stderr.write(`skipped ${skipped.length} bad line(s)\n`);
      let result;
      try {
        result = evaluateLists(rows, { ks, graded: !!opts.graded, perUser: !!opts.perUser, bootstrap: { seed } });
      } catch (err) {
        if (err instanceof EvaluationError) throw new CliError(err.message);
        throw err;
      }
      const clean = (v: number): number | null => (Number.isFinite(v) ? v : null);
      const doc: Record<string, unknown> = {
        users: result.users,
        metrics: Object.fromEntries(Object.entries(result.metrics).map(([k, v]) => [k, clean(v)])),
        ci95: Object.fromEntries(Object.entries(result.ci).map(([k, [lo, hi]]) => [k, [clean(lo), clean(hi)]])),
        protocol: { ndcgGain: opts.graded ? 'linear' : 'binary', bootstrap: { samples: 1000, seed, level: 0.95 }, skippedLines: skipped.length },
      };
      if (opts.perUser) doc['perUser'] = result.perUser;
      printResult(doc, true, () => '');
    });
}
