import type { Command } from 'commander';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { QueueNames } from '@app/queue';
import { RegistryError, RegistryService } from '@app/registry';
import type { Runtime } from '@app/runtime';
import { parseJsonObject, TrainingCoreModule, TrainingError, TrainingService, type TrainingJobEntity, type TrainingProgress } from '@app/training';
import type { Queue } from 'bullmq';
import { cliActor, withCliContext } from '../cli-context.js';
import cliProgress from 'cli-progress';
import { CliError, printResult, numberOption } from '../cli-output.js';

interface TrainOptions {
  model?: string;
  strategy?: string;
  params?: string;
  cutoff?: string;
  validationFraction?: string;
  timeout?: string;
  impressions?: boolean;
  follow?: boolean;
  inProcess?: boolean;
  json?: boolean;
}

interface SearchOptions extends TrainOptions {
  method: string;
  space: string;
  trials?: string;
  seed?: string;
  metric?: string;
}


const asCliError = (err: unknown): never => {
  if (err instanceof TrainingError || err instanceof RegistryError) throw new CliError(err.message);
  throw err;
};

function request(opts: TrainOptions) {
  if (!opts.model) throw new CliError('--model is required');
  let cutoff: Date | undefined;
  if (opts.cutoff !== undefined) {
    cutoff = new Date(opts.cutoff);
    if (Number.isNaN(cutoff.getTime())) throw new CliError(`--cutoff must be an ISO time, got "${opts.cutoff}"`);
  }
  let params: Record<string, unknown> | undefined;
  try {
    params = parseJsonObject('--params', opts.params);
  } catch (err) {
    asCliError(err);
  }
  return {
    model: opts.model,
    strategy: opts.strategy,
    params,
    cutoff,
    validationFraction: numberOption('validation-fraction', opts.validationFraction),
    timeoutSeconds: numberOption('timeout', opts.timeout, true),
    includeImpressions: opts.impressions,
  };
}

/** Registers the model when it does not exist yet (strategy from --strategy). */
async function ensureModel(ctx: INestApplicationContext, name: string, strategy: string | undefined, json: boolean): Promise<void> {
  const registry = ctx.get(RegistryService);
  try {
    await registry.getModel(name);
  } catch (err) {
    if (!(err instanceof RegistryError) || err.code !== 'NOT_FOUND') throw err;
    if (!strategy) throw new CliError(`model ${name} does not exist; pass --strategy to register it`);
    await registry.registerModel({ name, strategy, owner: cliActor() }).catch(asCliError);
    if (!json) process.stderr.write(`registered model ${name} (strategy ${strategy})\n`);
  }
}

/**
 * Whether a worker process serves the training queue. Embedded mode where this CLI started the database
 * itself: certainly not. Otherwise BullMQ lists the connected workers (on Postgres via pg_stat_activity).
 */
async function workerAvailable(ctx: INestApplicationContext, runtime: Runtime): Promise<boolean> {
  const queue = ctx.get<Queue>(getQueueToken(QueueNames.training), { strict: false });
  try {
    return (await queue.getWorkers()).length > 0;
  } catch {
    return !runtime.endpoint.embedded;
  }
}

function describeProgress(p: Partial<TrainingProgress>): string {
  const parts = [p.phase ?? ''];
  if (p.trial) parts.push(`trial ${p.trial}/${p.trials}`);
  if (p.iteration) parts.push(`iteration ${p.iteration}/${p.iterations}`);
  if (p.loss !== undefined) parts.push(`loss ${p.loss.toFixed(4)}`);
  return parts.join(' ');
}

/**
 * Percent bar with the phase, iteration and loss on stderr (stdout stays clean for --json). Without a terminal:
 * a line when the phase changes or every 5 s.
 */
