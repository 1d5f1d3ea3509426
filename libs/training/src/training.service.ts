import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { KeyValueStore } from '@app/kv';
import { QueueNames } from '@app/queue';
import { isStrategyName, loadRecommender, validateParams, type ProgressFn, type StrategyName, type TrainingSnapshot } from '@app/recsys';
import { RegistryService, type ModelVersionEntity, type NewVersion } from '@app/registry';
import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { codeVersion } from './code-version.js';
import { asTrainingError, runFit, type StopReason } from './fit-runner.js';
import { bestTrial, planTrials, type SearchPlan } from './search.js';
import { temporalSplit, type SnapshotInfo } from './snapshot.js';
import { SnapshotService } from './snapshot.service.js';
import { TrainingJobEntity, type TrainingProgress } from './training-job.entity.js';
import { TrainingError } from './training.errors.js';
import { validationMetrics } from './validation.js';

export const DEFAULT_TIMEOUT_SECONDS = 30 * 60;
export const DEFAULT_VALIDATION_FRACTION = 0.1;
const cancelKey = (id: string) => `training:cancel:${id}`;

export interface TrainingRequest {
  model: string;
  strategy?: string;
  params?: Record<string, unknown>;
  /** Interactions with occurred_at < cutoff are used; default: now. */
  cutoff?: Date;
  /** Share of the time range held out for validation metrics (0 = none); default 0.1. */
  validationFraction?: number;
  timeoutSeconds?: number;
  includeImpressions?: boolean;
  /** Training window: only interactions with occurred_at >= since (default: all before the cutoff). */
  since?: Date;
  /** Extra tags for the registered version (lineage, e.g. the retrain run that asked for it). */
  tags?: Record<string, string>;
}

export interface SearchRequest extends TrainingRequest {
  method: 'grid' | 'random';
  space: SearchPlan['space'];
  trials?: number;
  seed?: number;
  /** Validation metric to maximise; default "ndcg@10". */
  metric?: string;
}

/** What the queue job carries; the same object drives an in-process run. */
export interface TrainingJobData {
  kind: 'train' | 'search';
  model: string;
  strategy: StrategyName;
  params: Record<string, unknown>;
  cutoff: string;
  validationFraction: number;
  timeoutSeconds: number;
  includeImpressions: boolean;
  createdBy: string;
  since?: string;
  tags?: Record<string, string>;
  search?: { method: 'grid' | 'random'; space: SearchPlan['space']; trials?: number; seed?: number; metric: string };
}

export interface TrainingResult {
  status: 'completed' | 'cancelled';
  version?: number;
  versions?: number[];
  best?: { version: number; params: Record<string, unknown>; metric: string; value: number };
}

/** Where progress and logs go: BullMQ's job (queued runs) and the training_jobs row (always). */
export interface JobReporter {
  progress(p: TrainingProgress): Promise<void>;
  log(line: string): Promise<void>;
}

