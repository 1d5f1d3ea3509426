import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EvaluationJobService, versionCutoff, type EvaluationRunEntity } from '@app/evaluation-jobs';
import { QueueNames } from '@app/queue';
import { validateParams } from '@app/recsys';
import { DEFAULT_GATE, evaluateGate, RegistryError, RegistryService, type ModelEntity, type PromotionGate } from '@app/registry';
import { TrainingService, type TrainingJobEntity } from '@app/training';
import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { driftHits, metricK, parsePolicy, repeatOptions, runWindow, type RetrainPolicy, type RetrainPolicyInput } from './retrain-policy.js';
import { RetrainPolicyEntity, RetrainRunEntity, type GateRecord, type RetrainProgress, type RetrainStep, type RetrainStepName, type RetrainTrigger } from './retrain.entity.js';
import { RetrainError } from './retraining.errors.js';

/** What a `retraining` queue job carries: `run` executes a run row; `scheduled` (from a job scheduler) starts one. */
export interface RetrainJobData {
  model: string;
  runId?: string;
}

export interface TriggerOptions {
  /** Queue the run (default) or leave it for runInProcess. */
  enqueue?: boolean;
  /** The run's "now": train before asOf − holdout, evaluate on [asOf − holdout, asOf); default: now. */
  asOf?: Date;
  detail?: Record<string, unknown>;
}

const POLL_MS = 200;
/** After a drift-triggered run, further drift reports do not start another for this long. */
export const DRIFT_COOLDOWN_HOURS = 24;
const schedulerId = (model: string) => `retrain:${model}`;
const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) && Array.isArray(r[0]) ? (r[0] as T[]) : (r as T[]));

/**
 * Continuous learning: per-model retraining policies (run by BullMQ job schedulers on the `retraining` queue, or
 * triggered by feature drift or by hand) and the retrain pipeline. A run is a sequence of queued jobs with progress:
 * a training job on fresh data (libs/training) → offline evaluations of the new version and of the champion on
 * the latest temporal split (libs/evaluation-jobs) → the registry's promotion gate → the `challenger` alias. The
 * champion alias is never moved here; a failed step ends the run as `failed` with the step's typed error.
 */