function trainingBar(label: string, enabled: boolean): { update(p: Partial<TrainingProgress>): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    let last = 0, lastPhase = '';
    return {
      update(p) {
        const phase = (p.phase ?? '').split(':')[0]!;
        if (phase === lastPhase && Date.now() - last < 5000) return;
        last = Date.now();
        lastPhase = phase;
        process.stderr.write(`${label}: ${Math.floor(p.percent ?? 0)}% ${describeProgress(p)}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | {detail}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(100, 0, { detail: 'queued' });
  return { update: (p) => bar.update(Math.floor(p.percent ?? 0), { detail: describeProgress(p) }), stop: () => bar.stop() };
}

function summary(job: TrainingJobEntity): string {
  if (job.status === 'completed') {
    const best = (job.result as { best?: { metric: string; value: number } } | null)?.best;
    return `job ${job.id} completed: version ${job.model}/${job.version}${best ? ` (best of ${(job.result as { versions: number[] }).versions.length} trials, ${best.metric} ${best.value.toFixed(4)})` : ''}`;
  }
  if (job.status === 'failed' || job.status === 'cancelled') return `job ${job.id} ${job.status}${job.errorCode ? ` (${job.errorCode})` : ''}: ${job.error ?? ''}`;
  return `job ${job.id} ${job.status} (${job.progress.phase ?? ''} ${job.progress.percent ?? 0}%)`;
}

/** Polls the job's row (any process may run it) and shows a progress bar until it ends. */
async function follow(training: TrainingService, id: string, json: boolean): Promise<TrainingJobEntity> {
  const bar = trainingBar(`train ${id.slice(0, 8)}`, !json);
  try {
    for (;;) {
      const job = await training.get(id);
      bar.update(job.progress);
      if (job.status !== 'queued' && job.status !== 'running') return job;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    bar.stop();
  }
}

/** Prints the job; a failed or cancelled job also exits 1 (with --json after printing the document). */
function finishOutput(job: TrainingJobEntity, json: boolean, mode: string): void {
  const ended = job.status === 'failed' || job.status === 'cancelled';
  if (json) printResult({ ...job, mode }, true, () => '');
  else if (!ended) printResult(job, false, () => summary(job));
  if (ended) throw new CliError(summary(job));
}

async function startAndMaybeFollow(opts: TrainOptions, start: (training: TrainingService, enqueue: boolean) => Promise<TrainingJobEntity>): Promise<void> {
  await withCliContext([TrainingCoreModule], async (ctx, runtime) => {
    const json = !!opts.json;
    await ensureModel(ctx, opts.model!, opts.strategy, json);
    const training = ctx.get(TrainingService);
    const inProcess = opts.inProcess || (!!opts.follow && !(await workerAvailable(ctx, runtime)));
    if (inProcess) {
      const job = await start(training, false).catch(asCliError);
      if (!json) process.stderr.write(`no worker process serves the training queue: running job ${job.id} in this process\n`);
      const bar = trainingBar(`train ${job.model}`, !json);
      await training.runInProcess(job.id, (p) => bar.update(p)).catch(() => undefined).finally(() => bar.stop());
      return finishOutput(await training.get(job.id), json, 'in-process');
    }
    const job = await start(training, true).catch(asCliError);
    if (!opts.follow) {
      printResult({ ...job, mode: 'queued' }, json, () => `queued training job ${job.id} (${job.model}, ${job.strategy}); follow it with: matchlab train follow ${job.id}`);
      return;
    }
    if (!json) process.stderr.write(`queued job ${job.id} on the training queue (a worker process runs it)\n`);
    finishOutput(await follow(training, job.id, json), json, 'worker');
  });
}

const trainOptions = (c: Command): Command =>
  c
    .option('--model <name>', 'registered model (registered on the fly when --strategy is given)')
    .option('--strategy <name>', "strategy (default: the model's)")
    .option('--params <json>', 'hyperparameters as a JSON object')
    .option('--cutoff <time>', 'use interactions before this ISO time (default: now)')
    .option('--validation-fraction <f>', 'last share of the time range held out for validation metrics (default 0.1)')
    .option('--timeout <seconds>', 'stop the job after this long (default 1800)')
    .option('--impressions', 'use impressions as weak positives')
    .option('--follow', 'show progress until the job ends and print the version')
    .option('--in-process', 'run the job in this process instead of queueing it')
    .option('--json', 'print JSON');

export function register(program: Command): void {
  const train = trainOptions(program.command('train').description('Train a model version from the market tables (queued job); subcommands follow, search, cancel, list'));
  train.action(async (opts: TrainOptions) => {
    const req = request(opts);
    await startAndMaybeFollow(opts, (t, enqueue) => t.startTraining(req, cliActor(), { enqueue }));
  });

  train
    .command('search')
    .description('Hyperparameter search: train every grid point or random sample, pick the best by a validation metric (takes the train options: --model, --strategy, --params as base, --cutoff, --validation-fraction, --timeout, --follow, --in-process, --json)')
    .requiredOption('--method <grid|random>', 'grid or random')
    .requiredOption('--space <json>', 'JSON object: parameter → list of values, or {"min","max","log"?,"integer"?}')
    .option('--trials <n>', 'random search: number of trials (default 10); grid: cap')
    .option('--seed <n>', 'random search seed (default 1)')
    .option('--metric <name>', 'validation metric to maximise (default ndcg@10)')
    // `train`'s own options (--model, --json, …) are parsed by `train` before the subcommand runs: merge them.
    .action(async (_opts: SearchOptions, cmd: Command) => {
      const opts = cmd.optsWithGlobals<SearchOptions>();
      const req = request(opts);
      if (opts.method !== 'grid' && opts.method !== 'random') throw new CliError(`--method must be grid or random, got "${opts.method}"`);
      let space: Record<string, unknown> | undefined;
      try {
        space = parseJsonObject('--space', opts.space);
      } catch (err) {
        asCliError(err);
      }
      const search = { ...req, method: opts.method as 'grid' | 'random', space: space as never, trials: numberOption('trials', opts.trials, true), seed: numberOption('seed', opts.seed, true), metric: opts.metric };
      await startAndMaybeFollow(opts, (t, enqueue) => t.startSearch(search, cliActor(), { enqueue }));
    });

  train
    .command('follow <jobId>')
    .description('Show the progress of a training job until it ends (--json: print JSON)')
    .action(async (jobId: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean }>();
      await withCliContext([TrainingCoreModule], async (ctx) => {
        const training = ctx.get(TrainingService);
        await training.get(jobId).catch(asCliError);
        finishOutput(await follow(training, jobId, !!opts.json), !!opts.json, 'follow');
      });
    });

  train
    .command('cancel <jobId>')
    .description('Cancel a queued or running training job; nothing is registered (--json: print JSON)')
    .action(async (jobId: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean }>();
      await withCliContext([TrainingCoreModule], async (ctx) => {
        const job = await ctx.get(TrainingService).cancel(jobId).catch(asCliError);
        printResult(job, !!opts.json, () => (job.status === 'cancelled' ? `job ${job.id} cancelled` : `job ${job.id} will stop at its next progress report`));
      });
    });

  train
    .command('list')
    .description('Training jobs, newest first (--model NAME: only this model; --json: print JSON)')
    .option('--limit <n>', 'at most this many (default 20)')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ model?: string; limit?: string; json?: boolean }>();
      await withCliContext([TrainingCoreModule], async (ctx) => {
        const jobs = await ctx.get(TrainingService).list({ model: opts.model, limit: numberOption('limit', opts.limit, true) ?? 20 });
        printResult(jobs, !!opts.json, () =>
          jobs.length === 0 ? 'no training jobs' : jobs.map((j) => `${j.id}  ${j.kind.padEnd(6)} ${j.model}/${j.version ?? '-'}  ${j.strategy.padEnd(10)} ${j.status.padEnd(9)} ${j.createdAt.toISOString()}`).join('\n'),
        );
      });
    });
}
