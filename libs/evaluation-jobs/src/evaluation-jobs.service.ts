import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  aggregate,
  buildTestSet,
  columnNames,
  comparePairedMany,
  datasetFingerprint,
  EvaluationError,
  mergePerUser,
  partitionUsers,
  splitInteractions,
  usersFingerprint,
  type InteractionRecord,
  type MetricValue,
  type PerUserValues,
  type RankMetric,
} from '@app/evaluation';
import { QueueNames } from '@app/queue';
import { loadRecommender, STRATEGY_NAMES, type StrategyName } from '@app/recsys';
import { RegistryService, type ModelVersionEntity } from '@app/registry';
import { candidateFeatures, canonicalRef, ModelServing, runFit, SnapshotService, type StopReason } from '@app/training';
import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource, type EntityManager } from 'typeorm';
import { describeSplit, gradedTypes, normalizeRequest, protocolDifferences, type EvaluationRequest } from './evaluation-spec.js';
import { EvaluationRunEntity, type EvaluationDataset, type EvaluationProgress } from './evaluation-run.entity.js';
import { evaluateShardUsers, type RankableModel, type ShardUser } from './rank-shard.js';

/** What a queue job carries: the plan job builds the split and enqueues one shard job per shard. */
export interface EvaluationJobData {
  id: string;
  shard?: number;
}

export interface EvaluationFilter {
  model?: string;
  version?: number;
  datasetFingerprint?: string;
  status?: string;
}

export interface MetricComparison {
  name: string;
  /** Means over the paired users (users with a value in both). */
  a: number;
  b: number;
  /** mean(b − a) over the paired users. */
  difference: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
  users: number;
  method: 'resampling' | 'normal';
}

export interface EvaluationComparison {
  a: EvaluationRunEntity;
  b: EvaluationRunEntity;
  users: number;
  method: string;
  metrics: MetricComparison[];
}

interface ShardInput {
  users: ShardUser[];
}

/** Paired-test settings: fixed so a comparison is reproducible. */
export const COMPARISON = { bootstrapSamples: 1000, seed: 42, permutations: 2000, resampleUpTo: 20_000 };
export const COMPARISON_METHOD =
  `difference = mean over paired users of (b − a). Up to ${COMPARISON.resampleUpTo} paired users: 95% CI from a paired percentile bootstrap of the per-user differences ` +
  `(${COMPARISON.bootstrapSamples} resamples, seed ${COMPARISON.seed}) and a two-sided paired sign-flip permutation test (${COMPARISON.permutations} random flips, +1 smoothing); ` +
  `above: their normal approximations (mean ± 1.96·sd/√n; p = erfc(|Σd| / √(2Σd²))).`

const PROGRESS_EVERY_MS = 500;
const WATCH_EVERY_MS = 500;
const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) && Array.isArray(r[0]) ? (r[0] as T[]) : (r as T[]));

/**
 * Offline evaluation jobs over registered model versions: start (validate, record, enqueue), plan (read the
 * market interactions, split, write one input per shard, refit when asked), shards (rank each user with the
 * model, per-user metrics), merge (the last shard to finish: global user order, aggregates and bootstrap CIs,
 * per-user values stored for paired comparisons, headline metrics attached to the version), cancel, compare.
 */