/** Starts, runs, follows and cancels training and hyperparameter-search jobs; registers what they train. */
@Injectable()
export class TrainingService {
  private readonly logger = new Logger('TrainingService');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(KeyValueStore) private readonly kv: KeyValueStore,
    @InjectQueue(QueueNames.training) private readonly queue: Queue,
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(SnapshotService) private readonly snapshots: SnapshotService,
  ) {}

  /** Validates the request (model, strategy, params, options) and enqueues it; returns the job row. */
  async startTraining(req: TrainingRequest, actor: string, opts: { enqueue?: boolean } = {}): Promise<TrainingJobEntity> {
    const data = await this.prepare('train', req, actor);
    return this.create(data, opts.enqueue ?? true);
  }

  async startSearch(req: SearchRequest, actor: string, opts: { enqueue?: boolean } = {}): Promise<TrainingJobEntity> {
    const data = await this.prepare('search', req, actor);
    if (req.method !== 'grid' && req.method !== 'random') throw new TrainingError('INVALID_INPUT', `search method must be grid or random, got "${String(req.method)}"`);
    const search = { method: req.method, space: req.space, trials: req.trials, seed: req.seed ?? 1, metric: req.metric ?? 'ndcg@10' };
    const trials = planTrials(search, data.params);
    trials.forEach((p, i) => this.validate(data.strategy, p, `trial ${i + 1}: `));
    if (data.validationFraction <= 0) throw new TrainingError('INVALID_INPUT', 'a hyperparameter search needs validationFraction > 0');
    return this.create({ ...data, search }, opts.enqueue ?? true);
  }

  async get(id: string): Promise<TrainingJobEntity> {
    const row = await this.db.getRepository(TrainingJobEntity).findOne({ where: { id } });
    if (!row) throw new TrainingError('NOT_FOUND', `training job ${id} not found`);
    return row;
  }

  list(filter: { model?: string; limit?: number } = {}): Promise<TrainingJobEntity[]> {
    return this.db.getRepository(TrainingJobEntity).find({
      where: filter.model ? { model: filter.model } : {},
      order: { createdAt: 'DESC' },
      take: Math.min(Math.max(filter.limit ?? 50, 1), 500),
    });
  }

  /**
   * Cancels a job: a waiting job is removed from the queue; a running one sees the flag (polled every 0.5 s)
   * and stops at its next progress report. Either way nothing is registered.
   */
  async cancel(id: string): Promise<TrainingJobEntity> {
    const row = await this.get(id);
    if (row.status !== 'queued' && row.status !== 'running') throw new TrainingError('CONFLICT', `training job ${id} is already ${row.status}`);
    await this.kv.set(cancelKey(id), '1', 7 * 86400);
    const job = await this.queue.getJob(id).catch(() => undefined);
    if (job) {
      const state = await job.getState().catch(() => 'unknown');
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') {
        const removed = await job.remove().then(() => true, () => false);
        if (removed) await this.finish(id, { status: 'cancelled', error: 'cancelled before it started', errorCode: 'CANCELLED' }, 'queued');
      }
    } else if (row.status === 'queued') {
      await this.finish(id, { status: 'cancelled', error: 'cancelled before it started', errorCode: 'CANCELLED' }, 'queued');
    }
    return this.get(id);
  }

  /** The processor's entry point. */
  async process(job: Job<TrainingJobData>): Promise<TrainingResult> {
    return this.run(job.id!, job.data, {
      progress: async (p) => { await job.updateProgress({ ...p }); },
      log: async (line) => { await job.log(line); },
    });
  }

  /** Runs a job in this process (CLI without a worker); the row is created by start… with enqueue: false. */
  async runInProcess(id: string, onProgress?: (p: TrainingProgress) => void): Promise<TrainingResult> {
    const row = await this.get(id);
    const data = row.options['data'] as TrainingJobData;
    return this.run(id, data, { progress: async (p) => onProgress?.(p), log: async () => undefined });
  }

  private async prepare(kind: 'train' | 'search', req: TrainingRequest, actor: string): Promise<TrainingJobData> {
    const model = await this.registry.getModel(req.model);
    const strategy = req.strategy ?? model.strategy;
    if (!isStrategyName(strategy)) this.validate(strategy, req.params ?? {}); // throws UNKNOWN_STRATEGY
    const params = kind === 'train' ? this.validate(strategy, req.params ?? {}) : { ...(req.params ?? {}) };
    const cutoff = req.cutoff ?? new Date();
    if (Number.isNaN(cutoff.getTime())) throw new TrainingError('INVALID_INPUT', 'cutoff is not a valid time');
    const validationFraction = req.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
    if (!(validationFraction >= 0 && validationFraction < 1)) throw new TrainingError('INVALID_INPUT', `validationFraction must be in [0, 1), got ${validationFraction}`);
    const timeoutSeconds = req.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    if (!(Number.isInteger(timeoutSeconds) && timeoutSeconds >= 1 && timeoutSeconds <= 24 * 3600)) throw new TrainingError('INVALID_INPUT', `timeoutSeconds must be an integer in 1..86400, got ${timeoutSeconds}`);
    if (req.since !== undefined && (Number.isNaN(req.since.getTime()) || !(req.since.getTime() < cutoff.getTime()))) {
      throw new TrainingError('INVALID_INPUT', `since must be a valid time before the cutoff ${cutoff.toISOString()}`);
    }
    return {
      kind, model: model.name, strategy: strategy as StrategyName, params, cutoff: cutoff.toISOString(), validationFraction, timeoutSeconds, includeImpressions: req.includeImpressions ?? false, createdBy: actor,
      ...(req.since ? { since: req.since.toISOString() } : {}),
      ...(req.tags && Object.keys(req.tags).length ? { tags: { ...req.tags } } : {}),
    };
  }

  private validate(strategy: string, params: Record<string, unknown>, prefix = ''): Record<string, unknown> {
    try {
      return validateParams(strategy, params);
    } catch (err) {
      const e = asTrainingError(err);
      throw new TrainingError(e.code, `${prefix}${e.message}`, e.details);
    }
  }

  private async create(data: TrainingJobData, enqueue: boolean): Promise<TrainingJobEntity> {
    const id = enqueue ? randomUUID() : `local-${randomUUID()}`;
    const repo = this.db.getRepository(TrainingJobEntity);
    const { model, strategy, params, kind, createdBy, ...rest } = data;
    await repo.save(repo.create({ id, kind, model, strategy, params, options: { ...rest, data }, status: 'queued', progress: { percent: 0, phase: 'queued' }, logs: [], createdBy, error: null, errorCode: null, version: null, result: null, startedAt: null, finishedAt: null }));
    if (enqueue) {
      try {
        await this.queue.add(kind, data, { jobId: id, removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 30 * 86400 } });
      } catch (err) {
        await this.finish(id, { status: 'failed', error: `could not enqueue: ${(err as Error).message}`, errorCode: 'TRAINING_FAILED' });
        throw err;
      }
    }
    return this.get(id);
  }

  private async run(id: string, data: TrainingJobData, reporter: JobReporter): Promise<TrainingResult> {
    const started = Date.now();
    const deadline = started + data.timeoutSeconds * 1000;
    let cancelled = (await this.kv.get(cancelKey(id))) !== null;
    // 'running' too: BullMQ hands a job out again only when the process that ran it died (stalled lock).
    const claimed = await this.db.query(`UPDATE training_jobs SET status = 'running', started_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`, [id]);
    if (cancelled || (Array.isArray(claimed[0]) ? claimed[0].length : claimed.length) === 0) {
      const row = await this.db.getRepository(TrainingJobEntity).findOne({ where: { id } });
      if (cancelled && row && (row.status === 'queued' || row.status === 'running')) await this.finish(id, { status: 'cancelled', error: 'cancelled before it started', errorCode: 'CANCELLED' });
      await this.kv.del(cancelKey(id)).catch(() => undefined);
      return { status: 'cancelled' };
    }
    const poll = setInterval(() => {
      void this.kv.get(cancelKey(id)).then((v) => { if (v !== null) cancelled = true; }, () => undefined);
    }, 500);
    poll.unref();
    const shouldStop = (): StopReason | null => (cancelled ? 'cancelled' : Date.now() > deadline ? 'timeout' : null);
    const logs: string[] = [];
    let lastWrite = 0;
    let progress: TrainingProgress = { percent: 0, phase: 'snapshot' };
    const report = async (p: TrainingProgress, force = false): Promise<void> => {
      // Later phases keep the last iteration, loss and trial reached, so the final report still shows them.
      const { iteration, iterations, loss, trial, trials } = progress;
      progress = { ...strip({ iteration, iterations, loss, trial, trials }), ...p };
      p = progress;
      await reporter.progress(p).catch(() => undefined);
      if (force || Date.now() - lastWrite > 400) {
        lastWrite = Date.now();
        await this.db.query(`UPDATE training_jobs SET progress = $2 WHERE id = $1`, [id, JSON.stringify(p)]).catch(() => undefined);
      }
    };
    const log = async (line: string): Promise<void> => {
      const stamped = `${new Date().toISOString()} ${line}`;
      logs.push(stamped);
      await reporter.log(stamped).catch(() => undefined);
      await this.db.query(`UPDATE training_jobs SET logs = $2 WHERE id = $1`, [id, JSON.stringify(logs.slice(-200))]).catch(() => undefined);
    };
    const check = () => { const r = shouldStop(); if (r) throw asStop(r); };
    try {
      await report({ percent: 1, phase: 'snapshot' }, true);
      await log(`building snapshot of the market before ${data.cutoff}${data.since ? ` from ${data.since}` : ''}`);
      const since = data.since ? new Date(data.since).getTime() / 1000 : undefined;
      const { snapshot, info } = await this.snapshots.build({ cutoff: new Date(data.cutoff), includeImpressions: data.includeImpressions, ...(since !== undefined ? { keep: (x) => x.t >= since } : {}) });
      if (data.since) info.since = data.since;
      await log(`snapshot: ${info.rows.interactions} interactions (${info.interactionTypes.join(', ') || 'none'}), ${info.rows.candidates} consenting candidates, ${info.rows.jobs} jobs`);
      if (!hasPositive(snapshot)) {
        throw new TrainingError('EMPTY_TRAINING_SET', `no positive interactions ${data.since ? `from ${data.since} ` : ''}before ${data.cutoff} from candidates who consented to training (${info.rows.interactions} interactions, ${info.rows.candidates} candidates, ${info.rows.jobs} jobs)`, { cutoff: data.cutoff, rows: info.rows });
      }
      check();
      const result = data.kind === 'search'
        ? await this.runSearch(id, data, snapshot, info, { report, log, shouldStop, started })
        : await this.runTrain(id, data, snapshot, info, { report, log, shouldStop, started });
      // The row became 'completed' in the registering transaction.
      await report({ ...progress, percent: 100, phase: 'done' }, true);
      await log(`completed in ${((Date.now() - started) / 1000).toFixed(1)} s${result.version ? `: version ${data.model}/${result.version}` : ''}`);
      return result;
    } catch (err) {
      const e = asTrainingError(err);
      const status = e.code === 'CANCELLED' ? 'cancelled' : 'failed';
      await log(`${status}: ${e.message}`);
      // Only a row this run still owns: never overwrite a job another process completed or cancelled.
      await this.finish(id, { status, error: e.message, errorCode: e.code }, 'running');
      if (status === 'cancelled') return { status: 'cancelled' };
      throw e;
    } finally {
      clearInterval(poll);
      await this.kv.del(cancelKey(id)).catch(() => undefined);
    }
  }

  private async runTrain(id: string, data: TrainingJobData, snapshot: TrainingSnapshot, info: SnapshotInfo, ctx: RunContext): Promise<TrainingResult> {
    let metrics: Record<string, number> = {};
    let validation: Record<string, unknown> | undefined;
    if (data.validationFraction > 0) {
      const split = temporalSplit(snapshot, data.validationFraction);
      validation = { fraction: data.validationFraction, splitAt: new Date(split.splitAt * 1000).toISOString(), trainInteractions: split.trainInteractions, validationInteractions: split.validationInteractions, users: split.relevant.size };
      if (hasPositive(split.train) && split.relevant.size > 0) {
        await ctx.log(`validation fit on ${split.trainInteractions} interactions before ${validation['splitAt']}`);
        const artifact = await runFit({ strategy: data.strategy, snapshot: split.train, params: data.params, shouldStop: ctx.shouldStop, onProgress: phaseProgress(ctx, 'validation-fit', 2, 45) });
        await ctx.report({ percent: 46, phase: 'validate' }, true);
        metrics = validationMetrics(await loadRecommender(artifact), split);
        await ctx.log(`validation on ${split.relevant.size} candidates: ${fmtMetrics(metrics)}`);
      } else {
        await ctx.log('validation skipped: the held-out period has no candidates with training history');
      }
    }
    await ctx.log(`fitting ${data.strategy} on ${info.rows.interactions} interactions`);
    const artifact = await runFit({ strategy: data.strategy, snapshot, params: data.params, shouldStop: ctx.shouldStop, onProgress: phaseProgress(ctx, 'fit', data.validationFraction > 0 ? 50 : 2, 95) });
    const stop = ctx.shouldStop();
    if (stop) throw asStop(stop);
    await ctx.report({ percent: 97, phase: 'register' }, true);
    const [version] = await this.register(id, data, ctx, [{
      artifact,
      artifactFormat: 'matchlab-recsys/1',
      strategy: data.strategy,
      params: data.params,
      dataset: { ...info, ...(validation ? { validation } : {}) },
      codeVersion: codeVersion(),
      trainingSeconds: (Date.now() - ctx.started) / 1000,
      metrics,
      tags: { ...(data.tags ?? {}), trainingJob: id },
      createdBy: data.createdBy,
      trainingJobId: id,
    }], ([v]) => ({ status: 'completed', version: v!.version }));
    return { status: 'completed', version: version!.version };
  }

  private async runSearch(id: string, data: TrainingJobData, snapshot: TrainingSnapshot, info: SnapshotInfo, ctx: RunContext): Promise<TrainingResult> {
    const plan = data.search!;
    const trials = planTrials(plan, data.params).map((p) => validateParams(data.strategy, p));
    const split = temporalSplit(snapshot, data.validationFraction);
    if (!hasPositive(split.train) || split.relevant.size === 0) {
      throw new TrainingError('EMPTY_TRAINING_SET', `the temporal split at ${new Date(split.splitAt * 1000).toISOString()} leaves no training positives or no validation targets; lower validationFraction or add data`);
    }
    const validation = { fraction: data.validationFraction, splitAt: new Date(split.splitAt * 1000).toISOString(), trainInteractions: split.trainInteractions, validationInteractions: split.validationInteractions, users: split.relevant.size };
    await ctx.log(`${plan.method} search: ${trials.length} trials of ${data.strategy}, selecting by ${plan.metric} on ${split.relevant.size} validation candidates`);
    const done: Array<{ params: Record<string, unknown>; artifact: Buffer; metrics: Record<string, number>; seconds: number }> = [];
    for (let t = 0; t < trials.length; t++) {
      const t0 = Date.now();
      const span = 90 / trials.length;
      const artifact = await runFit({ strategy: data.strategy, snapshot: split.train, params: trials[t]!, shouldStop: ctx.shouldStop, onProgress: phaseProgress(ctx, 'trial', 2 + t * span, 2 + (t + 1) * span, { trial: t + 1, trials: trials.length }) });
      const metrics = validationMetrics(await loadRecommender(artifact), split);
      done.push({ params: trials[t]!, artifact, metrics, seconds: (Date.now() - t0) / 1000 });
      await ctx.log(`trial ${t + 1}/${trials.length} ${JSON.stringify(trials[t])}: ${fmtMetrics(metrics)}`);
    }
    const stop = ctx.shouldStop();
    if (stop) throw asStop(stop);
    const best = bestTrial(done.map((d) => d.metrics), plan.metric);
    if (best < 0) throw new TrainingError('TRAINING_FAILED', `no trial produced the metric ${plan.metric}`);
    await ctx.report({ percent: 95, phase: 'register', trials: trials.length }, true);
    const bestValue = done[best]!.metrics[plan.metric]!;
    const summarise = (registered: ModelVersionEntity[]): TrainingResult => {
      const versions = registered.map((v) => v.version);
      return { status: 'completed', version: versions[best], versions, best: { version: versions[best]!, params: done[best]!.params, metric: plan.metric, value: bestValue } };
    };
    // Every trial in one transaction with the job's completion: a crash or cancel leaves no trial registered.
    const registered = await this.register(id, data, ctx, done.map((d, t) => ({
        artifact: d.artifact,
        artifactFormat: 'matchlab-recsys/1',
        strategy: data.strategy,
        params: d.params,
        dataset: { ...info, validation, trainedOn: 'validation-train-split' },
        codeVersion: codeVersion(),
        trainingSeconds: d.seconds,
        metrics: d.metrics,
        tags: { search: id, trial: String(t + 1), ...(t === best ? { best: 'true' } : {}) },
        createdBy: data.createdBy,
        trainingJobId: id,
      })), summarise);
    const result = summarise(registered);
    await ctx.log(`best: trial ${best + 1} → version ${data.model}/${result.version} with ${plan.metric} ${bestValue.toFixed(4)}`);
    return result;
  }

  /**
   * Registers the versions and marks the job completed in ONE transaction, only while the job is still running
   * and not cancelled: a crash before the commit, a cancel that lands while registering, or a job some other
   * process already finished (a redelivered stalled job) leaves no version behind.
   */
  private async register(id: string, data: TrainingJobData, ctx: RunContext, versions: NewVersion[], summarise: (registered: ModelVersionEntity[]) => TrainingResult): Promise<ModelVersionEntity[]> {
    // Read the cancel flag now, not inside the transaction: embedded PGlite serves one session, so a second
    // connection's query would wait for this very transaction to end.
    if ((await this.kv.get(cancelKey(id))) !== null) throw asStop('cancelled');
    return this.registry.createVersions(data.model, versions, {
      inTransaction: async (tx: EntityManager, registered) => {
        const stop = ctx.shouldStop();
        if (stop) throw asStop(stop);
        const result = summarise(registered);
        const rows: unknown[] = await tx.query(
          // Progress says done in the same write, so no reader sees a completed job still "registering".
          `UPDATE training_jobs SET status = 'completed', error = NULL, error_code = NULL, version = $2, result = $3, finished_at = now(),
                  progress = progress || '{"percent": 100, "phase": "done"}'::jsonb
            WHERE id = $1 AND status = 'running' RETURNING id`,
          [id, result.version ?? null, JSON.stringify(result)],
        );
        const updated = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
        if (updated === 0) throw new TrainingError('CANCELLED', 'training job is no longer running (cancelled or finished elsewhere); nothing registered');
      },
    });
  }

  private async finish(id: string, f: { status: TrainingJobEntity['status']; error?: string; errorCode?: string; version?: number | null; result?: Record<string, unknown> }, onlyFrom?: TrainingJobEntity['status']): Promise<void> {
    await this.db.query(
      `UPDATE training_jobs SET status = $2, error = $3, error_code = $4, version = $5, result = $6, finished_at = now()
        WHERE id = $1 ${onlyFrom ? 'AND status = $7' : ''}`,
      [id, f.status, f.error ?? null, f.errorCode ?? null, f.version ?? null, f.result ? JSON.stringify(f.result) : null, ...(onlyFrom ? [onlyFrom] : [])],
    );
  }
}

