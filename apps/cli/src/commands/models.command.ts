import type { Command } from 'commander';
import { RegistryCoreModule, RegistryError, RegistryService, type ModelVersionEntity } from '@app/registry';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult } from '../cli-output.js';


const asCliError = (err: unknown): never => {
  if (err instanceof RegistryError) throw new CliError(err.message);
  throw err;
};

function versionNumber(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new CliError(`VERSION must be a positive integer, got "${raw}"`);
  return Number(raw);
}

const fmtMetrics = (m: Record<string, number>) =>
  Object.entries(m)
    .filter(([k]) => /^(ndcg|recall)@/.test(k))
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ') || '-';

function versionLine(v: ModelVersionEntity, aliases: string[]): string {
  const rows = (v.dataset['rows'] as { interactions?: number } | undefined)?.interactions;
  return `  v${String(v.version).padEnd(4)} ${v.status.padEnd(8)} ${v.strategy.padEnd(10)} ${v.createdAt.toISOString()}  ${fmtMetrics(v.metrics)}  params ${JSON.stringify(v.params)}${rows !== undefined ? `  ${rows} interactions` : ''}  code ${v.codeVersion.slice(0, 10)}${aliases.length ? `  [${aliases.join(', ')}]` : ''}${Object.keys(v.tags).length ? `  tags ${JSON.stringify(v.tags)}` : ''}`;
}

export function register(program: Command): void {
  const models = program.command('models').description('Model registry: list, show, promote, rollback, history');

  models
    .command('list')
    .description('Registered models with their aliases and latest version')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withCliContext([RegistryCoreModule], async (ctx) => {
        const registry = ctx.get(RegistryService);
        const out: Array<{ name: string; strategy: string; owner: string; versions: number; latest: number | null; aliases: Record<string, number | undefined> }> = [];
        for (const m of await registry.listModels()) {
          const [versions, aliases] = await Promise.all([registry.versions(m.id), registry.aliases(m.id)]);
          const numberOf = new Map(versions.map((v) => [v.id, v.version]));
          out.push({ name: m.name, strategy: m.strategy, owner: m.owner, versions: versions.length, latest: versions[0]?.version ?? null, aliases: Object.fromEntries(aliases.map((a) => [a.alias, numberOf.get(a.versionId)])) });
        }
        printResult(out, !!opts.json, () =>
          out.length === 0 ? 'no models' : out.map((m) => `${m.name.padEnd(24)} ${m.strategy.padEnd(10)} ${String(m.versions).padStart(3)} versions  latest ${m.latest ?? '-'}  ${Object.entries(m.aliases).map(([a, v]) => `${a}=${v}`).join(' ')}`).join('\n'),
        );
      });
    });

  models
    .command('show <name>')
    .description('A model with every version (lineage, metrics, tags) and its aliases')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withCliContext([RegistryCoreModule], async (ctx) => {
        const registry = ctx.get(RegistryService);
        const model = await registry.getModel(name).catch(asCliError);
        const [versions, aliases] = await Promise.all([registry.versions(model.id), registry.aliases(model.id)]);
        const aliasesOf = (id: string) => aliases.filter((a) => a.versionId === id).map((a) => a.alias);
        const result = { ...model, versions: versions.map((v) => ({ ...v, aliases: aliasesOf(v.id) })) };
        printResult(result, !!opts.json, () =>
          [`${model.name} (${model.strategy}) owner ${model.owner}; gate ${JSON.stringify(model.gate)}`, ...(versions.length ? versions.map((v) => versionLine(v, aliasesOf(v.id))) : ['  no versions'])].join('\n'),
        );
      });
    });

  models
    .command('promote <name> <version>')
    .description('Point an alias (default champion) at a version, through the promotion gate')
    .option('--alias <alias>', 'alias to move', 'champion')
    .option('--reason <text>', 'why (kept in the alias history)')
    .option('--json', 'print JSON')
    .action(async (name: string, version: string, opts: { alias: string; reason?: string; json?: boolean }) => {
      const v = versionNumber(version);
      await withCliContext([RegistryCoreModule], async (ctx) => {
        const result = await ctx.get(RegistryService).setAlias(name, opts.alias, v, { actor: cliActor(), reason: opts.reason }).catch(asCliError);
        printResult({ model: name, alias: opts.alias, version: result.version.version, gateReason: result.gateReason }, !!opts.json, () => `${name}@${opts.alias} → version ${result.version.version} (${result.gateReason})`);
      });
    });

  models
    .command('rollback <name>')
    .description('Move an alias back to the version it had before its last move')
    .option('--alias <alias>', 'alias to roll back', 'champion')
    .option('--reason <text>', 'why (kept in the alias history)')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { alias: string; reason?: string; json?: boolean }) => {
      await withCliContext([RegistryCoreModule], async (ctx) => {
        const v = await ctx.get(RegistryService).rollbackAlias(name, opts.alias, { actor: cliActor(), reason: opts.reason }).catch(asCliError);
        printResult({ model: name, alias: opts.alias, version: v.version }, !!opts.json, () => `${name}@${opts.alias} rolled back to version ${v.version}`);
      });
    });

  models
    .command('history <name>')
    .description('Alias history (append-only): who moved which alias from which version to which, when and why')
    .option('--alias <alias>', 'only this alias')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { alias?: string; json?: boolean }) => {
      await withCliContext([RegistryCoreModule], async (ctx) => {
        const rows = await ctx.get(RegistryService).aliasHistory(name, opts.alias).catch(asCliError);
        printResult(rows, !!opts.json, () =>
          rows.length === 0
            ? `no alias moves for ${name}`
            : rows.map((r) => `${r.at.toISOString()}  ${r.alias.padEnd(12)} ${r.action.padEnd(8)} ${r.fromVersion ?? '-'} → ${r.toVersion ?? '-'}  by ${r.actor}${r.reason ? `: ${r.reason}` : ''}${r.experimentKey ? ` (experiment ${r.experimentKey})` : ''}`).join('\n'),
        );
      });
    });
}
