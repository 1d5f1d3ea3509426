import type { Command } from 'commander';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { EvaluationError } from '@app/evaluation';
import { describeSplit, EvaluationJobsCoreModule, EvaluationJobService, toComparisonModel, toEvaluationModel, type EvaluationRequest, type EvaluationRunEntity } from '@app/evaluation-jobs';
import { QueueNames } from '@app/queue';
import { RegistryError } from '@app/registry';
import type { Runtime } from '@app/runtime';
import { TrainingError } from '@app/training';
import type { Queue } from 'bullmq';
import cliProgress from 'cli-progress';
import { cliActor, withCliContext } from '../cli-context.js';
import { CliError, printResult, numberOption } from '../cli-output.js';

interface RunOptions {
  model?: string;
  k?: string;
  split?: string;
  cutoff?: string;
  n?: string;
  testRatio?: string;
  seed?: string;
  asOf?: string;
  metrics?: string;
  grades?: string;
  threshold?: string;
  gain?: string;
  includeTraining?: boolean;
  mode?: string;
  shards?: string;
  timeout?: string;
  attach?: boolean;
  follow?: boolean;
  inProcess?: boolean;
  json?: boolean;
}


const asCliError = (err: unknown): never => {
  if (err instanceof EvaluationError || err instanceof RegistryError || err instanceof TrainingError) throw new CliError(err.message);
  throw err;
};

function time(name: string, raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw new CliError(`--${name} must be an ISO time, got "${raw}"`);
  return d;
}

const SPLITS: Record<string, 'temporal' | 'leave_last_n' | 'random_ratio'> = {
  temporal: 'temporal',
  'leave-last': 'leave_last_n',
  'leave-last-n': 'leave_last_n',
  leave_last_n: 'leave_last_n',
  random: 'random_ratio',
  'random-ratio': 'random_ratio',
  random_ratio: 'random_ratio',
};

export function runRequest(o: RunOptions): EvaluationRequest {
  if (!o.model) throw new CliError('--model is required (name@alias or name/VERSION)');
  const kind = o.split === undefined ? undefined : SPLITS[o.split];
  if (o.split !== undefined && !kind) throw new CliError(`--split must be temporal, leave-last or random, got "${o.split}"`);
  let ks: number[] | undefined;
  if (o.k !== undefined) {
    ks = o.k.split(',').map((s) => Number(s.trim()));
    if (ks.some((k) => !Number.isInteger(k))) throw new CliError(`--k must be a comma-separated list of integers, got "${o.k}"`);
  }
  let grades: Record<string, number> | undefined;
  if (o.grades !== undefined) {
    grades = {};
    for (const part of o.grades.split(',')) {
      const [type, g] = part.split('=').map((s) => s.trim());
      const v = Number(g);
      if (!type || g === undefined || g === '' || !Number.isFinite(v)) throw new CliError(`--grades must look like apply=3,save=2,click=1, got "${o.grades}"`);
      grades[type] = v;
    }
  }
  if (o.gain !== undefined && !['binary', 'linear', 'exponential'].includes(o.gain)) throw new CliError(`--gain must be binary, linear or exponential, got "${o.gain}"`);
  if (o.mode !== undefined && !['artifact', 'refit'].includes(o.mode)) throw new CliError(`--mode must be artifact or refit, got "${o.mode}"`);
  return {
    modelRef: o.model,
    split: { kind, cutoff: time('cutoff', o.cutoff), n: numberOption('n', o.n, true), testRatio: numberOption('test-ratio', o.testRatio), seed: numberOption('seed', o.seed, true) },
    asOf: time('as-of', o.asOf),
    ks,
    metrics: o.metrics?.split(',').map((s) => s.trim()).filter(Boolean),
    relevance: grades || o.threshold !== undefined ? { grades, threshold: numberOption('threshold', o.threshold) } : undefined,
    gain: o.gain as EvaluationRequest['gain'],
    excludeTraining: o.includeTraining ? false : undefined,
    mode: o.mode as EvaluationRequest['mode'],
    shards: numberOption('shards', o.shards, true),
    timeoutSeconds: numberOption('timeout', o.timeout, true),
    attachToVersion: o.attach === false ? false : undefined,
  };
}