@Injectable()
export class RetrainingService {
  private readonly logger = new Logger('Retraining');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueNames.retraining) private readonly queue: Queue,
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(TrainingService) private readonly training: TrainingService,
    @Inject(EvaluationJobService) private readonly evaluations: EvaluationJobService,
  ) {}

  // ---- policies -----------------------------------------------------------------------------------------

  /** Creates or replaces the model's policy (validated, defaults filled in) and (re)schedules it. */
  async setPolicy(modelName: string, input: RetrainPolicyInput, actor: string): Promise<{ model: ModelEntity; policy: RetrainPolicyEntity }> {
    const model = await this.registry.getModel(modelName);
    const policy = parsePolicy(input);
    const strategy = policy.strategy ?? model.strategy;
    try {
      policy.params = validateParams(strategy, policy.params);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new RetrainError('INVALID_INPUT', `${e.code === 'UNKNOWN_STRATEGY' ? 'strategy' : 'params'}: ${e.message ?? String(err)}`, { field: e.code === 'UNKNOWN_STRATEGY' ? 'strategy' : 'params' });
    }
    await this.db.query(
      `INSERT INTO retrain_policies (model_id, enabled, schedule, strategy, params, training_window_days, evaluation, gate, drift, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       ON CONFLICT (model_id) DO UPDATE SET enabled = excluded.enabled, schedule = excluded.schedule, strategy = excluded.strategy, params = excluded.params,
         training_window_days = excluded.training_window_days, evaluation = excluded.evaluation, gate = excluded.gate, drift = excluded.drift,
         updated_by = excluded.updated_by, updated_at = now()`,
      [model.id, policy.enabled, JSON.stringify(policy.schedule), policy.strategy, JSON.stringify(policy.params), policy.trainingWindowDays,
        JSON.stringify(policy.evaluation), JSON.stringify(policy.gate), policy.drift ? JSON.stringify(policy.drift) : null, actor],
    );
    const saved = (await this.db.getRepository(RetrainPolicyEntity).findOne({ where: { modelId: model.id } }))!;
    await this.schedule(model.name, saved);
    return { model, policy: saved };
  }

  async policies(modelName?: string): Promise<Array<{ model: ModelEntity; policy: RetrainPolicyEntity }>> {
    const models = modelName ? [await this.registry.getModel(modelName)] : await this.registry.listModels();
    const byId = new Map(models.map((m) => [String(m.id), m]));
    const rows = await this.db.getRepository(RetrainPolicyEntity).find({ order: { id: 'ASC' } });
    return rows.filter((p) => byId.has(String(p.modelId))).map((p) => ({ model: byId.get(String(p.modelId))!, policy: p }));
  }

  async policy(modelName: string): Promise<RetrainPolicyEntity> {
    const model = await this.registry.getModel(modelName);
    const row = await this.db.getRepository(RetrainPolicyEntity).findOne({ where: { modelId: model.id } });
    if (!row) throw new RetrainError('NO_POLICY', `model ${model.name} has no retraining policy; set one with setRetrainPolicy`, { field: 'model' });
    return row;
  }

  /** The next time the model's job scheduler fires (null when unscheduled or disabled). */
  async nextRunAt(modelName: string): Promise<Date | null> {
    const s = await this.queue.getJobScheduler(schedulerId(modelName)).catch(() => undefined);
    return s?.next ? new Date(s.next) : null;
  }

  /** One BullMQ job scheduler per enabled policy (upserted: a changed schedule replaces the old one). */
  async schedule(modelName: string, p: Pick<RetrainPolicyEntity, 'enabled' | 'schedule'>): Promise<void> {
    if (!p.enabled) {
      await this.queue.removeJobScheduler(schedulerId(modelName));
      return;
    }
    await this.queue.upsertJobScheduler(schedulerId(modelName), repeatOptions(p.schedule), {
      name: 'scheduled', data: { model: modelName } satisfies RetrainJobData, opts: { removeOnComplete: 100, removeOnFail: 100 },
    });
  }

  /** Re-registers every enabled policy's scheduler (worker start-up). */
  async scheduleAll(): Promise<number> {
    const all = await this.policies();
    for (const { model, policy } of all) await this.schedule(model.name, policy);
    return all.filter((p) => p.policy.enabled).length;
  }

  // ---- runs ---------------------------------------------------------------------------------------------

  /** Records a run (one active run per model: CONFLICT otherwise) and queues it. */
  async trigger(modelName: string, trigger: RetrainTrigger, actor: string, opts: TriggerOptions = {}): Promise<RetrainRunEntity> {
    const model = await this.registry.getModel(modelName);
    const p = await this.policy(model.name);
    const asOf = opts.asOf ?? new Date();
    if (Number.isNaN(asOf.getTime())) throw new RetrainError('INVALID_INPUT', 'asOf is not a valid time', { field: 'asOf' });
    const policy: RetrainPolicy = { enabled: p.enabled, schedule: p.schedule, strategy: p.strategy, params: p.params, trainingWindowDays: p.trainingWindowDays, evaluation: p.evaluation, gate: p.gate, drift: p.drift };
    const enqueue = opts.enqueue ?? true;
    const id = enqueue ? randomUUID() : `local-${randomUUID()}`;
    const steps: RetrainStep[] = (['train', 'evaluate', 'gate'] as const).map((name) => ({ name, status: 'pending', jobs: [] }));
    try {
      await this.db.getRepository(RetrainRunEntity).insert({
        id, modelId: model.id, model: model.name, trigger, triggerDetail: opts.detail ?? {}, status: 'queued', progress: { percent: 0, phase: 'queued' }, steps, policy, asOf,
        championVersion: null, trainingJobId: null, version: null, candidateEvaluationId: null, championEvaluationId: null, gate: null, challengerSet: false,
        error: null, errorCode: null, createdBy: actor, startedAt: null, finishedAt: null,
      } as never); // jsonb columns typed as records (TypeORM's deep-partial type refuses unknown values)
    } catch (err) {
      if (/retrain_runs_active_idx|duplicate key/.test((err as Error).message)) {
        const active = await this.db.getRepository(RetrainRunEntity).findOne({ where: { modelId: model.id, status: 'running' } })
          ?? await this.db.getRepository(RetrainRunEntity).findOne({ where: { modelId: model.id, status: 'queued' } });
        throw new RetrainError('CONFLICT', `model ${model.name} already has a ${active?.status ?? 'active'} retrain run${active ? ` (${active.id})` : ''}`, { field: 'model', run: active?.id });
      }
      throw err;
    }
    if (enqueue) {
      try {
        await this.queue.add('run', { model: model.name, runId: id } satisfies RetrainJobData, { jobId: id, removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 30 * 86400 } });
      } catch (err) {
        await this.fail(id, new RetrainError('CONFLICT', `could not enqueue: ${(err as Error).message}`));
        throw err;
      }
    }
    return this.get(id);
  }

  async get(id: string): Promise<RetrainRunEntity> {
    const row = await this.db.getRepository(RetrainRunEntity).findOne({ where: { id } });
    if (!row) throw new RetrainError('NOT_FOUND', `retrain run ${id} not found`);
    return row;
  }

  async runs(modelName: string, limit = 20): Promise<RetrainRunEntity[]> {
    const model = await this.registry.getModel(modelName);
    return this.db.getRepository(RetrainRunEntity).find({ where: { modelId: model.id }, order: { createdAt: 'DESC' }, take: Math.min(Math.max(limit, 1), 200) });
  }

  /**
   * Starts a drift-triggered run for every enabled policy whose features drifted in this drift run (at most one per
   * model per DRIFT_COOLDOWN_HOURS, and none while another run of the model is active).
   */
  async onDrift(rows: ReadonlyArray<{ service: string; feature: string; drifted: boolean }>): Promise<RetrainRunEntity[]> {
    const started: RetrainRunEntity[] = [];
    for (const { model, policy } of await this.policies()) {
      if (!policy.enabled) continue;
      const hits = driftHits(policy, rows);
      if (hits.length === 0) continue;
      // drift persists until the training statistics are refreshed: one drift-triggered run per model per cooldown
      const recent = rowsOf<{ n: number }>(await this.db.query(
        `SELECT count(*)::int AS n FROM retrain_runs WHERE model_id = $1 AND trigger = 'drift' AND created_at > now() - make_interval(hours => $2)`,
        [model.id, DRIFT_COOLDOWN_HOURS],
      ))[0]!.n;
      if (recent > 0) continue;
      try {
        started.push(await this.trigger(model.name, 'drift', 'drift-monitor', { detail: { service: policy.drift!.service, features: hits } }));
        this.logger.log(`drift in ${hits.join(', ')}: retraining ${model.name}`);
      } catch (err) {
        if (err instanceof RetrainError && err.code === 'CONFLICT') continue; // a run is already under way
        throw err;
      }
    }
    return started;
  }

  /** The processor's entry point. */
  async process(job: Job<RetrainJobData>): Promise<Record<string, unknown>> {
    if (job.name === 'scheduled') {
      try {
        const run = await this.trigger(job.data.model, 'schedule', 'scheduler', { detail: { scheduler: schedulerId(job.data.model), firedAt: new Date().toISOString() } });
        return { run: run.id };
      } catch (err) {
        if (err instanceof RetrainError && (err.code === 'CONFLICT' || err.code === 'NO_POLICY')) {
          this.logger.warn(`scheduled retrain of ${job.data.model} skipped: ${err.message}`);
          return { skipped: err.message };
        }
        throw err;
      }
    }
    if (job.name !== 'run' || !job.data.runId) throw new Error(`unknown retraining job ${job.name}`);
    const run = await this.execute(job.data.runId, true, (p) => job.updateProgress({ ...p }));
    if (run.status === 'failed') throw new Error(`${run.errorCode}: ${run.error}`); // keeps the queue's failure metrics honest
    return { status: run.status, version: run.version };
  }

  /** Runs the whole pipeline in this process (sub-jobs too); the run row comes from trigger(…, { enqueue: false }). */
  runInProcess(id: string, onProgress?: (p: RetrainProgress) => void): Promise<RetrainRunEntity> {
    return this.execute(id, false, async (p) => onProgress?.(p));
  }

  // ---- the pipeline -------------------------------------------------------------------------------------

  private async execute(id: string, enqueue: boolean, onProgress: (p: RetrainProgress) => Promise<void>): Promise<RetrainRunEntity> {
    const claimed = rowsOf<{ id: string }>(await this.db.query(`UPDATE retrain_runs SET status = 'running', started_at = coalesce(started_at, now()) WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`, [id]));
    if (claimed.length === 0) return this.get(id);
    const run = await this.get(id);
    const steps = run.steps;
    const actor = `retrain:${id}`;
    let current: RetrainStepName = 'train';
    const report = async (percent: number, phase: string) => {
      const p = { percent: Math.round(percent * 10) / 10, phase };
      await this.db.query(`UPDATE retrain_runs SET progress = $2 WHERE id = $1`, [id, JSON.stringify(p)]).catch(() => undefined);
      await onProgress(p).catch(() => undefined);
    };
    const step = async (name: RetrainStepName, patch: Partial<RetrainStep>, columns: Record<string, unknown> = {}) => {
      const s = steps.find((x) => x.name === name)!;
      Object.assign(s, patch);
      const sets = Object.keys(columns).map((c, i) => `${c} = $${i + 3}`);
      await this.db.query(`UPDATE retrain_runs SET steps = $2${sets.length ? `, ${sets.join(', ')}` : ''} WHERE id = $1`, [id, JSON.stringify(steps), ...Object.values(columns)]);
    };
    try {
      const policy = run.policy;
      const model = await this.registry.getModel(run.model);
      const { cutoff, since } = runWindow(policy, run.asOf);
      const champion = await this.registry.resolve(`${model.name}@champion`).then((r) => r.version, (err: unknown) => {
        if (err instanceof RegistryError && err.code === 'NOT_FOUND') return null;
        throw err;
      });
      await this.db.query(`UPDATE retrain_runs SET champion_version = $2 WHERE id = $1`, [id, champion?.version ?? null]);

      // 1. train a new version on the data before the hold-out period
      current = 'train';
      await report(2, 'train');
      const tags: Record<string, string> = { retrainRun: id, retrainTrigger: run.trigger, parentChampion: champion ? String(champion.version) : 'none' };
      const tj = await this.training.startTraining({
        model: model.name, strategy: policy.strategy ?? undefined, params: policy.params, cutoff, since: since ?? undefined, validationFraction: 0, tags,
      }, actor, { enqueue }).catch((err: Error & { code?: string }) => {
        throw new RetrainError('TRAINING_FAILED', `training could not start: ${err.message}`, { cause: err.code });
      });
      await step('train', { status: 'running', jobs: [tj.id], startedAt: new Date().toISOString(), detail: `${policy.strategy ?? model.strategy} on interactions ${since ? `from ${since.toISOString()} ` : ''}before ${cutoff.toISOString()}` }, { training_job_id: tj.id });
      const trained = await this.waitTraining(tj.id, enqueue, (p) => report(2 + 0.45 * p, `train:${p >= 100 ? 'done' : 'running'}`));
      if (trained.status !== 'completed' || trained.version === null) {
        throw new RetrainError('TRAINING_FAILED', `training job ${tj.id} ${trained.status}: ${trained.errorCode ? `${trained.errorCode}: ` : ''}${trained.error ?? 'no version registered'}`, { trainingJobId: tj.id, cause: trained.errorCode });
      }
      const version = (await this.registry.resolve(`${model.name}/${trained.version}`)).version;
      await step('train', { status: 'completed', finishedAt: new Date().toISOString(), detail: `version ${model.name}/${version.version}` }, { version: version.version });

      // 2. evaluate the new version and the champion on the latest temporal split [cutoff, asOf)
      current = 'evaluate';
      await report(48, 'evaluate');
      const metric = policy.evaluation.metric;
      const [base] = metric.split('@');
      const request = { split: { kind: 'temporal' as const, cutoff }, asOf: run.asOf, ks: [metricK(metric)], metrics: [base!] };
      const startEval = (ref: string, extra: Record<string, unknown>) => this.evaluations.start({ modelRef: ref, ...request, ...extra }, actor, { enqueue }).catch((err: Error & { code?: string }) => {
        throw new RetrainError('EVALUATION_FAILED', `evaluation of ${ref} could not start: ${err.message}`, { cause: err.code });
      });
      const candEval = await startEval(`${model.name}/${version.version}`, { attachToVersion: true });
      // A champion trained after the split's cut-off has seen the test period: its recipe is refitted on the training side instead.
      const champCutoff = champion ? versionCutoff(champion) : null;
      const champEval = champion ? await startEval(`${model.name}/${champion.version}`, { attachToVersion: false, mode: champCutoff && champCutoff > cutoff ? 'refit' : 'artifact' }) : null;
      await step('evaluate', { status: 'running', jobs: [candEval.id, ...(champEval ? [champEval.id] : [])], startedAt: new Date().toISOString() },
        { candidate_evaluation_id: candEval.id, champion_evaluation_id: champEval?.id ?? null });
      const evals = await this.waitEvaluations([candEval.id, ...(champEval ? [champEval.id] : [])], enqueue, (p) => report(48 + 0.42 * p, 'evaluate'));
      for (const e of evals) {
        if (e.status !== 'completed') throw new RetrainError('EVALUATION_FAILED', `evaluation ${e.id} of ${e.model}/${e.version} ${e.status}: ${e.errorCode ? `${e.errorCode}: ` : ''}${e.error ?? ''}`, { evaluationId: e.id, cause: e.errorCode });
      }
      const value = (e: EvaluationRunEntity | undefined) => e?.results?.find((m) => m.name === metric)?.value ?? null;
      const candValue = value(evals[0]), champValue = champEval ? value(evals[1]) : null;
      await step('evaluate', { status: 'completed', finishedAt: new Date().toISOString(), detail: `${metric}: new ${fmt(candValue)}${champion ? `, champion ${model.name}/${champion.version} ${fmt(champValue)}` : ', no champion'}` });

      // 3. the registry's promotion gate, new version vs champion; passing sets the challenger alias (never the champion)
      current = 'gate';
      await report(92, 'gate');
      await step('gate', { status: 'running', startedAt: new Date().toISOString() });
      const modelGate = { ...DEFAULT_GATE, ...(model.gate as Partial<PromotionGate>) };
      const gate: PromotionGate = { metric, maxDrop: policy.gate.maxDrop ?? modelGate.maxDrop, allowExperimentOverride: false, protectedAliases: ['champion'] };
      const decision = evaluateGate(gate, {
        alias: 'champion',
        candidateMetrics: candValue === null ? {} : { [metric]: candValue },
        incumbentMetrics: champion ? (champValue === null ? {} : { [metric]: champValue }) : undefined,
      });
      const record: GateRecord = { allowed: decision.allowed, reason: decision.reason, metric, candidate: candValue, champion: champValue, maxDrop: gate.maxDrop };
      if (champEval) {
        const cmp = await this.evaluations.compare(champEval.id, candEval.id, [metric]).catch(() => null);
        const m = cmp?.metrics[0];
        if (m) Object.assign(record, { difference: m.difference, ciLow: m.ciLow, ciHigh: m.ciHigh, pValue: m.pValue });
      }
      await this.registry.tagVersion(version.id, {
        retrainEvaluation: candEval.id, ...(champEval ? { retrainChampionEvaluation: champEval.id } : {}), retrainGate: decision.allowed ? 'passed' : 'refused',
      });
      let challengerSet = false;
      if (decision.allowed) {
        await this.registry.setAlias(model.name, 'challenger', version.version, { actor, reason: `retrain run ${id} (${run.trigger}): ${decision.reason}` }).catch((err: Error) => {
          throw new RetrainError('GATE_FAILED', `setting the challenger alias failed: ${err.message}`);
        });
        challengerSet = true;
      }
      await step('gate', { status: 'completed', finishedAt: new Date().toISOString(), detail: `${decision.allowed ? 'passed' : 'refused'}: ${decision.reason}` });
      await this.db.query(
        `UPDATE retrain_runs SET status = $2, gate = $3, challenger_set = $4, progress = $5, finished_at = now() WHERE id = $1`,
        [id, challengerSet ? 'challenger' : 'rejected', JSON.stringify(record), challengerSet, JSON.stringify({ percent: 100, phase: 'done' })],
      );
      await onProgress({ percent: 100, phase: 'done' }).catch(() => undefined);
      this.logger.log(`retrain ${id} of ${model.name}: version ${version.version} ${challengerSet ? 'is the challenger' : 'was refused by the gate'} (${decision.reason})`);
    } catch (err) {
      const e = err instanceof RetrainError ? err : new RetrainError('TRAINING_FAILED', (err as Error).message ?? String(err));
      const s = steps.find((x) => x.name === current)!;
      Object.assign(s, { status: 'failed', finishedAt: new Date().toISOString(), detail: e.message });
      for (const later of steps) if (later.status === 'pending') later.status = 'skipped';
      await this.db.query(`UPDATE retrain_runs SET steps = $2 WHERE id = $1`, [id, JSON.stringify(steps)]);
      await this.fail(id, e);
      this.logger.warn(`retrain ${id} of ${run.model} failed at ${current} (${e.code}): ${e.message}; the champion is unchanged`);
    }
    return this.get(id);
  }

  private async fail(id: string, e: RetrainError): Promise<void> {
    await this.db.query(`UPDATE retrain_runs SET status = 'failed', error = $2, error_code = $3, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')`, [id, e.message, e.code]);
  }

  /** Waits for a queued training job (or runs it here), reporting its percent. */
  private async waitTraining(jobId: string, enqueue: boolean, onPercent: (p: number) => Promise<void>): Promise<TrainingJobEntity> {
    if (!enqueue) {
      await this.training.runInProcess(jobId, (p) => void onPercent(p.percent)).catch(() => undefined); // the row records the failure
      return this.training.get(jobId);
    }
    for (;;) {
      const row = await this.training.get(jobId);
      await onPercent(row.progress?.percent ?? 0);
      if (row.status !== 'queued' && row.status !== 'running') return row;
      await sleep(POLL_MS);
    }
  }

  private async waitEvaluations(ids: string[], enqueue: boolean, onPercent: (p: number) => Promise<void>): Promise<EvaluationRunEntity[]> {
    if (!enqueue) {
      const out: EvaluationRunEntity[] = [];
      for (const [i, id] of ids.entries()) {
        out.push(await this.evaluations.runInProcess(id));
        await onPercent((100 * (i + 1)) / ids.length);
      }
      return out;
    }
    for (;;) {
      const rows = await Promise.all(ids.map((id) => this.evaluations.get(id)));
      await onPercent(rows.reduce((a, r) => a + (r.progress?.percent ?? 0), 0) / rows.length);
      if (rows.every((r) => r.status !== 'queued' && r.status !== 'running')) return rows;
      await sleep(POLL_MS);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));