@Injectable()
export class EvaluationJobService {
  private readonly logger = new Logger('EvaluationJobs');
  private readonly models = new Map<string, Promise<RankableModel>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueNames.evaluation) private readonly queue: Queue,
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(ModelServing) private readonly serving: ModelServing,
    @Inject(SnapshotService) private readonly snapshots: SnapshotService,
  ) {}

  /** Validates the request against the registry, records it and (by default) queues its plan job. */
  async start(req: EvaluationRequest, actor: string, opts: { enqueue?: boolean } = {}): Promise<EvaluationRunEntity> {
    const ref = canonicalRef(req.modelRef ?? '');
    const { model, version } = await this.registry.resolve(ref);
    if (version.status === 'archived') throw new EvaluationError('INVALID_INPUT', `${model.name}/${version.version} is archived`);
    const spec = normalizeRequest(req, versionCutoff(version));
    const enqueue = opts.enqueue ?? true;
    const id = enqueue ? randomUUID() : `local-${randomUUID()}`;
    const repo = this.db.getRepository(EvaluationRunEntity);
    await repo.insert({
      id,
      modelRef: req.modelRef.trim(),
      model: model.name,
      version: version.version,
      versionId: version.id,
      strategy: version.strategy,
      mode: spec.mode,
      protocol: spec.protocol,
      ks: spec.ks,
      metricNames: spec.metrics,
      shards: spec.shards,
      shardsDone: 0,
      bootstrap: spec.bootstrap,
      options: { timeoutSeconds: spec.timeoutSeconds, attachToVersion: spec.attachToVersion, asOf: spec.asOf.toISOString() },
      status: 'queued',
      progress: { percent: 0, phase: 'queued' },
      dataset: null,
      datasetFingerprint: null,
      usersFingerprint: null,
      results: null,
      attachedToVersion: false,
      error: null,
      errorCode: null,
      durationSeconds: null,
      createdBy: actor,
      startedAt: null,
      finishedAt: null,
    });
    if (enqueue) {
      try {
        await this.queue.add('plan', { id } satisfies EvaluationJobData, { jobId: id, removeOnComplete: { age: 86400 }, removeOnFail: { age: 7 * 86400 } });
      } catch (err) {
        await this.finish(id, 'failed', `could not enqueue: ${(err as Error).message}`, 'EVALUATION_FAILED');
        throw err;
      }
    }
    return this.get(id);
  }

  async get(id: string): Promise<EvaluationRunEntity> {
    const row = await this.db.getRepository(EvaluationRunEntity).findOne({ where: { id } });
    if (!row) throw new EvaluationError('NOT_FOUND', `evaluation ${id} not found`);
    return row;
  }

  async list(filter: EvaluationFilter, page: { offset: number; limit: number }): Promise<{ items: EvaluationRunEntity[]; totalCount: number }> {
    const qb = this.db.getRepository(EvaluationRunEntity).createQueryBuilder('e');
    if (filter.model) qb.andWhere('e.model = :model', { model: filter.model });
    if (filter.version !== undefined) qb.andWhere('e.version = :version', { version: filter.version });
    if (filter.datasetFingerprint) qb.andWhere('e.dataset_fingerprint LIKE :fp', { fp: `${filter.datasetFingerprint.toLowerCase().replace(/[^0-9a-f]/g, '')}%` });
    if (filter.status) qb.andWhere('e.status = :status', { status: filter.status });
    const [items, totalCount] = await qb.orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'ASC').skip(page.offset).take(page.limit).getManyAndCount();
    return { items, totalCount };
  }

  /** Shard rows of an evaluation (progress per shard, which worker ran it, how long). */
  async shardRows(id: string): Promise<Array<{ shard: number; status: string; users: number; doneUsers: number; worker: string | null; seconds: number | null }>> {
    const rows: Array<{ shard: number; status: string; users: number; done_users: number; worker: string | null; seconds: number | null }> = await this.db.query(
      `SELECT shard, status, users, done_users, worker, seconds FROM evaluation_shards WHERE evaluation_id = $1 ORDER BY shard`,
      [id],
    );
    return rows.map((r) => ({ shard: r.shard, status: r.status, users: r.users, doneUsers: r.done_users, worker: r.worker, seconds: r.seconds }));
  }

  /** Per-user values of one metric, in the order of `userIds` (ascending user id). */
  async userValues(id: string): Promise<{ userIds: string[]; values: Map<string, Float64Array> }> {
    const [row] = rowsOf<{ user_ids: string[] | null }>(await this.db.query(`SELECT user_ids FROM evaluations WHERE id = $1`, [id]));
    if (!row) throw new EvaluationError('NOT_FOUND', `evaluation ${id} not found`);
    const rows: Array<{ metric: string; values: number[] }> = await this.db.query(`SELECT metric, "values" FROM evaluation_user_values WHERE evaluation_id = $1`, [id]);
    return { userIds: row.user_ids ?? [], values: new Map(rows.map((r) => [r.metric, Float64Array.from(r.values, Number)])) };
  }

  /**
   * Cancels a queued or running evaluation: the row is marked at once, waiting shard jobs are removed from
   * the queue, and a running shard sees the status within half a second and stops without writing results.
   */
  async cancel(id: string): Promise<EvaluationRunEntity> {
    const row = await this.get(id);
    if (row.status !== 'queued' && row.status !== 'running') throw new EvaluationError('CONFLICT', `evaluation ${id} is already ${row.status}`);
    await this.finish(id, 'cancelled', 'cancelled', 'CANCELLED');
    await this.removeWaitingJobs(id, row.shards);
    return this.get(id);
  }

  /** Paired comparison of two completed evaluations of the same users on the same split. */
  async compare(aId: string, bId: string, metrics?: string[]): Promise<EvaluationComparison> {
    const [a, b] = await Promise.all([this.get(aId), this.get(bId)]);
    for (const e of [a, b]) if (e.status !== 'completed') throw new EvaluationError('NOT_COMPLETED', `evaluation ${e.id} is ${e.status}; only completed evaluations can be compared`, { id: e.id, status: e.status });
    const differences = protocolDifferences(a.protocol, b.protocol);
    if (a.datasetFingerprint !== b.datasetFingerprint) {
      differences.push(`dataset ${a.datasetFingerprint?.slice(0, 12)} (${a.dataset?.interactions} interactions before ${a.dataset?.asOf}) vs ${b.datasetFingerprint?.slice(0, 12)} (${b.dataset?.interactions} interactions before ${b.dataset?.asOf})`);
    } else if (a.usersFingerprint !== b.usersFingerprint) {
      differences.push(`users ${a.dataset?.users} vs ${b.dataset?.users}`);
    }
    if (differences.length) {
      throw new EvaluationError('INCOMPARABLE', `evaluations ${a.id} and ${b.id} are not on the same split and users: ${differences.join('; ')}`, { differences });
    }
    const [va, vb] = await Promise.all([this.userValues(a.id), this.userValues(b.id)]);
    let names = [...va.values.keys()].filter((m) => vb.values.has(m));
    if (metrics?.length) {
      const unknown = metrics.filter((m) => !names.includes(m));
      if (unknown.length) throw new EvaluationError('INVALID_INPUT', `metric(s) ${unknown.join(', ')} not in both evaluations; common: ${names.join(', ')}`);
      names = metrics;
    }
    if (names.length === 0) throw new EvaluationError('INCOMPARABLE', `evaluations ${a.id} and ${b.id} have no per-user metric in common`, { differences: ['metrics'] });
    const order = (n: string) => {
      const [m, k] = n.split('@');
      return [Number(k ?? 0), m!] as const;
    };
    names.sort((x, y) => order(x)[0] - order(y)[0] || (order(x)[1] < order(y)[1] ? -1 : 1));
    const xs = names.map((n) => va.values.get(n)!), ys = names.map((n) => vb.values.get(n)!);
    const results = comparePairedMany(xs, ys, { samples: COMPARISON.bootstrapSamples, seed: COMPARISON.seed, permutations: COMPARISON.permutations, resampleUpTo: COMPARISON.resampleUpTo });
    let users = 0;
    const out = names.map((name, m) => {
      const x = xs[m]!, y = ys[m]!, r = results[m]!;
      let sa = 0, sb = 0;
      for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) { sa += x[i]!; sb += y[i]!; }
      users = Math.max(users, r.users);
      return { name, a: sa / r.users, b: sb / r.users, difference: r.difference, ciLow: r.ci.low, ciHigh: r.ci.high, pValue: r.pValue, users: r.users, method: r.method };
    });
    return { a, b, users, method: COMPARISON_METHOD, metrics: out };
  }

  /** The processor's entry point. */
  async process(job: Job<EvaluationJobData>): Promise<{ status: string }> {
    let status: string;
    if (job.name === 'plan') status = await this.plan(job.data.id, true);
    else if (job.name === 'shard') status = await this.runShard(job.data.id, job.data.shard!, (p) => job.updateProgress(p));
    else throw new Error(`unknown evaluation job ${job.name}`);
    // A failure is recorded on the evaluation; failing the queue job too keeps the queue metrics honest.
    if (status === 'failed') throw new Error((await this.get(job.data.id)).error ?? 'evaluation failed');
    return { status };
  }

  /** Runs the whole evaluation in this process (the CLI without a worker); the row comes from start(…, { enqueue: false }). */
  async runInProcess(id: string): Promise<EvaluationRunEntity> {
    if ((await this.plan(id, false)) === 'planned') {
      const { shards } = await this.get(id);
      for (let s = 0; s < shards; s++) if ((await this.runShard(id, s)) !== 'completed') break;
    }
    return this.get(id);
  }

  // ---- plan ---------------------------------------------------------------------------------------------

  private async plan(id: string, enqueue: boolean): Promise<string> {
    const claimed = rowsOf<{ id: string }>(await this.db.query(
      `UPDATE evaluations SET status = 'running', started_at = coalesce(started_at, now()), progress = $2 WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [id, JSON.stringify({ percent: 1, phase: 'reading' })],
    ));
    if (claimed.length === 0) return 'stopped';
    const ev = await this.get(id);
    const queuedShards = rowsOf<{ shard: number; status: string }>(await this.db.query(`SELECT shard, status FROM evaluation_shards WHERE evaluation_id = $1`, [id]));
    if (queuedShards.length > 0) {
      // A redelivered plan job (its process died after planning): enqueue what may be missing (job ids dedupe).
      if (enqueue) for (const r of queuedShards) if (r.status === 'queued') await this.enqueueShard(id, r.shard);
      return 'planned';
    }
    const stop = this.stopper(ev);
    try {
      const t0 = Date.now();
      const asOf = new Date(ev.options.asOf);
      const { version } = await this.registry.resolve(`${ev.model}/${ev.version}`);
      const types = gradedTypes(ev.protocol.relevance);
      const rows = await this.readInteractions(asOf, types);
      await stop.check();
      const testSet = buildTestSet(rows, { protocol: ev.protocol.split, relevance: ev.protocol.relevance, excludeTraining: ev.protocol.excludeTraining });
      const cutoff = versionCutoff(version);
      if (ev.mode === 'artifact' && cutoff && testSet.firstTestAt < cutoff.getTime()) {
        const leaked = rowsBefore(testSet.users, cutoff.getTime());
        throw new EvaluationError(
          'LEAKAGE',
          `the ${describeSplit(ev.protocol.split)} split holds out interactions from before ${ev.model}/${ev.version}'s training cut-off ${cutoff.toISOString()} (${leaked} test user(s) affected, earliest ${new Date(testSet.firstTestAt).toISOString()}); the artifact was trained on them. Use mode refit or a temporal cutoff >= the training cut-off`,
          { versionCutoff: cutoff.toISOString(), firstTestAt: new Date(testSet.firstTestAt).toISOString(), users: leaked },
        );
      }
      if (testSet.users.length === 0) {
        throw new EvaluationError('EMPTY_TEST_SET', `the ${describeSplit(ev.protocol.split)} split of ${rows.length} interactions before ${asOf.toISOString()} leaves no user with a relevant held-out item`, { interactions: rows.length });
      }
      const userIds = testSet.users.map((u) => u.user);
      let minAt = Infinity, maxAt = -Infinity;
      const cands = new Set<string>(), jobs = new Set<string>();
      for (const r of rows) { minAt = Math.min(minAt, r.at); maxAt = Math.max(maxAt, r.at); cands.add(r.user); jobs.add(r.item); }
      const dataset: EvaluationDataset = {
        source: 'market',
        asOf: asOf.toISOString(),
        fingerprint: datasetFingerprint(rows),
        interactions: rows.length,
        trainInteractions: testSet.trainInteractions,
        testInteractions: testSet.testInteractions,
        candidates: cands.size,
        jobs: jobs.size,
        users: userIds.length,
        firstInteractionAt: rows.length ? new Date(minAt).toISOString() : null,
        lastInteractionAt: rows.length ? new Date(maxAt).toISOString() : null,
        firstTestAt: Number.isFinite(testSet.firstTestAt) ? new Date(testSet.firstTestAt).toISOString() : null,
        types,
        consent: 'candidates.consent_training = true',
        versionCutoff: cutoff ? cutoff.toISOString() : null,
      };
      let refit: Buffer | null = null;
      if (ev.mode === 'refit') {
        await this.report(id, { percent: 2, phase: 'refit' });
        const r = await this.refit(ev, version, asOf, rows, stop);
        refit = r.artifact;
        dataset.refit = r.info;
      }
      await this.report(id, { percent: 4.5, phase: 'planning' });
      await stop.check();
      const shardUsers = partitionUsers(userIds, ev.shards);
      const planned = await this.db.transaction(async (tx) => {
        const updated = rowsOf<{ id: string }>(await tx.query(
          `UPDATE evaluations SET dataset = $2, dataset_fingerprint = $3, users_fingerprint = $4, user_ids = $5, refit_artifact = $6, progress = $7
            WHERE id = $1 AND status = 'running' RETURNING id`,
          [id, JSON.stringify(dataset), dataset.fingerprint, usersFingerprint(userIds), userIds, refit,
            JSON.stringify({ percent: 5, phase: 'shards', shards: ev.shards, shardsDone: 0, users: userIds.length, usersDone: 0 } satisfies EvaluationProgress)],
        ));
        if (updated.length === 0) return false;
        await tx.query(`DELETE FROM evaluation_shards WHERE evaluation_id = $1`, [id]);
        for (let s = 0; s < shardUsers.length; s++) {
          const users: ShardUser[] = Array.from(shardUsers[s]!, (p) => ({ ...testSet.users[p]!, position: p }));
          await tx.query(`INSERT INTO evaluation_shards (evaluation_id, shard, status, users, input) VALUES ($1, $2, 'queued', $3, $4)`, [id, s, users.length, JSON.stringify({ users } satisfies ShardInput)]);
        }
        if (ev.metricNames.includes('novelty')) {
          await tx.query(`UPDATE evaluations SET options = options || $2::jsonb WHERE id = $1`, [id, JSON.stringify({ itemPopularity: Object.fromEntries(testSet.itemPopularity) })]);
        }
        return true;
      });
      if (!planned) return 'stopped';
      this.logger.log(`evaluation ${id}: ${userIds.length} users in ${ev.shards} shard(s), ${rows.length} interactions read in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      if (enqueue) {
        for (let s = 0; s < ev.shards; s++) await this.enqueueShard(id, s);
      }
      return 'planned';
    } catch (err) {
      return this.fail(id, err);
    } finally {
      stop.dispose();
    }
  }

  private async enqueueShard(id: string, s: number): Promise<void> {
    await this.queue.add('shard', { id, shard: s } satisfies EvaluationJobData, { jobId: shardJobId(id, s), removeOnComplete: { age: 86400 }, removeOnFail: { age: 7 * 86400 } });
  }

  /** Interactions of consenting candidates before `asOf`, of the graded types. */
  private async readInteractions(asOf: Date, types: string[]): Promise<Array<InteractionRecord & { t: number }>> {
    const raw: Array<{ u: string; j: string; type: string; t: number }> = await this.db.query(
      `SELECT i.candidate_id::text AS u, i.job_id::text AS j, i.type, extract(epoch FROM i.occurred_at)::float8 AS t
         FROM interactions i JOIN candidates c ON c.id = i.candidate_id
        WHERE c.consent_training AND i.occurred_at < $1 AND i.type = ANY($2)
        ORDER BY i.occurred_at, i.id`,
      [asOf, types],
    );
    return raw.map((r) => ({ user: r.u, item: r.j, type: r.type, t: Number(r.t), at: Number(r.t) * 1000 }));
  }

  /** Fits the version's strategy and params on the split's training side (the market snapshot minus held-out rows). */
  private async refit(ev: EvaluationRunEntity, version: ModelVersionEntity, asOf: Date, rows: Array<InteractionRecord & { t: number }>, stop: Stopper) {
    const t0 = Date.now();
    const { held, firstTest } = heldOut(rows, ev);
    const graded = new Set(gradedTypes(ev.protocol.relevance));
    const split = ev.protocol.split;
    const { snapshot, info } = await this.snapshots.build({
      // Temporal: the model the split describes was trained at the cut-off (and knows only jobs posted before it).
      cutoff: split.kind === 'temporal' ? new Date(Math.min(split.cutoff, asOf.getTime())) : asOf,
      keep: (x) => {
        // Types the split does not read (dismissals) stay only when they precede the user's held-out period.
        if (!graded.has(x.type)) return !(Number(x.t) * 1000 >= (firstTest.get(String(x.candidate_id)) ?? Infinity));
        const key = `${x.candidate_id}|${x.job_id}|${x.type}|${Number(x.t)}`;
        const n = held.get(key);
        if (!n) return true;
        if (n === 1) held.delete(key);
        else held.set(key, n - 1);
        return false;
      },
    });
    const artifact = await runFit({
      strategy: version.strategy,
      snapshot,
      params: version.params,
      shouldStop: () => stop.reason(),
      onProgress: (e) => void this.report(ev.id, { percent: Math.round(20 + 20 * (e.total ? Math.min(1, e.done / e.total) : 0)) / 10, phase: `refit:${e.phase}` }),
    }).catch((err: { code?: string; message?: string }) => {
      if (err?.code === 'CANCELLED') throw new EvaluationError('CANCELLED', 'evaluation was cancelled');
      if (err?.code === 'TIMEOUT') throw new EvaluationError('TIMEOUT', 'evaluation exceeded its time limit');
      throw new EvaluationError('EVALUATION_FAILED', `refit of ${ev.model}/${ev.version} (${version.strategy}) failed: ${err?.message ?? String(err)}`);
    });
    return { artifact, info: { ...info.rows, seconds: (Date.now() - t0) / 1000 } };
  }

  // ---- shards -------------------------------------------------------------------------------------------

  private async runShard(id: string, s: number, onJobProgress?: (percent: number) => Promise<void>): Promise<string> {
    const ev = await this.db.getRepository(EvaluationRunEntity).findOne({ where: { id } });
    if (!ev || ev.status !== 'running') {
      await this.db.query(`UPDATE evaluation_shards SET status = 'cancelled' WHERE evaluation_id = $1 AND shard = $2 AND status = 'queued'`, [id, s]);
      return 'stopped';
    }
    const worker = `${hostname()}:${process.pid}`;
    const claimed = rowsOf<{ input: ShardInput }>(await this.db.query(
      `UPDATE evaluation_shards SET status = 'running', started_at = now(), worker = $3 WHERE evaluation_id = $1 AND shard = $2 AND status IN ('queued', 'running') RETURNING input`,
      [id, s, worker],
    ));
    if (claimed.length === 0) return 'stopped';
    const input = claimed[0]!.input;
    const stop = this.stopper(ev);
    const t0 = Date.now();
    try {
      const model = await this.rankable(ev);
      await stop.check();
      let lastWrite = 0;
      const metrics = ev.metricNames.filter((m): m is RankMetric => m !== 'coverage');
      const per = await evaluateShardUsers(model, input.users, {
        ks: ev.ks,
        metrics,
        gain: ev.protocol.gain,
        excludeTraining: ev.protocol.excludeTraining,
        now: ev.protocol.split.kind === 'temporal' ? ev.protocol.split.cutoff : undefined,
        itemPopularity: (ev.options as { itemPopularity?: Record<string, number> }).itemPopularity,
      }, {
        features: async (userId) => {
          const row = await this.snapshots.candidateRow(userId);
          return row ? candidateFeatures(row) : null;
        },
        onProgress: async (done, total) => {
          await stop.check();
          // Lets the queue renew its lock and the API answer while a shard ranks (the loop is synchronous).
          await new Promise((r) => setImmediate(r));
          if (Date.now() - lastWrite < PROGRESS_EVERY_MS && done < total) return;
          lastWrite = Date.now();
          await this.shardProgress(id, s, done);
          await onJobProgress?.(Math.round((100 * done) / Math.max(1, total))).catch(() => undefined);
        },
      });
      await stop.check();
      const values = Buffer.from(per.values.buffer, per.values.byteOffset, per.values.byteLength);
      const best = Buffer.from(per.bestPosition.buffer, per.bestPosition.byteOffset, per.bestPosition.byteLength);
      const last = await this.db.transaction(async (tx) => {
        const done = rowsOf<{ shard: number }>(await tx.query(
          `UPDATE evaluation_shards SET status = 'completed', result = $3, best_position = $4, done_users = users, input = NULL, seconds = $5, finished_at = now()
            WHERE evaluation_id = $1 AND shard = $2 AND status = 'running' RETURNING shard`,
          [id, s, values, best, (Date.now() - t0) / 1000],
        ));
        if (done.length === 0) return false;
        const [counter] = rowsOf<{ shards_done: number; shards: number }>(await tx.query(
          `UPDATE evaluations SET shards_done = shards_done + 1 WHERE id = $1 AND status = 'running' RETURNING shards_done, shards`,
          [id],
        ));
        if (counter) await this.refreshProgress(tx, id);
        return !!counter && counter.shards_done === counter.shards;
      });
      // The shard that completes last merges (the counter is incremented under the row lock, so exactly one sees it).
      if (last) await this.merge(id, stop);
      return 'completed';
    } catch (err) {
      const e = asEvaluationError(err);
      const status = e.code === 'CANCELLED' ? 'cancelled' : 'failed';
      await this.db.query(`UPDATE evaluation_shards SET status = $3, input = NULL, seconds = $4, finished_at = now() WHERE evaluation_id = $1 AND shard = $2 AND status = 'running'`, [id, s, status, (Date.now() - t0) / 1000]);
      return this.fail(id, e);
    } finally {
      stop.dispose();
    }
  }

  private async shardProgress(id: string, s: number, done: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE evaluation_shards SET done_users = $3 WHERE evaluation_id = $1 AND shard = $2 AND status = 'running'`, [id, s, done]);
      await this.refreshProgress(tx, id);
    }).catch(() => undefined);
  }

  /** Percent while shards run: 5 + 90 × users done / users (planning takes the first 5, the merge the rest). */
  private async refreshProgress(tx: EntityManager, id: string): Promise<void> {
    await tx.query(
      `UPDATE evaluations e SET progress = jsonb_build_object('phase', 'shards', 'percent', round((5 + 90 * s.done::float8 / greatest(s.total, 1))::numeric, 1),
              'users', s.total, 'usersDone', s.done, 'shards', e.shards, 'shardsDone', s.completed)
         FROM (SELECT coalesce(sum(done_users), 0) AS done, coalesce(sum(users), 0) AS total, count(*) FILTER (WHERE status = 'completed') AS completed
                 FROM evaluation_shards WHERE evaluation_id = $1) s
        WHERE e.id = $1 AND e.status = 'running'`,
      [id],
    );
  }

  /** The version's artifact (cached by the serving layer) or this evaluation's refit, with id → index maps. */
  private rankable(ev: EvaluationRunEntity): Promise<RankableModel> {
    const key = ev.mode === 'refit' ? `refit:${ev.id}` : `version:${ev.versionId}`;
    let loading = this.models.get(key);
    if (!loading) {
      loading = (async (): Promise<RankableModel> => {
        if (ev.mode === 'artifact') {
          const served = await this.serving.model(`${ev.model}/${ev.version}`);
          return { recommender: served.recommender, candidateIndex: served.candidateIndex, jobIndex: new Map(served.jobIds.map((j, i) => [j, i])), numJobs: served.jobIds.length };
        }
        const [row] = rowsOf<{ refit_artifact: Buffer | null }>(await this.db.query(`SELECT refit_artifact FROM evaluations WHERE id = $1`, [ev.id]));
        if (!row?.refit_artifact) throw new EvaluationError('EVALUATION_FAILED', `evaluation ${ev.id} has no refit artifact`);
        const strategy = (STRATEGY_NAMES as readonly string[]).includes(ev.strategy) ? (ev.strategy as StrategyName) : undefined;
        const recommender = await loadRecommender(row.refit_artifact, strategy);
        const { jobIds, candidateIds } = recommender.catalog;
        if (!jobIds || !candidateIds) throw new EvaluationError('EVALUATION_FAILED', 'the refit model has no database ids in its catalogue');
        return { recommender, candidateIndex: new Map(candidateIds.map((c, i) => [c, i])), jobIndex: new Map(jobIds.map((j, i) => [j, i])), numJobs: jobIds.length };
      })();
      this.models.set(key, loading);
      loading.catch(() => this.models.delete(key));
      // A few models at most: evaluations of other versions replace older entries.
      if (this.models.size > 4) this.models.delete(this.models.keys().next().value!);
    }
    return loading;
  }

  // ---- merge --------------------------------------------------------------------------------------------

  private async merge(id: string, stop: Stopper): Promise<void> {
    await this.db.query(`UPDATE evaluations SET progress = $2 WHERE id = $1 AND status = 'running'`, [id, JSON.stringify({ percent: 96, phase: 'merge' })]);
    const ev = await this.get(id);
    const [{ user_ids: userIds }] = rowsOf<{ user_ids: string[] }>(await this.db.query(`SELECT user_ids FROM evaluations WHERE id = $1`, [id]));
    const shards: Array<{ shard: number; result: Buffer; best_position: Buffer }> = await this.db.query(
      `SELECT shard, result, best_position FROM evaluation_shards WHERE evaluation_id = $1 ORDER BY shard`,
      [id],
    );
    const positions = partitionUsers(userIds, ev.shards);
    const rankMetrics = ev.metricNames.filter((m): m is RankMetric => m !== 'coverage');
    const columns = columnNames({ ks: ev.ks, metrics: rankMetrics });
    const parts: PerUserValues[] = shards.map((r) => ({
      columns,
      users: positions[r.shard]!,
      values: new Float64Array(copyBytes(r.result)),
      bestPosition: new Int32Array(copyBytes(r.best_position)),
    }));
    const merged = mergePerUser(parts);
    if (merged.users.length !== userIds.length) throw new EvaluationError('EVALUATION_FAILED', `merged ${merged.users.length} users, expected ${userIds.length}`);
    await stop.check();
    const catalogue = merged.bestPosition.length - 1;
    const results: MetricValue[] = aggregate(merged, {
      bootstrap: { samples: ev.bootstrap.samples, seed: ev.bootstrap.seed, level: ev.bootstrap.level },
      ...(ev.metricNames.includes('coverage') ? { catalogueSize: catalogue, ks: ev.ks } : {}),
    });
    const n = merged.users.length;
    // The promotion gate reads the version's offline metrics (ndcg@10 by default): the latest evaluation feeds it.
    // Written just before completing (the registry's own connection cannot join this transaction on embedded PGlite).
    const attach = ev.mode === 'artifact' && ev.options.attachToVersion;
    if (attach) {
      const headline: Record<string, number> = { evaluation_users: n };
      for (const m of results) if (/^(ndcg|map|recall)@\d+$/.test(m.name) && Number.isFinite(m.value)) headline[m.name] = m.value;
      await this.registry.attachMetrics(ev.versionId, headline);
    }
    await this.db.transaction(async (tx) => {
      for (let c = 0; c < columns.length; c++) {
        await tx.query(`INSERT INTO evaluation_user_values (evaluation_id, metric, "values") VALUES ($1, $2, $3::float8[]) ON CONFLICT (evaluation_id, metric) DO UPDATE SET "values" = excluded."values"`, [
          id,
          columns[c],
          Array.from(merged.values.subarray(c * n, (c + 1) * n), (v) => (Number.isNaN(v) ? 'NaN' : v)),
        ]);
      }
      const done = rowsOf<{ id: string }>(await tx.query(
        `UPDATE evaluations SET status = 'completed', results = $2, dataset = dataset || $3::jsonb, progress = $4, finished_at = now(),
                duration_seconds = extract(epoch FROM now() - started_at), refit_artifact = NULL, attached_to_version = $5
          WHERE id = $1 AND status = 'running' RETURNING id`,
        [id, JSON.stringify(results), JSON.stringify({ catalogue }), JSON.stringify({ percent: 100, phase: 'done', shards: ev.shards, shardsDone: ev.shards, users: n, usersDone: n }), attach],
      ));
      if (done.length === 0) throw new EvaluationError('CANCELLED', 'evaluation was cancelled');
      await tx.query(`UPDATE evaluation_shards SET result = NULL, best_position = NULL WHERE evaluation_id = $1`, [id]);
    });
    this.logger.log(`evaluation ${id} completed: ${results.filter((m) => /^ndcg@/.test(m.name)).map((m) => `${m.name} ${m.value.toFixed(4)}`).join(', ')}`);
  }

  // ---- status -------------------------------------------------------------------------------------------

  private async report(id: string, p: EvaluationProgress): Promise<void> {
    await this.db.query(`UPDATE evaluations SET progress = $2 WHERE id = $1 AND status = 'running'`, [id, JSON.stringify(p)]).catch(() => undefined);
  }

  /** Ends a queued or running evaluation (never touches one that already ended). */
  private async finish(id: string, status: 'failed' | 'cancelled', error: string, code: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE evaluations SET status = $2, error = $3, error_code = $4, finished_at = now(), refit_artifact = NULL,
                duration_seconds = extract(epoch FROM now() - coalesce(started_at, created_at))
          WHERE id = $1 AND status IN ('queued', 'running')`,
        [id, status, error, code],
      );
      await tx.query(`UPDATE evaluation_shards SET status = 'cancelled', input = NULL, result = NULL WHERE evaluation_id = $1 AND status = 'queued'`, [id]);
    });
  }

  private async fail(id: string, err: unknown): Promise<string> {
    const e = asEvaluationError(err);
    const status = e.code === 'CANCELLED' ? 'cancelled' : 'failed';
    if (status === 'failed') this.logger.warn(`evaluation ${id} failed (${e.code}): ${e.message}`);
    await this.finish(id, status, e.message, e.code);
    if (status === 'failed') await this.removeWaitingJobs(id, (await this.get(id)).shards);
    return status;
  }

  private async removeWaitingJobs(id: string, shards: number): Promise<void> {
    for (const jobId of [id, ...Array.from({ length: shards }, (_, s) => shardJobId(id, s))]) {
      const job = await this.queue.getJob(jobId).catch(() => undefined);
      if (!job) continue;
      const state = await job.getState().catch(() => 'unknown');
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await job.remove().catch(() => undefined);
    }
  }

  /** Cancellation (the row's status, polled) and the deadline (started_at + timeout). */
  private stopper(ev: EvaluationRunEntity): Stopper {
    const started = (ev.startedAt ?? new Date()).getTime();
    const deadline = started + ev.options.timeoutSeconds * 1000;
    let cancelled = false;
    const poll = setInterval(() => {
      void this.db.query(`SELECT status FROM evaluations WHERE id = $1`, [ev.id]).then(
        (r: Array<{ status: string }>) => { if (r[0] && r[0].status !== 'running') cancelled = true; },
        () => undefined,
      );
    }, WATCH_EVERY_MS);
    poll.unref();
    const reason = (): StopReason | null => (cancelled ? 'cancelled' : Date.now() > deadline ? 'timeout' : null);
    return {
      reason,
      async check() {
        const r = reason();
        if (r === 'cancelled') throw new EvaluationError('CANCELLED', 'evaluation was cancelled');
        if (r === 'timeout') throw new EvaluationError('TIMEOUT', `evaluation exceeded its time limit of ${ev.options.timeoutSeconds} s and was stopped`, { timeoutSeconds: ev.options.timeoutSeconds });
      },
      dispose: () => clearInterval(poll),
    };
  }
}

interface Stopper {
  reason(): StopReason | null;
  check(): Promise<void>;
  dispose(): void;
}

export const shardJobId = (id: string, s: number) => `${id}-s${s}`;

/** The version's training cut-off as the registry recorded it (dataset.cutoff), if any. */
export function versionCutoff(v: ModelVersionEntity): Date | null {
  const raw = (v.dataset as { cutoff?: unknown })['cutoff'];
  if (typeof raw !== 'string') return null;
  const d = new Date(raw);
  return Number.isNaN(d.getTime()) ? null : d;
}

function asEvaluationError(err: unknown): EvaluationError {
  if (err instanceof EvaluationError) return err;
  const e = err as { code?: string; message?: string; details?: Record<string, unknown> };
  return new EvaluationError('EVALUATION_FAILED', e?.message ?? String(err), e?.details);
}

function copyBytes(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function rowsBefore(users: readonly { firstTestAt: number }[], t: number): number {
  return users.filter((u) => u.firstTestAt < t).length;
}

/** Held-out rows of the split as a multiset of snapshot keys (candidate|job|type|epoch seconds), and each user's first held-out time. */
function heldOut(rows: Array<InteractionRecord & { t: number }>, ev: EvaluationRunEntity): { held: Map<string, number>; firstTest: Map<string, number> } {
  const held = new Map<string, number>();
  const firstTest = new Map<string, number>();
  for (const r of splitInteractions(rows, ev.protocol.split).test as Array<InteractionRecord & { t: number }>) {
    const key = `${r.user}|${r.item}|${r.type}|${r.t}`;
    held.set(key, (held.get(key) ?? 0) + 1);
    firstTest.set(r.user, Math.min(firstTest.get(r.user) ?? Infinity, r.at));
  }
  return { held, firstTest };
}