/** Whether a worker process serves the evaluation queue (as `matchlab train` decides for training). */
async function workerAvailable(ctx: INestApplicationContext, runtime: Runtime): Promise<boolean> {
  const queue = ctx.get<Queue>(getQueueToken(QueueNames.evaluation), { strict: false });
  try {
    return (await queue.getWorkers()).length > 0;
  } catch {
    return !runtime.endpoint.embedded;
  }
}

const fmt = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : '-');

function progressText(e: EvaluationRunEntity): string {
  const p = e.progress;
  const parts = [p.phase ?? e.status];
  if (p.shards !== undefined && p.phase === 'shards') parts.push(`shards ${p.shardsDone ?? 0}/${p.shards}`);
  if (p.users !== undefined && p.phase === 'shards') parts.push(`users ${p.usersDone ?? 0}/${p.users}`);
  return parts.join(' | ');
}

/** Percent bar on stderr (stdout stays clean for --json); without a terminal a line when the phase changes or every 5 s. */
function evaluationBar(label: string, enabled: boolean): { update(e: EvaluationRunEntity): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    let last = 0, lastPhase = '';
    return {
      update(e) {
        const phase = e.progress.phase ?? e.status;
        if (phase === lastPhase && Date.now() - last < 5000) return;
        last = Date.now();
        lastPhase = phase;
        process.stderr.write(`${label}: ${Math.floor(e.progress.percent ?? 0)}% ${progressText(e)}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | {detail}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(100, 0, { detail: 'queued' });
  return { update: (e) => bar.update(Math.floor(e.progress.percent ?? 0), { detail: progressText(e) }), stop: () => bar.stop() };
}

function metricsTable(e: EvaluationRunEntity): string[] {
  return (e.results ?? []).map((m) => `  ${m.name.padEnd(14)} ${fmt(m.value)}  [${fmt(m.ciLow)}, ${fmt(m.ciHigh)}]  users ${m.users}`);
}

function summary(e: EvaluationRunEntity): string {
  const head = `evaluation ${e.id}: ${e.model}/${e.version} (${e.strategy}, ${e.mode}) ${describeSplit(e.protocol.split)}, ${e.status}`;
  if (e.status === 'completed') {
    const d = e.dataset!;
    return [
      `${head} in ${fmt(e.durationSeconds).replace(/0+$/, '0')} s`,
      `  ${d.users} users, ${d.testInteractions} held-out / ${d.trainInteractions} training interactions before ${d.asOf}; dataset ${d.fingerprint.slice(0, 12)}; ${e.shards} shard(s)`,
      ...metricsTable(e),
      ...(e.attachedToVersion ? [`  attached ndcg/map/recall to ${e.model}/${e.version}`] : []),
    ].join('\n');
  }
  if (e.status === 'failed' || e.status === 'cancelled') return `${head}${e.errorCode ? ` (${e.errorCode})` : ''}: ${e.error ?? ''}`;
  return `${head} (${progressText(e)} ${e.progress.percent ?? 0}%)`;
}

async function follow(service: EvaluationJobService, id: string, json: boolean, running?: Promise<unknown>): Promise<EvaluationRunEntity> {
  const bar = evaluationBar(`evaluate ${id.slice(0, 14)}`, !json);
  let done = false;
  void running?.finally(() => (done = true));
  try {
    for (;;) {
      const e = await service.get(id);
      bar.update(e);
      if ((e.status !== 'queued' && e.status !== 'running') || done) {
        if (running) await running.catch(() => undefined);
        return service.get(id);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    bar.stop();
  }
}

/** Prints the evaluation; a failed or cancelled one also exits 1 (with --json after printing the document). */
function finishOutput(e: EvaluationRunEntity, json: boolean, mode?: string): void {
  const ended = e.status === 'failed' || e.status === 'cancelled';
  if (json) printResult({ ...toEvaluationModel(e), ...(mode ? { runMode: mode } : {}) }, true, () => '');
  else if (!ended) printResult(e, false, () => summary(e));
  if (ended) throw new CliError(summary(e));
}

export function register(program: Command): void {
  const evaluate = program.command('evaluate').description('Offline evaluation jobs over registered model versions: run, follow, list, show, compare, cancel');

  evaluate
    .command('run')
    .description('Evaluate a model version on a split of the market interactions (a queued job; --follow shows progress)')
    .requiredOption('--model <ref>', 'name@alias or name/VERSION')
    .option('--k <list>', 'cut-offs, comma-separated (default 5,10,20)')
    .option('--split <kind>', 'temporal (default), leave-last or random')
    .option('--cutoff <time>', "temporal: ISO time (default: the version's training cut-off)")
    .option('--n <n>', 'leave-last: interactions held out per user (default 1)')
    .option('--test-ratio <r>', 'random: held-out share per user (default 0.2)')
    .option('--seed <n>', 'random: seed (default 42)')
    .option('--as-of <time>', 'read interactions before this ISO time (default: now)')
    .option('--metrics <list>', 'precision,recall,map,ndcg,mrr,hit_rate,novelty,coverage (default all but novelty)')
    .option('--grades <list>', 'relevance grades, e.g. apply=3,save=2,click=1 (the default)')
    .option('--threshold <g>', 'relevant when the grade is at least this (default 1)')
    .option('--gain <g>', 'NDCG gain: binary, linear (default) or exponential')
    .option('--include-training', "keep each user's training items in the ranking and the targets")
    .option('--mode <m>', 'artifact (default for temporal) or refit (default otherwise)')
    .option('--shards <n>', 'shards by user id, one queue job each (default 1)')
    .option('--timeout <seconds>', 'stop the job after this long (default 3600)')
    .option('--no-attach', "do not write ndcg/map/recall to the version's offline metrics")
    .option('--follow', 'show progress until the evaluation ends and print the metrics')
    .option('--in-process', 'run the evaluation in this process instead of queueing it')
    .option('--json', 'print JSON')
    .action(async (opts: RunOptions) => {
      const req = runRequest(opts);
      const json = !!opts.json;
      await withCliContext([EvaluationJobsCoreModule], async (ctx, runtime) => {
        const service = ctx.get(EvaluationJobService);
        const inProcess = opts.inProcess || (!!opts.follow && !(await workerAvailable(ctx, runtime)));
        if (inProcess) {
          const e = await service.start(req, cliActor(), { enqueue: false }).catch(asCliError);
          if (!json) process.stderr.write(`no worker process serves the evaluation queue: running ${e.id} in this process\n`);
          const running = service.runInProcess(e.id);
          return finishOutput(await follow(service, e.id, json, running), json, 'in-process');
        }
        const e = await service.start(req, cliActor()).catch(asCliError);
        if (!opts.follow) {
          printResult({ ...toEvaluationModel(e), runMode: 'queued' }, json, () => `queued evaluation ${e.id} of ${e.model}/${e.version} (${describeSplit(e.protocol.split)}, ${e.shards} shard(s)); follow it with: matchlab evaluate follow ${e.id}`);
          return;
        }
        if (!json) process.stderr.write(`queued evaluation ${e.id} on the evaluation queue (worker processes run its shards)\n`);
        finishOutput(await follow(service, e.id, json), json, 'worker');
      });
    });

  evaluate
    .command('follow <id>')
    .description('Show the progress of an evaluation until it ends')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withCliContext([EvaluationJobsCoreModule], async (ctx) => {
        const service = ctx.get(EvaluationJobService);
        await service.get(id).catch(asCliError);
        finishOutput(await follow(service, id, !!opts.json), !!opts.json);
      });
    });

  evaluate
    .command('list')
    .description('Evaluations, newest first')
    .option('--model <name>', 'only this model')
    .option('--version <n>', 'only this version')
    .option('--dataset <fingerprint>', 'only this dataset (fingerprint or a prefix)')
    .option('--status <s>', 'queued, running, completed, failed or cancelled')
    .option('--limit <n>', 'at most this many (default 20)')
    .option('--json', 'print JSON')
    .action(async (opts: { model?: string; version?: string; dataset?: string; status?: string; limit?: string; json?: boolean }) => {
      const limit = numberOption('limit', opts.limit, true) ?? 20;
      if (limit < 1 || limit > 500) throw new CliError('--limit must be in 1..500');
      await withCliContext([EvaluationJobsCoreModule], async (ctx) => {
        const page = await ctx.get(EvaluationJobService).list({ model: opts.model, version: numberOption('version', opts.version, true), datasetFingerprint: opts.dataset, status: opts.status }, { offset: 0, limit });
        printResult({ items: page.items.map(toEvaluationModel), totalCount: page.totalCount }, !!opts.json, () =>
          page.items.length === 0
            ? 'no evaluations'
            : page.items
                .map((e) => {
                  const ndcg = e.results?.find((m) => m.name === 'ndcg@10') ?? e.results?.find((m) => m.name.startsWith('ndcg@'));
                  return `${e.id}  ${`${e.model}/${e.version}`.padEnd(16)} ${describeSplit(e.protocol.split).padEnd(40)} ${e.status.padEnd(9)} ${ndcg ? `${ndcg.name} ${fmt(ndcg.value)}` : ''.padEnd(14)}  ${e.dataset ? `dataset ${e.dataset.fingerprint.slice(0, 12)}` : ''}  ${e.createdAt.toISOString()}`;
                })
                .join('\n') + (page.totalCount > page.items.length ? `\n(${page.items.length} of ${page.totalCount})` : ''),
        );
      });
    });

  evaluate
    .command('show <id>')
    .description('An evaluation: protocol, dataset, metrics with 95% bootstrap intervals')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withCliContext([EvaluationJobsCoreModule], async (ctx) => {
        const e = await ctx.get(EvaluationJobService).get(id).catch(asCliError);
        printResult(toEvaluationModel(e), !!opts.json, () => summary(e));
      });
    });

  evaluate
    .command('compare <a> <b>')
    .description('Paired comparison b − a of two evaluations on the same split and users: difference, 95% paired-bootstrap CI, sign-flip p-value')
    .option('--metrics <list>', 'only these, e.g. ndcg@10,recall@10')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, opts: { metrics?: string; json?: boolean }) => {
      await withCliContext([EvaluationJobsCoreModule], async (ctx) => {
        const c = await ctx.get(EvaluationJobService).compare(a, b, opts.metrics?.split(',').map((s) => s.trim()).filter(Boolean)).catch(asCliError);
        printResult(toComparisonModel(c), !!opts.json, () =>
          [
            `b ${c.b.model}/${c.b.version} − a ${c.a.model}/${c.a.version} on ${describeSplit(c.a.protocol.split)}, ${c.users} paired users`,
            `  ${'metric'.padEnd(14)} ${'a'.padStart(7)} ${'b'.padStart(7)} ${'b − a'.padStart(8)}  95% CI               p`,
            ...c.metrics.map((m) => `  ${m.name.padEnd(14)} ${fmt(m.a)}  ${fmt(m.b)}  ${(m.difference >= 0 ? '+' : '') + fmt(m.difference)}  [${fmt(m.ciLow)}, ${fmt(m.ciHigh)}]  ${m.pValue.toPrecision(3)}`),
            `  ${c.method}`,
          ].join('\n'),
        );
      });
    });

  evaluate
    .command('cancel <id>')
    .description('Cancel a queued or running evaluation')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withCliContext([EvaluationJobsCoreModule], async (ctx) => {
        const e = await ctx.get(EvaluationJobService).cancel(id).catch(asCliError);
        printResult(toEvaluationModel(e), !!opts.json, () => `evaluation ${e.id} ${e.status}`);
      });
    });
}
