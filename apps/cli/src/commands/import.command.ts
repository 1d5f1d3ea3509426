import type { Command } from 'commander';
import { DATASETS, IMPORT_KINDS, ImportService, IngestCoreModule, IngestError, importDataset, type DatasetName, type FileFormat, type ImportKind, type ImportRunResult } from '@app/ingest';
import { withCliContext } from '../cli-context.js';
import { CliError, printResult, progressBar } from '../cli-output.js';

interface ImportOpts {
  format?: string;
  source?: string;
  strict?: boolean;
  json?: boolean;
}

function summary(r: ImportRunResult): string {
  const lines = [
    `import run ${r.id} (${r.kind}, source ${r.source || '-'}): ${r.status}`,
    `  rows ${r.totalRows}: inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, duplicates ${r.duplicates}, rejected ${r.rejected}` + (r.rowsPerSecond ? ` (${r.rowsPerSecond} rows/s)` : ''),
  ];
  if (r.retriedBatches) lines.push(`  database connection lost: batch writes retried ${r.retriedBatches} time(s) on a new connection`);
  if (r.rejections.length) {
    lines.push(r.status === 'rejected' ? '  --strict: nothing imported; bad rows:' : '  rejected rows:');
    for (const x of r.rejections.slice(0, 200)) lines.push(`    line ${x.line}${x.field ? ` [${x.field}]` : ''}: ${x.reason}`);
    if (r.rejections.length > 200) lines.push(`    … and ${r.rejections.length - 200} more (matchlab import show ${r.id}, or GraphQL importRun)`);
  }
  return lines.join('\n');
}

const forJson = (r: ImportRunResult) => ({ ...r, rejections: r.rejections.map(({ line, field, reason }) => ({ line, field, reason })) });

const asCliError = (err: unknown): never => {
  if (err instanceof IngestError) throw new CliError(err.message);
  throw err;
};

export function register(program: Command): void {
  const cmd = program.command('import').description('Import and clean job postings, candidates, resumes and interactions (JSONL or CSV)');

  for (const kind of IMPORT_KINDS) {
    cmd
      .command(`${kind} <file>`)
      .description(`Import ${kind} from a JSONL or CSV file (fields: libs/ingest/README.md)`)
      .option('--format <format>', 'jsonl or csv (default: from the extension)')
      .option('--source <name>', 'source of the rows, with external_id their identity (default: the file name without extension)')
      .option('--strict', 'import nothing when any row is bad')
      .option('--json', 'print JSON')
      .action(async (file: string, opts: ImportOpts) => {
        if (opts.format && opts.format !== 'jsonl' && opts.format !== 'csv') throw new CliError(`--format must be jsonl or csv, not ${opts.format}`);
        const result = await withCliContext([IngestCoreModule], async (ctx) => {
          const service = ctx.get(ImportService);
          const total = await service.countLines(file).catch(() => {
            throw new CliError(`file not found: ${file}`);
          });
          const bar = progressBar(`import ${kind}`, total, !opts.json);
          const t0 = Date.now();
          try {
            return await service.importFile(kind as ImportKind, file, {
              format: opts.format as FileFormat | undefined,
              source: opts.source,
              strict: !!opts.strict,
              onProgress: (done) => bar.update(done, { rate: Math.round(done / Math.max((Date.now() - t0) / 1000, 0.001)) }),
            });
          } catch (err) {
            return asCliError(err);
          } finally {
            bar.stop();
          }
        });
        printResult(forJson(result), !!opts.json, () => summary(result));
        if (result.status === 'rejected') throw new CliError(`--strict: ${result.rejected} bad row(s), nothing imported (run ${result.id})`);
      });
  }

  cmd
    .command('dataset <name>')
    .description(`Import a real dataset from ../shared/datasets: ${DATASETS.join(', ')}`)
    .option('--dir <dir>', 'datasets folder', '../shared/datasets')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { dir: string; json?: boolean }) => {
      if (!(DATASETS as readonly string[]).includes(name)) throw new CliError(`unknown dataset ${name} (expected ${DATASETS.join(', ')})`);
      const results = await withCliContext([IngestCoreModule], async (ctx) => {
        const t0 = Date.now();
        let last = 0;
        try {
          return await importDataset(ctx.get(ImportService), name as DatasetName, opts.dir, (label, done) => {
            if (!opts.json && Date.now() - last > 1000) {
              last = Date.now();
              process.stderr.write(`${label}: ${done} rows (${Math.round(done / Math.max((Date.now() - t0) / 1000, 0.001))} rows/s)\n`);
            }
          });
        } catch (err) {
          return asCliError(err);
        }
      });
      printResult(results.map(forJson), !!opts.json, () => results.map(summary).join('\n'));
    });

  cmd
    .command('show <id>')
    .description('Show an import run and its rejected rows')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const run = await withCliContext([IngestCoreModule], (ctx) => ctx.get(ImportService).getRun(id).catch(asCliError));
      printResult(forJson(run), !!opts.json, () => summary(run));
    });
}
