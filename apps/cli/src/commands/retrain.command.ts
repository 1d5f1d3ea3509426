import type { Command } from 'commander';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { QueueNames } from '@app/queue';
import { RegistryError } from '@app/registry';
import { RetrainError, RetrainingCoreModule, RetrainingService, type RetrainPolicyInput, type RetrainRunEntity } from '@app/retraining';
import type { Runtime } from '@app/runtime';
import type { Queue } from 'bullmq';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult, numberOption, jsonObjectOption } from '../cli-output.js';

const asCliError = (err: unknown): never => {
  if (err instanceof RetrainError || err instanceof RegistryError) throw new CliError(err.message);
  throw err;
};

/** Whether a worker serves the retraining queue (else the run goes in this process). */
async function workerAvailable(ctx: INestApplicationContext, runtime: Runtime): Promise<boolean> {
  const queue = ctx.get<Queue>(getQueueToken(QueueNames.retraining), { strict: false });
  try {
    return (await queue.getWorkers()).length > 0;
  } catch {
    return !runtime.endpoint.embedded;
  }
}

function describeRun(r: RetrainRunEntity): string {
  const lines = [`retrain run ${r.id} of ${r.model} (${r.trigger}): ${r.status}${r.version ? `, version ${r.model}/${r.version}` : ''} — ${Math.floor(r.progress.percent)}% ${r.progress.phase}`];
  for (const s of r.steps) lines.push(`  ${s.name.padEnd(8)} ${s.status.padEnd(9)} ${s.jobs.join(', ')}${s.detail ? `  ${s.detail}` : ''}`);
  if (r.gate) lines.push(`  gate: ${r.gate.allowed ? 'passed' : 'refused'} — ${r.gate.reason}`);
  if (r.error) lines.push(`  error (${r.errorCode}): ${r.error}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  const retrain = program.command('retrain').description('Continuous learning: retraining policies and runs (train → evaluate vs champion → gate → challenger)');

  retrain.command('set')
    .description("Create or replace a model's retraining policy")
    .requiredOption('--model <name>', 'registered model')
    .option('--cron <pattern>', 'schedule as a cron pattern (UTC), e.g. "0 3 * * 1"')
    .option('--every-minutes <n>', 'or schedule every n minutes')
    .option('--strategy <name>', "strategy of new versions (default: the model's)")
    .option('--params <json>', 'hyperparameters as a JSON object')
    .option('--window-days <n>', 'train on this many days before the cut-off (default: all)')
    .option('--holdout-days <n>', 'days held out for the evaluation vs the champion (default 7)')
    .option('--metric <m>', 'gate metric (default ndcg@10)')
    .option('--max-drop <x>', "allowed drop vs the champion (default: the model's gate)")
    .option('--drift-service <name>', 'retrain when this feature service drifts')
    .option('--drift-features <list>', 'comma-separated view.feature names that count (default: all)')
    .option('--disable', 'keep the policy but remove its schedule')
    .option('--json', 'print JSON')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const input: RetrainPolicyInput = {
        enabled: !o['disable'],
        schedule: { ...(o['cron'] !== undefined ? { cron: String(o['cron']) } : {}), ...(o['everyMinutes'] !== undefined ? { intervalMinutes: numberOption('every-minutes', String(o['everyMinutes']), true) } : {}) },
        strategy: o['strategy'] as string | undefined,
        params: jsonObjectOption('params', o['params'] as string | undefined),
        trainingWindowDays: numberOption('window-days', o['windowDays'] as string | undefined, true) ?? null,
        evaluation: { holdoutDays: numberOption('holdout-days', o['holdoutDays'] as string | undefined), metric: o['metric'] as string | undefined },
        gate: { maxDrop: numberOption('max-drop', o['maxDrop'] as string | undefined) },
        drift: o['driftService'] ? { service: String(o['driftService']), features: o['driftFeatures'] ? String(o['driftFeatures']).split(',').map((s) => s.trim()).filter(Boolean) : [] } : null,
      };
      await withCliContext([RetrainingCoreModule], async (ctx) => {
        const svc = ctx.get(RetrainingService);
        const { model, policy } = await svc.setPolicy(String(o['model']), input, cliActor()).catch(asCliError);
        const next = policy.enabled ? await svc.nextRunAt(model.name) : null;
        printResult({ model: model.name, ...policy, nextRunAt: next }, Boolean(o['json']), () =>
          `retraining policy of ${model.name}: ${policy.enabled ? (policy.schedule.cron ? `cron "${policy.schedule.cron}" (UTC)` : `every ${policy.schedule.intervalMinutes} min`) : 'disabled'}` +
          `, ${policy.strategy ?? model.strategy} ${JSON.stringify(policy.params)}, window ${policy.trainingWindowDays ?? 'all'} days, hold-out ${policy.evaluation.holdoutDays} days, gate on ${policy.evaluation.metric}` +
          `${policy.drift ? `, drift trigger ${policy.drift.service}${policy.drift.features.length ? ` (${policy.drift.features.join(', ')})` : ''}` : ''}${next ? `; next run ${next.toISOString()}` : ''}`);
      });
    });

  retrain.command('run')
    .description('Retrain now (manual trigger); follows the run until it ends')
    .requiredOption('--model <name>', 'registered model with a policy')
    .option('--as-of <time>', "the run's now (ISO time; default now)")
    .option('--in-process', 'run every step in this process (no worker needed)')
    .option('--no-follow', 'only queue the run')
    .option('--json', 'print JSON')
    .action(async (o: { model: string; asOf?: string; inProcess?: boolean; follow?: boolean; json?: boolean }) => {
      let asOf: Date | undefined;
      if (o.asOf !== undefined) {
        asOf = new Date(o.asOf);
        if (Number.isNaN(asOf.getTime())) throw new CliError(`--as-of must be an ISO time, got "${o.asOf}"`);
      }
      await withCliContext([RetrainingCoreModule], async (ctx, runtime) => {
        const svc = ctx.get(RetrainingService);
        const inProcess = o.inProcess || !(await workerAvailable(ctx, runtime));
        let run = await svc.trigger(o.model, 'manual', cliActor(), { enqueue: !inProcess, asOf }).catch(asCliError);
        if (!o.json) process.stderr.write(`retrain run ${run.id} ${inProcess ? 'running in this process' : 'queued'}\n`);
        let lastPhase = '';
        const say = (p: { percent: number; phase: string }) => {
          if (o.json || p.phase === lastPhase) return;
          lastPhase = p.phase;
          process.stderr.write(`  ${Math.floor(p.percent)}% ${p.phase}\n`);
        };
        if (inProcess) run = await svc.runInProcess(run.id, say);
        else if (o.follow !== false) {
          while (run.status === 'queued' || run.status === 'running') {
            await new Promise((r) => setTimeout(r, 500));
            run = await svc.get(run.id);
            say(run.progress);
          }
        }
        printResult(run, Boolean(o.json), () => describeRun(run));
        if (run.status === 'failed') throw new CliError(`retrain run failed (${run.errorCode}): ${run.error}; the champion is unchanged`);
      });
    });

  retrain.command('list')
    .description('Retraining policies, or the runs of one model')
    .option('--model <name>', 'runs of this model (newest first)')
    .option('--limit <n>', 'runs to show (default 20)')
    .option('--json', 'print JSON')
    .action(async (o: { model?: string; limit?: string; json?: boolean }) => {
      await withCliContext([RetrainingCoreModule], async (ctx) => {
        const svc = ctx.get(RetrainingService);
        if (o.model) {
          const runs = await svc.runs(o.model, numberOption('limit', o.limit, true) ?? 20).catch(asCliError);
          printResult(runs, Boolean(o.json), () => runs.length ? runs.map(describeRun).join('\n') : `no retrain runs of ${o.model}`);
          return;
        }
        const all = await svc.policies().catch(asCliError);
        printResult(all.map(({ model, policy }) => ({ model: model.name, ...policy })), Boolean(o.json), () => all.length
          ? all.map(({ model, policy }) => `${model.name}: ${policy.enabled ? (policy.schedule.cron ? `cron "${policy.schedule.cron}"` : `every ${policy.schedule.intervalMinutes} min`) : 'disabled'}, ${policy.strategy ?? model.strategy}, hold-out ${policy.evaluation.holdoutDays} d, ${policy.evaluation.metric}${policy.drift ? `, drift ${policy.drift.service}` : ''}`).join('\n')
          : 'no retraining policies');
      });
    });
}
