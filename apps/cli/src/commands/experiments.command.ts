import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ExperimentError, ExperimentsCoreModule, ExperimentsService, type ExperimentDefinition, type ExperimentEntity, type VariantResult } from '@app/experiments';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult } from '../cli-output.js';

const asCliError = (err: unknown): never => {
  if (err instanceof ExperimentError) throw new CliError(`${err.code}: ${err.message}`);
  throw err;
};

const line = (e: ExperimentEntity) =>
  `${e.key.padEnd(32)} ${e.status.padEnd(9)} phase ${e.phase}  ${e.variants.map((v) => `${v.key}=${v.weight}${e.killed.includes(v.key) ? '(killed)' : ''}`).join(' ')}  coverage ${e.coverage}${e.namespace ? `  ns ${e.namespace}[${e.namespaceStart},${e.namespaceEnd})` : ''}${e.decision ? `  decision ${e.decision}${e.decisionVariant ? ` ${e.decisionVariant}` : ''}` : ''}`;

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(2)}%`);

/** Per-variant table: counts and the experiment's metrics. */
export function resultsTable(variants: VariantResult[]): string {
  const metricNames = variants[0]?.metrics.map((m) => `${m.metric}${m.role === 'primary' ? '*' : m.role === 'guardrail' ? '(g)' : ''}`) ?? [];
  const head = ['variant', 'units', 'rankings', 'items', 'clicks', 'saves', 'applies', 'dismisses', ...metricNames];
  const rows = variants.map((v) => [v.variant, v.units, v.rankings, v.items, v.clicks, v.saves, v.applies, v.dismisses, ...v.metrics.map((m) => (m.metric.endsWith('_per_unit') ? (m.value ?? 0).toFixed(3) : pct(m.value)))].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(head), ...rows.map(fmt), '(* primary, (g) guardrail; counts and rates only: no intervals or tests yet)'].join('\n');
}

export function register(program: Command): void {
  const experiments = program.command('experiments').description('A/B experiments: create, list, show, start, pause, stop, conclude, promote');

  experiments
    .command('create')
    .description('Create a draft experiment from a JSON definition (key, hypothesis, variants [{key, weight, modelRef | strategy}], coverage, namespace, targeting, primaryMetric, …)')
    .requiredOption('--file <path>', 'JSON file')
    .option('--json', 'print JSON')
    .action(async (opts: { file: string; json?: boolean }) => {
      let def: ExperimentDefinition;
      try {
        def = JSON.parse(readFileSync(opts.file, 'utf8')) as ExperimentDefinition;
      } catch (err) {
        throw new CliError(`cannot read ${opts.file}: ${(err as Error).message}`);
      }
      await withCliContext([ExperimentsCoreModule], async (ctx) => {
        const e = await ctx.get(ExperimentsService).create(def, cliActor()).catch(asCliError);
        printResult(e, !!opts.json, () => `created ${line(e)}`);
      });
    });

  experiments
    .command('list')
    .description('Experiments, newest first')
    .option('--status <status>', 'draft | running | paused | stopped | concluded')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; json?: boolean }) => {
      await withCliContext([ExperimentsCoreModule], async (ctx) => {
        const list = await ctx.get(ExperimentsService).list({ status: opts.status });
        printResult(list, !!opts.json, () => (list.length ? list.map(line).join('\n') : 'no experiments'));
      });
    });

  experiments
    .command('show <key>')
    .description('An experiment, its phases and its per-variant counts and rates')
    .option('--json', 'print JSON')
    .action(async (key: string, opts: { json?: boolean }) => {
      await withCliContext([ExperimentsCoreModule], async (ctx) => {
        const service = ctx.get(ExperimentsService);
        const { experiment, variants } = await service.results(key).catch(asCliError);
        const phases = await service.phases(experiment.id);
        printResult({ experiment, phases, results: variants }, !!opts.json, () =>
          [
            line(experiment),
            experiment.hypothesis ? `hypothesis: ${experiment.hypothesis}` : '',
            ...phases.map((p) => `phase ${p.phase}: seed ${p.seed}, coverage ${p.coverage}, ${p.startedAt.toISOString()} → ${p.endedAt?.toISOString() ?? 'now'}${p.reason ? ` (${p.reason})` : ''}`),
            resultsTable(variants),
            experiment.decisionNote ? `note: ${experiment.decisionNote}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
      });
    });

  for (const action of ['start', 'pause', 'stop'] as const) {
    experiments
      .command(`${action} <key>`)
      .description(`${action[0]!.toUpperCase()}${action.slice(1)} an experiment`)
      .option('--json', 'print JSON')
      .action(async (key: string, opts: { json?: boolean }) => {
        await withCliContext([ExperimentsCoreModule], async (ctx) => {
          const e = await ctx.get(ExperimentsService)[action](key).catch(asCliError);
          printResult(e, !!opts.json, () => line(e));
        });
      });
  }

  experiments
    .command('conclude <key>')
    .description('Record the decision: ship (with --variant), rollback or inconclusive')
    .requiredOption('--decision <decision>', 'ship | rollback | inconclusive')
    .option('--variant <key>', 'the variant to ship')
    .option('--note <text>', 'why')
    .option('--promote', "also move the shipped variant's model to champion (through the registry gate)")
    .option('--json', 'print JSON')
    .action(async (key: string, opts: { decision: string; variant?: string; note?: string; promote?: boolean; json?: boolean }) => {
      await withCliContext([ExperimentsCoreModule], async (ctx) => {
        const service = ctx.get(ExperimentsService);
        const e = await service.conclude(key, opts.decision as never, { variant: opts.variant, note: opts.note }).catch(asCliError);
        const promoted = opts.promote ? await service.promote(key, cliActor()).catch(asCliError) : null;
        printResult({ experiment: promoted?.experiment ?? e, promoted: promoted ? { model: promoted.model, version: promoted.version, gateReason: promoted.gateReason } : null }, !!opts.json, () =>
          [line(e), promoted ? `promoted ${promoted.model}/${promoted.version} to champion (${promoted.gateReason})` : ''].filter(Boolean).join('\n'),
        );
      });
    });

  experiments
    .command('promote <key>')
    .description("Move a concluded experiment's shipped variant's model version to champion, recording the experiment")
    .option('--json', 'print JSON')
    .action(async (key: string, opts: { json?: boolean }) => {
      await withCliContext([ExperimentsCoreModule], async (ctx) => {
        const r = await ctx.get(ExperimentsService).promote(key, cliActor()).catch(asCliError);
        printResult({ model: r.model, version: r.version, gateReason: r.gateReason }, !!opts.json, () => `promoted ${r.model}/${r.version} to champion (${r.gateReason})`);
      });
    });
}