interface RunContext {
  report: (p: TrainingProgress, force?: boolean) => Promise<void>;
  log: (line: string) => Promise<void>;
  shouldStop: () => StopReason | null;
  started: number;
}

function asStop(r: StopReason): TrainingError {
  return r === 'cancelled' ? new TrainingError('CANCELLED', 'training was cancelled') : new TrainingError('TIMEOUT', 'training exceeded its time limit and was stopped');
}

/** Maps a strategy's progress events onto [from, to] percent of the job. */
function phaseProgress(ctx: RunContext, phase: string, from: number, to: number, extra: Partial<TrainingProgress> = {}): ProgressFn {
  return (e) => {
    const frac = e.total > 0 ? Math.min(1, e.done / e.total) : 0;
    void ctx.report({ percent: Math.round((from + (to - from) * frac) * 10) / 10, phase: `${phase}:${e.phase}`, iteration: e.done, iterations: e.total, ...(e.loss !== undefined ? { loss: e.loss } : {}), ...extra });
  };
}

function strip<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function hasPositive(s: TrainingSnapshot): boolean {
  const x = s.interactions;
  for (let r = 0; r < x.weight.length; r++) if (x.weight[r]! > 0 && x.type?.[r] !== 'dismiss') return true;
  return false;
}

function fmtMetrics(m: Record<string, number>): string {
  return Object.entries(m).filter(([k]) => /ndcg|recall|users/.test(k)).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`).join(' ');
}
