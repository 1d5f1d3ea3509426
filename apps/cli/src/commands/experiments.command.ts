import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ExperimentError, ExperimentsCoreModule, ExperimentsService, type BanditAllocation, type ExperimentDefinition, type ExperimentEntity, type OffPolicyReport, type VariantResult } from '@app/experiments';
import { StatisticsError } from '@app/statistics';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult } from '../cli-output.js';

const asCliError = (err: unknown): never => {
  if (err instanceof ExperimentError || err instanceof StatisticsError) throw new CliError(`${err.code}: ${err.message}`);
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

/** A bandit allocation epoch: per arm the serving probability, P(best) and the posterior counts. */
export function allocationTable(a: BanditAllocation): string {
  const head = ['variant', 'probability', 'P(best)', 'lists', 'rewarded', 'rate'];
  const rows = a.arms.map((x) => [x.variant, x.probability.toFixed(4), x.probabilityBest === null ? '–' : x.probabilityBest.toFixed(4), String(x.trials), String(x.successes), x.trials ? pct(x.successes / x.trials) : '–']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`epoch ${a.epoch} of phase ${a.phase}, ${a.computedAt.toISOString()} (${a.reason})`, fmt(head), ...rows.map(fmt)].join('\n');
}

/** One off-policy estimate as text. */
export function offPolicyText(r: OffPolicyReport): string {
  const ci = (i: OffPolicyReport['ips']) => `${pct(i.estimate)} [${pct(i.ciLow)}, ${pct(i.ciHigh)}]${i.bootstrapLow !== null ? ` (bootstrap [${pct(i.bootstrapLow)}, ${pct(i.bootstrapHigh)}])` : ''}`;
  return [
    `${r.experimentKey}: ${r.reward} rate per list if every list were served by ${r.target} (${r.n} logged lists, ${r.clusters} units, ${r.matched} matching)`,
    `  IPS    ${ci(r.ips)}`,
    `  SNIPS  ${r.snips ? ci(r.snips) : '– (no logged list matches the target)'}`,
    `  effective sample size ${r.effectiveSampleSize.toFixed(1)}, mean weight ${r.meanWeight.toFixed(3)}, max weight ${r.maxWeight.toFixed(2)}${r.clipped ? `, ${r.clipped} clipped` : ''}${r.servedRate !== null ? `; served rate (unweighted) ${pct(r.servedRate)}` : ''}`,
  ].join('\n');
}

export function register(program: Command): void {
  const experiments = program.command('experiments').description('A/B, interleaving and bandit experiments: create, list, show, start, pause, stop, conclude, promote, allocation, ope');

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
    .command('allocation <key>')
    .description("A bandit's current allocation epoch (serving probability, P(best), lists and rewards per arm); --refresh computes a new epoch now")
    .option('--refresh', 'recompute the allocation from the logged lists and rewards first')
    .option('--history <n>', 'also show the n epochs before it', (v: string) => Number(v), 0)
    .option('--json', 'print JSON')
    .action(async (key: string, opts: { refresh?: boolean; history: number; json?: boolean }) => {
      await withCliContext([ExperimentsCoreModule], async (ctx) => {
        const service = ctx.get(ExperimentsService);
        if (opts.refresh) await service.refreshAllocation(key, `cli ${cliActor()}`).catch(asCliError);
        const epochs = await service.allocations(key, undefined, 1 + Math.max(0, opts.history || 0)).catch(asCliError);
        printResult(epochs, !!opts.json, () => epochs.map(allocationTable).join('\n\n'));
      });
    });

  experiments
    .command('ope <key>')
    .description("Off-policy estimate (IPS and self-normalised IPS with 95% CIs) of a target's reward rate per list from a bandit's logged lists and serving probabilities")
    .option('--target <variant>', 'the variant to evaluate (as if it served every list)')
    .option('--allocation <json>', 'or a distribution over variants, e.g. \'{"a":0.5,"b":0.5}\'')
    .option('--phase <n>', 'one phase (default: all)', (v: string) => Number(v))
    .option('--reward <type>', "click | apply | save (default: the bandit's reward)")
    .option('--clip <w>', 'clip importance weights at w', (v: string) => Number(v))
    .option('--bootstrap <n>', 'bootstrap resamples over units for percentile intervals', (v: string) => Number(v))
    .option('--json', 'print JSON')
    .action(async (key: string, opts: { target?: string; allocation?: string; phase?: number; reward?: string; clip?: number; bootstrap?: number; json?: boolean }) => {
      let allocation: Record<string, number> | undefined;
      if (opts.allocation) {
        try {
          allocation = JSON.parse(opts.allocation) as Record<string, number>;
        } catch (err) {
          throw new CliError(`--allocation is not valid JSON: ${(err as Error).message}`);
        }
      }
      if (!opts.target && !allocation) throw new CliError('give --target <variant> or --allocation <json>');
      await withCliContext([ExperimentsCoreModule], async (ctx) => {
        const r = await ctx
          .get(ExperimentsService)
          .offPolicy(key, { ...(opts.target ? { variant: opts.target } : {}), ...(allocation ? { allocation } : {}) }, { phase: opts.phase, reward: opts.reward, clip: opts.clip ?? null, bootstrap: opts.bootstrap })
          .catch(asCliError);
        printResult(r, !!opts.json, () => offPolicyText(r));
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
