import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { QueueNames } from '@app/queue';
import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ComputeService, type ComputeOptions } from './compute.service.js';
import { DriftService } from './drift.service.js';
import { FeatureError } from './features.errors.js';
import { FeatureJobEntity, type FeatureJobKind, type FeatureJobProgress } from './feature-job.entity.js';
import { FeatureRegistryService, type ResolvedView } from './feature-registry.service.js';
import { OnlineService, type MaterializeResult } from './online/online.service.js';

export interface FeatureJobData {
  kind: FeatureJobKind;
  compute?: { views?: string[]; asOf?: string; backfillDays?: number; stepHours?: number; refitVocabulary?: boolean };
  /** Views (refs) to materialise, or every view of `service`; neither: every view defined in code. */
  materialize?: { views?: string[]; service?: string; mode?: 'full' | 'incremental' };
  drift?: { service?: string; sampleSize?: number };
  createdBy: string;
}

/** Queues and runs compute, materialise and drift jobs; progress goes to the feature_jobs row and the BullMQ job. */
@Injectable()
export class FeatureJobsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueNames.features) private readonly queue: Queue,
    @Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService,
    @Inject(ComputeService) private readonly computer: ComputeService,
    @Inject(OnlineService) private readonly online: OnlineService,
    @Inject(DriftService) private readonly drifts: DriftService,
  ) {}

  /** Validates what can be checked up front (names, refs, times), stores the row and enqueues the job. */
  async start(data: FeatureJobData, opts: { enqueue?: boolean } = {}): Promise<FeatureJobEntity> {
    await this.validate(data);
    const enqueue = opts.enqueue ?? true;
    const id = enqueue ? randomUUID() : `local-${randomUUID()}`;
    const repo = this.db.getRepository(FeatureJobEntity);
    const { kind, createdBy, ...options } = data;
    await repo.save(repo.create({ id, kind, options, status: 'queued', progress: { percent: 0, phase: 'queued' }, logs: [], error: null, errorCode: null, result: null, createdBy, startedAt: null, finishedAt: null }));
    if (enqueue) {
      try {
        await this.queue.add(kind, data, { jobId: id, removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 30 * 86400 } });
      } catch (err) {
        await this.finish(id, 'failed', null, `could not enqueue: ${(err as Error).message}`, 'COMPUTE_FAILED');
        throw err;
      }
    }
    return this.get(id);
  }

  async get(id: string): Promise<FeatureJobEntity> {
    const row = await this.db.getRepository(FeatureJobEntity).findOne({ where: { id } });
    if (!row) throw new FeatureError('NOT_FOUND', `feature job ${id} not found`, { field: 'id' });
    return row;
  }

  list(limit = 50): Promise<FeatureJobEntity[]> {
    return this.db.getRepository(FeatureJobEntity).find({ order: { createdAt: 'DESC' }, take: Math.min(Math.max(limit, 1), 500) });
  }

  /** The processor's entry point; scheduled jobs (no row yet) get one. */
  async process(job: Job<FeatureJobData>): Promise<Record<string, unknown>> {
    const id = job.id!;
    if (!(await this.db.getRepository(FeatureJobEntity).exists({ where: { id } }))) {
      const { kind, createdBy, ...options } = job.data;
      await this.db.query(`INSERT INTO feature_jobs (id, kind, options, status, progress, created_by) VALUES ($1, $2, $3, 'queued', '{"percent":0,"phase":"queued"}', $4) ON CONFLICT (id) DO NOTHING`, [id, kind, JSON.stringify(options), createdBy]);
    }
    return this.run(id, job.data, async (p) => { await job.updateProgress({ ...p }); }, async (line) => { await job.log(line); });
  }

  /** Runs a job created with enqueue: false in this process (CLI without a worker). */
  async runInProcess(id: string, onProgress?: (p: FeatureJobProgress) => void): Promise<Record<string, unknown>> {
    const row = await this.get(id);
    return this.run(id, { kind: row.kind, createdBy: row.createdBy, ...(row.options as Omit<FeatureJobData, 'kind' | 'createdBy'>) }, async (p) => onProgress?.(p), async () => undefined);
  }

  private async validate(data: FeatureJobData): Promise<void> {
    if (data.kind === 'compute') {
      for (const v of data.compute?.views ?? []) this.registry.viewDefinition(v);
      if (data.compute?.asOf && Number.isNaN(new Date(data.compute.asOf).getTime())) throw new FeatureError('INVALID_INPUT', `asOf "${data.compute.asOf}" is not a time`, { field: 'asOf' });
    } else if (data.kind === 'materialize') {
      await this.materializeTargets(data.materialize ?? {});
      const mode = data.materialize?.mode;
      if (mode && mode !== 'full' && mode !== 'incremental') throw new FeatureError('INVALID_INPUT', `mode must be full or incremental, got "${String(mode)}"`, { field: 'mode' });
    } else if (data.kind === 'drift') {
      if (data.drift?.service) await this.registry.resolveService(data.drift.service);
    } else {
      throw new FeatureError('INVALID_INPUT', `unknown feature job kind "${String(data.kind)}"`, { field: 'kind' });
    }
  }

  private async materializeTargets(m: NonNullable<FeatureJobData['materialize']>): Promise<ResolvedView[]> {
    if (m.views?.length) return Promise.all(m.views.map((v) => this.registry.resolveView(v)));
    if (m.service) return (await this.registry.resolveService(m.service)).members.map((x) => x.view);
    return Promise.all(this.registry.viewDefinitions().map((v) => this.registry.resolveView(v.name)));
  }

  private async run(id: string, data: FeatureJobData, progress: (p: FeatureJobProgress) => Promise<void>, log: (line: string) => Promise<void>): Promise<Record<string, unknown>> {
    const claimed = await this.db.query(`UPDATE feature_jobs SET status = 'running', started_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`, [id]) as unknown[];
    if ((Array.isArray(claimed[0]) ? (claimed[0] as unknown[]).length : claimed.length) === 0) return { status: (await this.get(id)).status };
    const logs: string[] = [];
    let lastWrite = 0;
    const report = async (p: FeatureJobProgress, force = false) => {
      await progress(p).catch(() => undefined);
      if (force || Date.now() - lastWrite > 300) {
        lastWrite = Date.now();
        await this.db.query(`UPDATE feature_jobs SET progress = $2 WHERE id = $1`, [id, JSON.stringify(p)]).catch(() => undefined);
      }
    };
    const say = async (line: string) => {
      logs.push(`${new Date().toISOString()} ${line}`);
      await log(line).catch(() => undefined);
      await this.db.query(`UPDATE feature_jobs SET logs = $2 WHERE id = $1`, [id, JSON.stringify(logs.slice(-200))]).catch(() => undefined);
    };
    try {
      let result: Record<string, unknown>;
      if (data.kind === 'compute') {
        const c = data.compute ?? {};
        const opts: ComputeOptions = { views: c.views, asOf: c.asOf ? new Date(c.asOf) : undefined, backfillDays: c.backfillDays, stepHours: c.stepHours, refitVocabulary: c.refitVocabulary };
        await say(`computing ${c.views?.join(', ') || 'every view'} as of ${c.asOf ?? 'now'}${c.backfillDays ? ` with a ${c.backfillDays}-day backfill` : ''}`);
        const r = await this.computer.compute(opts, (p) => report({ percent: Math.round(((p.viewIndex + p.step / p.steps) / p.views) * 1000) / 10, phase: `compute:${p.view}`, done: p.step, total: p.steps }));
        for (const v of r.views) await say(`${v.view}/${v.version}: ${v.rows} rows over ${v.steps} step(s), ${v.appended} appended (${v.seconds.toFixed(1)} s)`);
        result = r as unknown as Record<string, unknown>;
      } else if (data.kind === 'materialize') {
        const targets = await this.materializeTargets(data.materialize ?? {});
        const views: MaterializeResult[] = [];
        for (let k = 0; k < targets.length; k++) {
          const v = targets[k]!;
          const r = await this.online.materialize(v, { mode: data.materialize?.mode ?? 'full' }, (done, total) =>
            report({ percent: Math.round(((k + (total ? done / total : 1)) / targets.length) * 1000) / 10, phase: `materialize:${v.name}`, done, total }));
          views.push(r);
          await say(`${r.view}/${r.version}: ${r.mode}, generation ${r.generation}, ${r.rows} entities, ${r.written} written to ${this.online.backend} (${r.seconds.toFixed(1)} s)`);
        }
        result = { backend: this.online.backend, views };
      } else {
        await report({ percent: 10, phase: 'drift' }, true);
        const rows = await this.drifts.computeDrift(data.drift?.service, { sampleSize: data.drift?.sampleSize });
        const drifted = rows.filter((r) => r.drifted).map((r) => `${r.service}/${r.version} ${r.feature}`);
        await say(`drift: ${rows.length} features checked, ${drifted.length} drifted${drifted.length ? `: ${drifted.slice(0, 20).join(', ')}` : ''}`);
        result = { features: rows.length, drifted };
      }
      await report({ percent: 100, phase: 'done' }, true);
      await this.finish(id, 'completed', result);
      return result;
    } catch (err) {
      const e = err instanceof FeatureError ? err : new FeatureError(data.kind === 'materialize' ? 'MATERIALIZATION_FAILED' : 'COMPUTE_FAILED', (err as Error).message);
      await say(`failed: ${e.message}`);
      await this.finish(id, 'failed', null, e.message, e.code);
      throw e;
    }
  }

  private async finish(id: string, status: 'completed' | 'failed', result: Record<string, unknown> | null, error?: string, code?: string): Promise<void> {
    await this.db.query(`UPDATE feature_jobs SET status = $2, result = $3, error = $4, error_code = $5, finished_at = now() WHERE id = $1`, [id, status, result ? JSON.stringify(result) : null, error ?? null, code ?? null]);
  }
}
