import type { Command } from 'commander';
import { ConnectorError, ConnectorsCoreModule, SourcesService, type JobSource, type SourceRun } from '@app/connectors';
import { IngestError } from '@app/ingest';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult } from '../cli-output.js';

const asCliError = (err: unknown): never => {
  if (err instanceof ConnectorError || err instanceof IngestError) throw new CliError(`${err.code}: ${err.message}`);
  throw err;
};

const sourceLine = (s: JobSource) =>
  `${s.id.padStart(4)}  ${s.name.padEnd(20)} ${s.type.padEnd(12)} ${s.enabled ? 'enabled ' : 'disabled'}  ${s.schedule ?? 'manual'}  ${s.url ?? s.file ?? s.startUrls.join(' ')}${s.lastRunAt ? `  last run ${s.lastRunAt.toISOString()}` : ''}`;

export const runSummary = (r: SourceRun) =>
  [
    `run ${r.id} (${r.sourceName ?? r.sourceId}): ${r.status}${r.durationMs !== null ? ` in ${(r.durationMs / 1000).toFixed(1)} s` : ''}`,
    `  fetched ${r.fetched}  new ${r.new}  updated ${r.updated}  unchanged ${r.unchanged}  duplicates ${r.duplicates}  expired ${r.expired}  rejected ${r.rejected}`,
    ...r.rejections.slice(0, 50).map((x) => `  rejected #${x.line}${x.field ? ` ${x.field}` : ''}: ${x.reason}`),
    ...(r.rejections.length > 50 ? [`  … ${r.rejections.length - 50} more (--json for all)`] : []),
    ...r.skipped.slice(0, 50).map((s) => `  skipped ${s.url}: ${s.reason}`),
    ...(r.error ? [`  note: ${r.error}`] : []),
  ].join('\n');

export function register(program: Command): void {
  const sources = program.command('sources').description('Job sources (career pages, XML / Greenhouse / Lever / JSON feeds): add, list, sync, runs');

  sources
    .command('add <name>')
    .description('Add a source; its name becomes the `source` of the jobs it writes')
    .requiredOption('--type <type>', 'career_pages | xml_feed | greenhouse | lever | json_feed')
    .option('--url <url>', 'feed URL, or the sitemap of career pages')
    .option('--file <path>', 'a local feed file (xml_feed, greenhouse, lever, json_feed)')
    .option('--start-url <url...>', 'career pages to read (career_pages)')
    .option('--schedule <s>', 'interval (30m, 6h, 1d) or 5-field cron in UTC; default: manual only')
    .option('--mapping <json>', 'field mapping JSON: {"title": "name", "external_id": ["guid", "id"], "country": {"const": "US"}}')
    .option('--disabled', 'add it disabled')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { type: string; url?: string; file?: string; startUrl?: string[]; schedule?: string; mapping?: string; disabled?: boolean; json?: boolean }) => {
      await withCliContext([ConnectorsCoreModule], async (ctx) => {
        const s = await ctx.get(SourcesService).add({ name, type: opts.type, url: opts.url, file: opts.file, startUrls: opts.startUrl, schedule: opts.schedule, mapping: opts.mapping, enabled: !opts.disabled }, cliActor()).catch(asCliError);
        printResult(s, !!opts.json, () => `source ${s.id} added\n${sourceLine(s)}`);
      });
    });

  sources
    .command('list')
    .description('Every source with its type, schedule and target')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([ConnectorsCoreModule], async (ctx) => {
        const page = await ctx.get(SourcesService).list({ limit: 500 });
        printResult(page.items, !!opts.json, () => (page.items.length ? page.items.map(sourceLine).join('\n') : 'no sources'));
      });
    });

  sources
    .command('sync <source>')
    .description('Sync a source now in this process (id or name) and print the run: fetched, new, updated, unchanged, expired, rejected with reasons')
    .option('--queue', 'queue it for the worker instead of running here')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { queue?: boolean; json?: boolean }) => {
      await withCliContext([ConnectorsCoreModule], async (ctx) => {
        const svc = ctx.get(SourcesService);
        let last = 0;
        const run = opts.queue
          ? await svc.requestSync(ref, 'manual').catch(asCliError)
          : await svc.sync(ref, {
              onProgress: (n) => {
                if (!opts.json && Date.now() - last > 2000) {
                  last = Date.now();
                  process.stderr.write(`sync ${ref}: ${n} records\n`);
                }
              },
            }).catch(asCliError);
        printResult(run, !!opts.json, () => (opts.queue ? `run ${run.id} queued` : runSummary(run)));
      });
    });

  sources
    .command('runs [source]')
    .description('Sync runs, newest first')
    .option('--limit <n>', 'at most this many (default 20)', '20')
    .option('--json', 'print JSON')
    .action(async (ref: string | undefined, opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit must be a positive integer, got "${opts.limit}"`);
      await withCliContext([ConnectorsCoreModule], async (ctx) => {
        const page = await ctx.get(SourcesService).runs({ source: ref, limit }).catch(asCliError);
        printResult(page.items, !!opts.json, () => (page.items.length ? page.items.map(runSummary).join('\n') : 'no runs'));
      });
    });
}
