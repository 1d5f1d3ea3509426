import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { INTERACTION_TYPES } from '@app/market';
import { QueueNames } from '@app/queue';
import { parseModelRef, RegistryService } from '@app/registry';
import { armTargetProbabilities, offPolicyEstimate, type OffPolicyResult } from '@app/statistics';
import { PlatformMetrics } from '@app/telemetry';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  assignCompiled,
  checkAssignmentConfig,
  compileAssignment,
  matchesTargeting,
  overlappingRanges,
  TARGETING_OPS,
  wouldReshuffle,
  type Assignment,
  type AssignmentConfig,
  type CompiledAssignment,
  type TargetingRule,
} from './assignment.js';
import { banditUnitDraw, checkBanditConfig, computeAllocation, isBanditProblem, pickArm, thompsonSeed, BANDIT_REWARDS, type ArmAllocation, type ArmCounts, type BanditConfig, type BanditReward } from './bandit.js';
import { ExperimentEntity, ExperimentPhaseEntity, type ExperimentDecision, type ExperimentStatus, type StoredVariant } from './experiment.entity.js';
import { ExperimentError } from './experiments.errors.js';
import { writeRankings, type RankingEvent } from './exposure-writer.js';
import { murmur3_32 } from './murmur3.js';
import { composeInterleavedList, EXPERIMENT_TYPES, INTERLEAVED_VARIANT, interleavingSeed, type ExperimentType } from './interleaving.js';
import { METRIC_NAMES, metricValue, type ExperimentMetric, type VariantCounts } from './metrics.js';

export interface ExperimentDefinition {
  key: string;
  /** 'ab' (default) or 'interleaving' (2 variants; 3–4 = multileaving). Fixed at creation. */
  type?: ExperimentType;
  hypothesis?: string;
  unit?: string;
  variants: StoredVariant[];
  coverage?: number;
  namespace?: { name: string; start: number; end: number } | null;
  targeting?: TargetingRule[];
  forced?: Record<string, string>;
  sticky?: boolean;
  primaryMetric: string;
  secondaryMetrics?: string[];
  guardrailMetrics?: string[];
  plannedDays?: number | null;
  plannedSampleSize?: number | null;
  /** Bandit experiments only: `explorationFloor` is required; reward, refreshMinutes and samples have defaults. */
  bandit?: Partial<BanditConfig> | null;
}

export type ExperimentPatch = Partial<Omit<ExperimentDefinition, 'key' | 'unit' | 'type'>> & { killed?: string[] };

export interface ServedRanking {
  experimentKey: string;
  unitId: string;
  jobIds: string[];
  scores: number[];
  /** Defaults to the unit's assigned variant. */
  variant?: string;
  modelVersion?: string | null;
  rankingId?: string;
  servedAt?: Date;
  /** Interleaving experiments only: the variant (team) that contributed each position. */
  teams?: string[];
  /** Bandit experiments: the allocation epoch the list was drawn in (from `assignment`/`servingAssignment`); default
   *  the current one. The logged propensity is the drawn arm's probability in that epoch. */
  allocationEpoch?: number | null;
}

/** One allocation epoch of a bandit experiment. */
export interface BanditAllocation {
  experimentKey: string;
  phase: number;
  epoch: number;
  reason: string;
  computedAt: Date;
  arms: ArmAllocation[];
}

/** An off-policy estimate of a target policy's reward rate from a bandit experiment's logged lists. */
export interface OffPolicyReport extends OffPolicyResult {
  experimentKey: string;
  phase: number | null;
  /** The target: a variant key, or a distribution over variants as JSON. */
  target: string;
  reward: BanditReward;
  /** Target = one variant: the plain mean reward of the lists that variant served (no reweighting). */
  servedRate: number | null;
}

/** An interleaved list as served: per position the job and its team; `rankingId` null when the unit is not enrolled. */
export interface ComposedInterleaving {
  experimentKey: string;
  unitId: string;
  inExperiment: boolean;
  rankingId: string | null;
  phase: number;
  items: Array<{ jobId: string; team: string; position: number }>;
}

export interface InteractionEvent {
  eventId: string;
  rankingId: string;
  jobId: string;
  type: string;
  occurredAt?: Date;
}

export interface VariantResult extends VariantCounts {
  metrics: Array<{ metric: string; value: number | null; role: 'primary' | 'secondary' | 'guardrail' }>;
}

/** An assignment as served: the pure result, or `not_running` / `sticky` (kept from an earlier phase). */
export type AssignmentView = Omit<Assignment, 'reason'> & {
  reason: Assignment['reason'] | 'not_running' | 'sticky';
  experimentKey: string;
  phase: number;
  status: ExperimentStatus;
  /** Bandit experiments: the probability with which the unit's arm was drawn, and the allocation epoch; else null. */
  propensity?: number | null;
  allocationEpoch?: number | null;
};

type Drawn = Omit<AssignmentView, 'experimentKey' | 'phase' | 'status'>;
type CompiledEntry = { at: number; exp: ExperimentEntity; c: CompiledAssignment; seed: string; allocation: { epoch: number; arms: ArmAllocation[]; computedAt: Date } | null };

const KEY = /^[a-z0-9][a-z0-9_.-]{0,99}$/;
const TRANSITIONS: Record<string, ExperimentStatus[]> = {
  start: ['draft', 'paused'],
  pause: ['running'],
  stop: ['running', 'paused'],
  conclude: ['running', 'paused', 'stopped'],
};
const ASSIGN_CACHE_MS = 1000;
/** The single enrolment range of a bandit's hash config (the arm is drawn per allocation epoch). */
const BANDIT_ENROLLED = '(bandit)';

/** Experiments: definitions and lifecycle, assignment (pure hashing plus sticky rows), exposure and interaction logs. */
@Injectable()
export class ExperimentsService implements OnApplicationShutdown {
  private readonly logger = new Logger('Experiments');
  private readonly compiled = new Map<string, CompiledEntry>();
  /** Allocation epochs are immutable once written: cached by experiment, phase and epoch. */
  private readonly epochs = new Map<string, ArmAllocation[]>();
  private buffer: RankingEvent[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private running: { at: number; keys: string[] } | null = null;
  /** Rankings are sent to the queue in batches of this size, or after `flushMs`. */
  batchSize = 500;
  flushMs = 20;
  /** Share of all units held out of every experiment (seed `global`); MATCHLAB_GLOBAL_HOLDOUT. */
  readonly globalHoldout = Number(process.env['MATCHLAB_GLOBAL_HOLDOUT'] ?? 0) || 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RegistryService) private readonly registry: RegistryService,
    @InjectQueue(QueueNames.experiments) private readonly queue: Queue,
    @Optional() @Inject(PlatformMetrics) private readonly metrics?: PlatformMetrics,
  ) {}

  // ---------- definitions ----------

  async create(def: ExperimentDefinition, owner: string): Promise<ExperimentEntity> {
    if (!KEY.test(def.key)) throw new ExperimentError('INVALID_INPUT', `experiment key "${def.key}" must be lowercase letters, digits, '.', '-' or '_'`);
    const norm = this.normalise(def);
    return this.db.transaction(async (tx) => {
      if (await tx.findOne(ExperimentEntity, { where: { key: def.key } })) throw new ExperimentError('CONFLICT', `experiment "${def.key}" already exists`);
      await this.checkNamespace(tx, norm.namespace, null);
      const now = new Date();
      const row = tx.create(ExperimentEntity, {
        key: def.key,
        hypothesis: def.hypothesis ?? '',
        owner,
        unit: def.unit ?? 'candidate',
        status: 'draft',
        type: norm.type,
        bandit: norm.bandit,
        variants: norm.variants,
        coverage: norm.coverage,
        namespace: norm.namespace?.name ?? null,
        namespaceStart: norm.namespace?.start ?? null,
        namespaceEnd: norm.namespace?.end ?? null,
        targeting: norm.targeting,
        killed: [],
        forced: norm.forced,
        sticky: def.sticky ?? false,
        primaryMetric: def.primaryMetric,
        secondaryMetrics: def.secondaryMetrics ?? [],
        guardrailMetrics: def.guardrailMetrics ?? [],
        plannedDays: def.plannedDays ?? null,
        plannedSampleSize: def.plannedSampleSize ?? null,
        phase: 0,
        decision: null,
        decisionVariant: null,
        decisionNote: null,
        promotedVersion: null,
        startedAt: null,
        stoppedAt: null,
        concludedAt: null,
        createdAt: now,
        updatedAt: now,
      });
      return tx.save(row);
    });
  }

  /**
   * Changes a definition. On a running or paused experiment a change that would move enrolled units (weights,
   * lower coverage, variants, namespace) is refused unless `newPhase` is set, which starts a new phase with a new
   * seed; raising coverage, killing arms, forced variants and metrics apply in the current phase.
   */
  async update(key: string, patch: ExperimentPatch, opts: { newPhase?: boolean; reason?: string } = {}): Promise<ExperimentEntity> {
    const result = await this.db.transaction(async (tx) => {
      const exp = await this.locked(tx, key);
      if (exp.status === 'stopped' || exp.status === 'concluded') throw new ExperimentError('INVALID_TRANSITION', `experiment "${key}" is ${exp.status}; it can no longer change`);
      const merged: ExperimentDefinition = {
        key,
        type: exp.type,
        hypothesis: patch.hypothesis ?? exp.hypothesis,
        variants: patch.variants ?? exp.variants,
        coverage: patch.coverage ?? exp.coverage,
        namespace: patch.namespace !== undefined ? patch.namespace : exp.namespace ? { name: exp.namespace, start: exp.namespaceStart!, end: exp.namespaceEnd! } : null,
        targeting: patch.targeting ?? exp.targeting,
        forced: patch.forced ?? exp.forced,
        sticky: patch.sticky ?? exp.sticky,
        primaryMetric: patch.primaryMetric ?? exp.primaryMetric,
        secondaryMetrics: patch.secondaryMetrics ?? exp.secondaryMetrics,
        guardrailMetrics: patch.guardrailMetrics ?? exp.guardrailMetrics,
        plannedDays: patch.plannedDays !== undefined ? patch.plannedDays : exp.plannedDays,
        plannedSampleSize: patch.plannedSampleSize !== undefined ? patch.plannedSampleSize : exp.plannedSampleSize,
        bandit: patch.bandit !== undefined ? (patch.bandit ? { ...exp.bandit, ...patch.bandit } : null) : exp.bandit,
      };
      const killed = patch.killed ?? exp.killed;
      const killedChanged = JSON.stringify([...killed].sort()) !== JSON.stringify([...exp.killed].sort());
      const norm = this.normalise(merged, killed);
      if (patch.namespace !== undefined) await this.checkNamespace(tx, norm.namespace, exp.id);
      let phaseChange = false;
      if (exp.phase > 0) {
        const seed = (await tx.findOneByOrFail(ExperimentPhaseEntity, { experimentId: exp.id, phase: exp.phase })).seed;
        const before = this.configOf(exp, seed);
        // A bandit's hash only decides enrolment (one range): its arms, weights and killed arms never move enrolled units.
        const after: AssignmentConfig = exp.type === 'bandit' ? { ...before, coverage: norm.coverage, namespace: norm.namespace } : { ...before, variants: norm.variants, coverage: norm.coverage, namespace: norm.namespace, killed };
        const variantsChanged = JSON.stringify(exp.variants.map((v) => v.key)) !== JSON.stringify(norm.variants.map((v) => v.key));
        if (variantsChanged || wouldReshuffle(before, after)) {
          if (!opts.newPhase) {
            throw new ExperimentError('RESHUFFLE_REQUIRES_NEW_PHASE', `this change to "${key}" would move units already enrolled in phase ${exp.phase}; ask for a new phase (newPhase: true) to re-randomise`, { phase: exp.phase });
          }
          phaseChange = true;
        } else if (opts.newPhase) {
          phaseChange = true;
        }
      }
      Object.assign(exp, {
        hypothesis: merged.hypothesis,
        variants: norm.variants,
        coverage: norm.coverage,
        namespace: norm.namespace?.name ?? null,
        namespaceStart: norm.namespace?.start ?? null,
        namespaceEnd: norm.namespace?.end ?? null,
        targeting: norm.targeting,
        forced: norm.forced,
        killed,
        sticky: merged.sticky,
        primaryMetric: merged.primaryMetric,
        secondaryMetrics: merged.secondaryMetrics,
        guardrailMetrics: merged.guardrailMetrics,
        plannedDays: merged.plannedDays,
        plannedSampleSize: merged.plannedSampleSize,
        bandit: norm.bandit,
        updatedAt: new Date(),
      });
      if (phaseChange) {
        await this.openPhase(tx, exp, opts.reason ?? 'allocation changed');
      } else if (exp.phase > 0) {
        await tx.update(ExperimentPhaseEntity, { experimentId: exp.id, phase: exp.phase }, { variants: norm.variants as never, coverage: norm.coverage });
        // A killed (or revived) bandit arm takes effect at once: a new epoch without (with) it.
        if (exp.type === 'bandit' && killedChanged) await this.refreshIn(tx, exp, `arms killed: ${killed.join(', ') || 'none'}`);
      }
      return tx.save(exp);
    });
    this.compiled.delete(key);
    return result;
  }

  async start(key: string): Promise<ExperimentEntity> {
    return this.transition(key, 'start', async (tx, exp) => {
      if (exp.phase === 0) await this.openPhase(tx, exp, 'started');
      exp.status = 'running';
      exp.startedAt ??= new Date();
    });
  }

  async pause(key: string): Promise<ExperimentEntity> {
    return this.transition(key, 'pause', async (_tx, exp) => {
      exp.status = 'paused';
    });
  }

  async stop(key: string): Promise<ExperimentEntity> {
    return this.transition(key, 'stop', async (tx, exp) => {
      exp.status = 'stopped';
      exp.stoppedAt = new Date();
      await tx.update(ExperimentPhaseEntity, { experimentId: exp.id, phase: exp.phase }, { endedAt: exp.stoppedAt });
    });
  }

  async conclude(key: string, decision: ExperimentDecision, opts: { variant?: string; note?: string } = {}): Promise<ExperimentEntity> {
    if (!['ship', 'rollback', 'inconclusive'].includes(decision)) throw new ExperimentError('INVALID_INPUT', `decision must be ship, rollback or inconclusive, got "${decision}"`);
    return this.transition(key, 'conclude', async (tx, exp) => {
      if (decision === 'ship') {
        if (!opts.variant) throw new ExperimentError('INVALID_INPUT', 'a "ship" decision names the variant to ship');
        if (!exp.variants.some((v) => v.key === opts.variant)) throw new ExperimentError('INVALID_INPUT', `variant "${opts.variant}" is not a variant of "${key}"`);
      }
      const now = new Date();
      if (exp.status !== 'stopped') {
        exp.stoppedAt = now;
        await tx.update(ExperimentPhaseEntity, { experimentId: exp.id, phase: exp.phase }, { endedAt: now });
      }
      exp.status = 'concluded';
      exp.decision = decision;
      exp.decisionVariant = decision === 'ship' ? opts.variant! : null;
      exp.decisionNote = opts.note ?? '';
      exp.concludedAt = now;
    });
  }

  /**
   * Moves the registry's `champion` alias to the shipped variant's model version, through the model's promotion
   * gate; the alias history records the experiment key and the decision note.
   */
  async promote(key: string, actor: string): Promise<{ experiment: ExperimentEntity; model: string; version: number; gateReason: string }> {
    const exp = await this.get(key);
    if (exp.status !== 'concluded' || exp.decision !== 'ship' || !exp.decisionVariant) {
      throw new ExperimentError('INVALID_TRANSITION', `experiment "${key}" must be concluded with a "ship" decision before its winner is promoted (status ${exp.status}, decision ${exp.decision ?? 'none'})`);
    }
    const variant = exp.variants.find((v) => v.key === exp.decisionVariant)!;
    if (!variant.modelRef) throw new ExperimentError('INVALID_INPUT', `variant "${variant.key}" serves a strategy config, not a registry model; nothing to promote`);
    const { model, version } = await this.registry.resolve(variant.modelRef);
    const moved = await this.registry.setAlias(model.name, 'champion', version.version, {
      actor,
      reason: `experiment ${key}: ship ${variant.key}${exp.decisionNote ? ` (${exp.decisionNote})` : ''}`,
      experimentKey: key,
      experimentConcluded: true,
    });
    exp.promotedVersion = `${model.name}/${version.version}`;
    exp.updatedAt = new Date();
    await this.db.getRepository(ExperimentEntity).update({ id: exp.id }, { promotedVersion: exp.promotedVersion, updatedAt: exp.updatedAt });
    return { experiment: exp, model: model.name, version: moved.version.version, gateReason: moved.gateReason };
  }

  async list(filter: { status?: string } = {}): Promise<ExperimentEntity[]> {
    return this.db.getRepository(ExperimentEntity).find({ where: filter.status ? { status: filter.status as ExperimentStatus } : {}, order: { id: 'DESC' } });
  }

  async get(key: string): Promise<ExperimentEntity> {
    const exp = await this.db.getRepository(ExperimentEntity).findOne({ where: { key } });
    if (!exp) throw new ExperimentError('NOT_FOUND', `experiment "${key}" does not exist`);
    return exp;
  }

  async phases(experimentId: string): Promise<ExperimentPhaseEntity[]> {
    return this.db.getRepository(ExperimentPhaseEntity).find({ where: { experimentId }, order: { phase: 'ASC' } });
  }

  // ---------- assignment ----------

  /**
   * The variant of a unit. Pure hashing on a cached compiled config (refreshed every second and on local writes);
   * with `sticky`, the first enrolled assignment is persisted and kept across later phases.
   */
  async assignment(key: string, unitId: string, attributes?: Record<string, unknown>): Promise<AssignmentView> {
    const { exp, c } = await this.compiledFor(key);
    const base = { experimentKey: key, phase: exp.phase, status: exp.status };
    if (exp.status !== 'running') return { ...base, inExperiment: false, variant: null, serve: exp.variants[0]!.key, bucket: -1, reason: 'not_running' };
    if (exp.type === 'bandit') return { ...base, ...this.banditAssign(await this.compiledFor(key), unitId, attributes) };
    if (exp.sticky) {
      const rows: Array<{ variant: string; phase: number }> = await this.db.query(`SELECT variant, phase FROM experiment_assignments WHERE experiment_id = $1 AND unit_id = $2`, [exp.id, unitId]);
      const kept = rows[0];
      if (kept && !exp.killed.includes(kept.variant) && exp.variants.some((v) => v.key === kept.variant)) {
        return { ...base, inExperiment: true, variant: kept.variant, serve: kept.variant, bucket: -1, reason: 'sticky' };
      }
    }
    const a = assignCompiled(c, unitId, attributes);
    if (exp.sticky && a.inExperiment && a.variant) {
      await this.db.query(
        `INSERT INTO experiment_assignments (experiment_id, unit_id, phase, variant) VALUES ($1, $2, $3, $4)
         ON CONFLICT (experiment_id, unit_id) DO UPDATE SET variant = EXCLUDED.variant, phase = EXCLUDED.phase, assigned_at = clock_timestamp()`,
        [exp.id, unitId, exp.phase, a.variant],
      );
    }
    return { ...base, ...a };
  }

  /**
   * For serving paths (alerts' `rankedJobs`, the recommend API): the running experiment this unit is enrolled in, with
   * its variant's model reference or strategy, or null (serve the default model). Running experiments are checked
   * oldest first; experiments that must not share units take disjoint ranges of one namespace.
   */
  async servingAssignment(unitId: string, attributes?: Record<string, unknown>): Promise<{ experimentKey: string; type: ExperimentType; variant: string; phase: number; modelRef: string | null; strategy: StoredVariant['strategy']; propensity: number | null; allocationEpoch: number | null } | null> {
    if (!this.running || Date.now() - this.running.at > ASSIGN_CACHE_MS) {
      const rows = await this.db.getRepository(ExperimentEntity).find({ select: { key: true }, where: { status: 'running' }, order: { id: 'ASC' } });
      this.running = { at: Date.now(), keys: rows.map((r) => r.key) };
    }
    for (const key of this.running.keys) {
      const a = await this.assignment(key, unitId, attributes).catch(() => null);
      if (!a?.inExperiment || !a.variant || a.status !== 'running') continue;
      const { exp } = await this.compiledFor(key);
      const v = exp.variants.find((x) => x.key === a.variant)!;
      // type 'interleaving': rank with every variant and serve composeInterleaved(...) instead of this variant alone
      // type 'bandit': the variant was drawn from the current allocation epoch; pass allocationEpoch to logRanking
      return { experimentKey: key, type: exp.type, variant: a.variant, phase: a.phase, modelRef: v.modelRef ?? null, strategy: v.strategy ?? null, propensity: a.propensity ?? null, allocationEpoch: a.allocationEpoch ?? null };
    }
    return null;
  }

  /** The compiled assignment of a running experiment, for library callers that assign many units at once. */
  async compiledFor(key: string): Promise<CompiledEntry> {
    const hit = this.compiled.get(key);
    if (hit && Date.now() - hit.at < ASSIGN_CACHE_MS) return hit;
    const exp = await this.get(key);
    const seed = exp.phase > 0 ? (await this.db.getRepository(ExperimentPhaseEntity).findOneByOrFail({ experimentId: exp.id, phase: exp.phase })).seed : `${exp.key}:0`;
    let allocation: CompiledEntry['allocation'] = null;
    if (exp.type === 'bandit' && exp.phase > 0) {
      const rows: Array<{ epoch: number; arms: ArmAllocation[]; computed_at: Date }> = await this.db.query(
        `SELECT epoch, arms, computed_at FROM experiment_allocations WHERE experiment_id = $1 AND phase = $2 ORDER BY epoch DESC LIMIT 1`,
        [exp.id, exp.phase],
      );
      if (rows[0]) allocation = { epoch: rows[0].epoch, arms: rows[0].arms, computedAt: new Date(rows[0].computed_at) };
    }
    const entry: CompiledEntry = { at: Date.now(), exp, c: compileAssignment(this.configOf(exp, seed)), seed, allocation };
    this.compiled.set(key, entry);
    return entry;
  }

  // ---------- exposure and outcome logging ----------

  /**
   * Logs one served ranked list under an experiment. Returns at once with the ranking id; rankings are batched
   * to the `experiments` queue (flushed every `flushMs` or `batchSize` rankings, and on shutdown) and written
   * by the worker, deduplicated by ranking id.
   */
  async logRanking(r: ServedRanking): Promise<{ rankingId: string; variant: string; phase: number; propensity: number | null; allocationEpoch: number | null }> {
    if (r.jobIds.length === 0 || r.jobIds.length > 1000) throw new ExperimentError('INVALID_INPUT', 'a ranking has 1 to 1000 items');
    if (r.scores.length !== r.jobIds.length) throw new ExperimentError('INVALID_INPUT', `${r.jobIds.length} jobs but ${r.scores.length} scores`);
    if (r.jobIds.some((j) => !/^\d{1,18}$/.test(j))) throw new ExperimentError('INVALID_INPUT', 'job ids are numeric');
    const entry = await this.compiledFor(r.experimentKey);
    const { exp } = entry;
    if (exp.status !== 'running') throw new ExperimentError('INVALID_TRANSITION', `experiment "${exp.key}" is ${exp.status}; only running experiments log exposures`);
    let variant: string | null;
    let propensity: number | null = null;
    let allocationEpoch: number | null = null;
    if (exp.type === 'bandit') {
      if (r.teams) throw new ExperimentError('INVALID_INPUT', `teams are for interleaving experiments; "${exp.key}" is a bandit experiment`);
      let drawn: Drawn;
      if (r.allocationEpoch !== undefined && r.allocationEpoch !== null) {
        const arms = await this.allocationArms(exp, r.allocationEpoch);
        drawn = this.drawAt(exp, entry.seed, r.allocationEpoch, arms, r.unitId, -1);
      } else {
        drawn = await this.assignment(r.experimentKey, r.unitId);
      }
      if (drawn.reason === 'forced') {
        variant = drawn.variant!; // QA lists: logged without a propensity, left out of allocation and OPE
      } else {
        if (!drawn.variant) throw new ExperimentError('INVALID_INPUT', `unit ${r.unitId} is not enrolled in "${exp.key}"; serve it outside the experiment`);
        if (r.variant !== undefined && r.variant !== drawn.variant) {
          throw new ExperimentError('INVALID_INPUT', `bandit "${exp.key}" drew "${drawn.variant}" for unit ${r.unitId} in epoch ${drawn.allocationEpoch}; a list of "${r.variant}" has no known serving probability (log the variant servingAssignment gave, with its allocationEpoch)`, { drawn: drawn.variant, epoch: drawn.allocationEpoch });
        }
        variant = drawn.variant;
        propensity = drawn.propensity ?? null;
        allocationEpoch = drawn.allocationEpoch ?? null;
      }
    } else if (exp.type === 'interleaving') {
      if (!r.teams || r.teams.length !== r.jobIds.length) throw new ExperimentError('INVALID_INPUT', `"${exp.key}" is an interleaving experiment: give the team (variant) of each of the ${r.jobIds.length} positions (or use composeInterleaved)`);
      const bad = r.teams.find((t) => !exp.variants.some((v) => v.key === t));
      if (bad !== undefined) throw new ExperimentError('INVALID_INPUT', `team "${bad}" is not a variant of "${exp.key}"`);
      if (r.variant !== undefined && r.variant !== INTERLEAVED_VARIANT) throw new ExperimentError('INVALID_INPUT', `an interleaved list has no single variant (got "${r.variant}")`);
      variant = INTERLEAVED_VARIANT;
    } else {
      if (r.teams) throw new ExperimentError('INVALID_INPUT', `teams are for interleaving experiments; "${exp.key}" is an A/B experiment`);
      if (r.allocationEpoch !== undefined && r.allocationEpoch !== null) throw new ExperimentError('INVALID_INPUT', `allocationEpoch is for bandit experiments; "${exp.key}" is an A/B experiment`);
      variant = r.variant ?? (await this.assignment(r.experimentKey, r.unitId)).variant;
      if (!variant) throw new ExperimentError('INVALID_INPUT', `unit ${r.unitId} is not enrolled in "${exp.key}"; serve it outside the experiment`);
      if (!exp.variants.some((v) => v.key === variant)) throw new ExperimentError('INVALID_INPUT', `variant "${variant}" is not a variant of "${exp.key}"`);
    }
    const event: RankingEvent = {
      rankingId: r.rankingId ?? randomUUID(),
      experimentId: exp.id,
      phase: exp.phase,
      unitId: r.unitId,
      variant,
      modelVersion: r.modelVersion ?? exp.variants.find((v) => v.key === variant)?.modelRef ?? null,
      servedAt: (r.servedAt ?? new Date()).toISOString(),
      jobIds: r.jobIds,
      scores: r.scores,
      ...(r.teams ? { teams: r.teams } : {}),
      ...(propensity !== null ? { propensity, allocationEpoch } : {}),
    };
    this.buffer.push(event);
    this.metrics?.experimentExposures.inc({ experiment: exp.key, variant });
    if (this.buffer.length >= this.batchSize) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
    return { rankingId: event.rankingId, variant, phase: exp.phase, propensity, allocationEpoch };
  }

  /**
   * Serving path of an interleaving experiment: team-draft interleaves (2 variants) or multileaves (3–4) the variants'
   * rankings into at most `k` items and logs the list with the team of every position. The draft order is seeded by
   * murmur3(phase seed : unit : ranking id), or the UTC day of `servedAt` when no ranking id is given, so the same
   * inputs give the same list. A unit outside the experiment (coverage, targeting, holdout) gets the control
   * ranking's top k, not logged.
   */
  async composeInterleaved(experimentKey: string, unitId: string, rankingsByVariant: Record<string, string[]>, k: number, opts: { rankingId?: string; servedAt?: Date; attributes?: Record<string, unknown> } = {}): Promise<ComposedInterleaving> {
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new ExperimentError('INVALID_INPUT', `k must be an integer from 1 to 1000, got ${k}`);
    const { exp, seed: phaseSeed } = await this.compiledFor(experimentKey);
    if (exp.type !== 'interleaving') throw new ExperimentError('INVALID_INPUT', `"${exp.key}" is ${exp.type === 'bandit' ? 'a bandit' : 'an A/B'} experiment; composeInterleaved needs an interleaving experiment`);
    const keys = exp.variants.map((v) => v.key);
    const missing = keys.filter((v) => !Array.isArray(rankingsByVariant[v]));
    const extra = Object.keys(rankingsByVariant).filter((v) => !keys.includes(v));
    if (missing.length || extra.length) throw new ExperimentError('INVALID_INPUT', `give one ranking per variant of "${exp.key}" (${keys.join(', ')})${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; not variants: ${extra.join(', ')}` : ''}`);
    for (const v of keys) if (rankingsByVariant[v]!.some((j) => !/^\d{1,18}$/.test(j))) throw new ExperimentError('INVALID_INPUT', `variant "${v}": job ids are numeric`);
    const a = await this.assignment(experimentKey, unitId, opts.attributes);
    if (!a.inExperiment) {
      const control = rankingsByVariant[keys[0]!]!.slice(0, k);
      return { experimentKey, unitId, inExperiment: false, rankingId: null, phase: exp.phase, items: control.map((jobId, position) => ({ jobId, team: keys[0]!, position })) };
    }
    const servedAt = opts.servedAt ?? new Date();
    const rankingId = opts.rankingId ?? randomUUID();
    const seed = interleavingSeed(phaseSeed, unitId, opts.rankingId ?? servedAt.toISOString().slice(0, 10));
    const list = composeInterleavedList(keys, rankingsByVariant, k, seed);
    if (list.jobIds.length === 0) throw new ExperimentError('INVALID_INPUT', 'every ranking is empty; nothing to serve');
    await this.logRanking({ experimentKey, unitId, jobIds: list.jobIds, scores: list.jobIds.map((_, p) => 1 / (p + 1)), teams: list.teams, rankingId, servedAt, modelVersion: null });
    return { experimentKey, unitId, inExperiment: true, rankingId, phase: exp.phase, items: list.jobIds.map((jobId, position) => ({ jobId, team: list.teams[position]!, position })) };
  }

  /** Sends buffered rankings to the queue; resolves when everything buffered so far is enqueued. */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      const send = async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            await this.queue.add('exposures', { rankings: batch }, { jobId: `exp-${batch[0]!.rankingId}`, attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: 7 * 86400 } });
            return;
          } catch (err) {
            if (attempt >= 5) {
              this.logger.error(`lost ${batch.length} rankings: the queue refused them: ${(err as Error).message}`);
              return;
            }
            await new Promise((r) => setTimeout(r, 100 * attempt));
          }
        }
      };
      this.flushing = this.flushing.then(send);
    }
    return this.flushing;
  }

  /** The worker's side: writes a batch in one transaction, ignoring rankings already written. */
  async writeRankingBatch(events: RankingEvent[]): Promise<{ inserted: number; duplicates: number; items: number }> {
    return this.db.transaction((tx) => writeRankings((sql, params) => tx.query(sql, params).then((rows: Array<Record<string, unknown>>) => ({ rows })), events));
  }

  /**
   * Interactions attributed to logged rankings, written to the market's interactions table with the ranking id,
   * experiment, variant and position. All or nothing: an unknown ranking or a job not in the ranking refuses the batch.
   * Repeated event ids are ignored.
   */
  async recordInteractions(events: InteractionEvent[]): Promise<{ recorded: number; duplicates: number }> {
    if (events.length === 0) return { recorded: 0, duplicates: 0 };
    if (events.length > 10_000) throw new ExperimentError('INVALID_INPUT', 'at most 10,000 interactions per call');
    for (const e of events) {
      if (!(INTERACTION_TYPES as readonly string[]).includes(e.type)) throw new ExperimentError('INVALID_INPUT', `interaction type "${e.type}" is not one of ${INTERACTION_TYPES.join(', ')}`);
      if (!e.eventId || e.eventId.length > 100) throw new ExperimentError('INVALID_INPUT', 'event ids are 1 to 100 characters');
    }
    return this.db.transaction(async (tx) => {
      const rankingIds = [...new Set(events.map((e) => e.rankingId))];
      const found: Array<{ ranking_id: string; unit_id: string; variant: string; key: string; unit: string; position: number | null; job_id: string | null; team: string | null }> = await tx.query(
        `SELECT r.ranking_id, r.unit_id, r.variant, e.key, e.unit, x.position, x.job_id::text AS job_id, x.team
         FROM experiment_rankings r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN experiment_exposures x ON x.ranking_seq = r.seq
         WHERE r.ranking_id = ANY($1::varchar[])`,
        [rankingIds],
      );
      const byRanking = new Map<string, typeof found>();
      for (const row of found) byRanking.set(row.ranking_id, [...(byRanking.get(row.ranking_id) ?? []), row]);
      const unknown = rankingIds.filter((id) => !byRanking.has(id));
      if (unknown.length) throw new ExperimentError('UNKNOWN_RANKING', `unknown ranking id ${unknown.slice(0, 5).map((u) => `"${u}"`).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} (rankings are known once their exposure batch is written)`, { rankingIds: unknown.slice(0, 50) });
      const rows = events.map((e) => {
        const items = byRanking.get(e.rankingId)!;
        const item = items.find((i) => i.job_id === e.jobId);
        if (!item) throw new ExperimentError('INVALID_INPUT', `job ${e.jobId} was not in ranking "${e.rankingId}"`);
        if (items[0]!.unit !== 'candidate' || !/^\d+$/.test(items[0]!.unit_id)) throw new ExperimentError('INVALID_INPUT', `ranking "${e.rankingId}" is for unit "${items[0]!.unit_id}", not a candidate id`);
        return { e, item };
      });
      const inserted: unknown[] = await tx.query(
        `INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at, ranking_id, experiment_key, variant, position, source)
         SELECT *, 'experiment' FROM unnest($1::varchar[], $2::bigint[], $3::bigint[], $4::varchar[], $5::timestamptz[], $6::varchar[], $7::varchar[], $8::varchar[], $9::int[])
         ON CONFLICT (event_id) DO NOTHING RETURNING id`,
        [
          rows.map((r) => r.e.eventId),
          rows.map((r) => r.item.unit_id),
          rows.map((r) => r.e.jobId),
          rows.map((r) => r.e.type),
          rows.map((r) => (r.e.occurredAt ?? new Date()).toISOString()),
          rows.map((r) => r.e.rankingId),
          rows.map((r) => r.item.key),
          rows.map((r) => r.item.team ?? r.item.variant),
          rows.map((r) => r.item.position),
        ],
      );
      return { recorded: inserted.length, duplicates: events.length - inserted.length };
    });
  }

  /** Per-variant counts and simple rates over every phase (or one). */
  async results(key: string, phase?: number): Promise<{ experiment: ExperimentEntity; variants: VariantResult[] }> {
    const exp = await this.get(key);
    // Interleaved lists: a variant's units and rankings are those its team appears in, its items the positions it
    // contributed, its interactions those on its items (recorded with the team as variant).
    const ctes = exp.type === 'interleaving'
      ? `WITH r AS (SELECT ranking_id, seq, unit_id FROM experiment_rankings WHERE experiment_id = $1 AND ($2::int IS NULL OR phase = $2)),
              x AS (SELECT x.ranking_seq, r.unit_id, x.team AS variant FROM experiment_exposures x JOIN r ON r.seq = x.ranking_seq),
              i AS (SELECT it.variant, r.unit_id, it.type FROM interactions it JOIN r ON r.ranking_id = it.ranking_id)
         SELECT v.variant,
                (SELECT count(DISTINCT unit_id) FROM x WHERE x.variant = v.variant) AS units,
                (SELECT count(DISTINCT ranking_seq) FROM x WHERE x.variant = v.variant) AS rankings,
                (SELECT count(*) FROM x WHERE x.variant = v.variant) AS items,`
      : `WITH r AS (SELECT ranking_id, seq, unit_id, variant FROM experiment_rankings WHERE experiment_id = $1 AND ($2::int IS NULL OR phase = $2)),
            i AS (SELECT r.variant, r.unit_id, it.type FROM interactions it JOIN r ON r.ranking_id = it.ranking_id)
       SELECT v.variant,
              (SELECT count(DISTINCT unit_id) FROM r WHERE r.variant = v.variant) AS units,
              (SELECT count(*) FROM r WHERE r.variant = v.variant) AS rankings,
              (SELECT count(*) FROM experiment_exposures x JOIN r ON r.seq = x.ranking_seq WHERE r.variant = v.variant) AS items,`;
    const rows: Array<Record<string, string>> = await this.db.query(
      `${ctes}
              (SELECT count(*) FILTER (WHERE type = 'impression') FROM i WHERE i.variant = v.variant) AS impressions,
              (SELECT count(*) FILTER (WHERE type = 'click') FROM i WHERE i.variant = v.variant) AS clicks,
              (SELECT count(*) FILTER (WHERE type = 'save') FROM i WHERE i.variant = v.variant) AS saves,
              (SELECT count(*) FILTER (WHERE type = 'apply') FROM i WHERE i.variant = v.variant) AS applies,
              (SELECT count(*) FILTER (WHERE type = 'dismiss') FROM i WHERE i.variant = v.variant) AS dismisses,
              (SELECT count(DISTINCT unit_id) FILTER (WHERE type = 'click') FROM i WHERE i.variant = v.variant) AS units_with_click,
              (SELECT count(DISTINCT unit_id) FILTER (WHERE type = 'apply') FROM i WHERE i.variant = v.variant) AS units_with_apply
       FROM unnest($3::varchar[]) AS v(variant)`,
      [exp.id, phase ?? null, exp.variants.map((v) => v.key)],
    );
    const roles: Array<[string, 'primary' | 'secondary' | 'guardrail']> = [[exp.primaryMetric, 'primary'], ...exp.secondaryMetrics.map((m) => [m, 'secondary'] as [string, 'secondary']), ...exp.guardrailMetrics.map((m) => [m, 'guardrail'] as [string, 'guardrail'])];
    const variants = rows.map((r) => {
      const c: VariantCounts = {
        variant: r['variant']!,
        units: Number(r['units']),
        rankings: Number(r['rankings']),
        items: Number(r['items']),
        impressions: Number(r['impressions']),
        clicks: Number(r['clicks']),
        saves: Number(r['saves']),
        applies: Number(r['applies']),
        dismisses: Number(r['dismisses']),
        unitsWithClick: Number(r['units_with_click']),
        unitsWithApply: Number(r['units_with_apply']),
      };
      return { ...c, metrics: roles.map(([metric, role]) => ({ metric, role, value: metricValue(metric as ExperimentMetric, c) })) };
    });
    return { experiment: exp, variants };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  // ---------- helpers ----------

  private configOf(exp: ExperimentEntity, seed: string): AssignmentConfig {
    // A bandit hashes only for enrolment (coverage, namespace, targeting, holdout): one range for the whole experiment;
    // the arm is drawn afterwards from the allocation epoch, so weights and killed arms never move enrolled units.
    const bandit = exp.type === 'bandit';
    return {
      key: exp.key,
      seed,
      variants: bandit ? [{ key: BANDIT_ENROLLED, weight: 1 }] : exp.variants.map((v) => ({ key: v.key, weight: v.weight })),
      coverage: exp.coverage,
      namespace: exp.namespace ? { name: exp.namespace, start: exp.namespaceStart!, end: exp.namespaceEnd! } : null,
      killed: bandit ? [] : exp.killed,
      forced: exp.forced,
      targeting: exp.targeting,
      holdout: this.globalHoldout > 0 ? { seed: 'global', share: this.globalHoldout } : null,
    };
  }

  private normalise(def: ExperimentDefinition, killed: string[] = []) {
    const type = def.type ?? 'ab';
    if (!EXPERIMENT_TYPES.includes(type)) throw new ExperimentError('INVALID_INPUT', `experiment type must be ${EXPERIMENT_TYPES.join(' or ')}, got "${String(type)}"`);
    if (type === 'interleaving' && (def.variants.length < 2 || def.variants.length > 4)) {
      throw new ExperimentError('INVALID_INPUT', `an interleaving experiment interleaves 2 variants (team draft) or up to 4 (multileaving), got ${def.variants.length}`, { variants: def.variants.length });
    }
    const variants = def.variants.map((v) => ({ key: v.key, weight: v.weight, modelRef: v.modelRef ?? null, strategy: v.strategy ?? null, ...(v.description ? { description: v.description } : {}) }));
    const coverage = def.coverage ?? 1;
    const namespace = def.namespace ?? null;
    const problem = checkAssignmentConfig({ variants, coverage, namespace, killed });
    if (problem) throw new ExperimentError(problem.code, problem.message);
    for (const v of variants) {
      if (v.modelRef) {
        try {
          parseModelRef(v.modelRef);
        } catch (err) {
          throw new ExperimentError('INVALID_INPUT', `variant "${v.key}": ${(err as Error).message}`);
        }
      } else if (!v.strategy?.name) {
        throw new ExperimentError('INVALID_INPUT', `variant "${v.key}" needs a modelRef (e.g. jobs-als@challenger) or a strategy config`);
      }
    }
    for (const m of [def.primaryMetric, ...(def.secondaryMetrics ?? []), ...(def.guardrailMetrics ?? [])]) {
      if (!(METRIC_NAMES as string[]).includes(m)) throw new ExperimentError('UNKNOWN_METRIC', `unknown metric "${m}"; known: ${METRIC_NAMES.join(', ')}`, { metric: m });
    }
    let bandit: BanditConfig | null = null;
    if (type === 'bandit') {
      if (def.sticky) throw new ExperimentError('INVALID_INPUT', 'a bandit experiment cannot be sticky: units are drawn afresh in every allocation epoch (the logged propensity is what off-policy evaluation needs)');
      const checked = checkBanditConfig(def.bandit, variants.length - killed.length);
      if (isBanditProblem(checked)) throw new ExperimentError(checked.code, checked.message, checked.details);
      bandit = checked;
    } else if (def.bandit) {
      throw new ExperimentError('INVALID_INPUT', `bandit settings are for bandit experiments; this one is of type "${type}"`);
    }
    const targeting = def.targeting ?? [];
    for (const t of targeting) {
      if (!t.attribute || !(TARGETING_OPS as readonly string[]).includes(t.op)) throw new ExperimentError('INVALID_INPUT', `targeting rule ${JSON.stringify(t)} needs an attribute and an op among ${TARGETING_OPS.join(', ')}`);
    }
    matchesTargeting(targeting, {});
    const forced = def.forced ?? {};
    for (const [unit, v] of Object.entries(forced)) {
      if (!variants.some((x) => x.key === v)) throw new ExperimentError('INVALID_INPUT', `forced variant "${v}" for unit ${unit} is not a variant`);
    }
    return { type, variants, coverage, namespace, targeting, forced, bandit };
  }

  private async checkNamespace(tx: EntityManager, ns: { name: string; start: number; end: number } | null, selfId: string | null): Promise<void> {
    if (!ns) return;
    const others: Array<{ key: string; namespace_start: number; namespace_end: number }> = await tx.query(
      `SELECT key, namespace_start, namespace_end FROM experiments WHERE namespace = $1 AND status <> 'concluded' AND ($2::bigint IS NULL OR id <> $2) FOR UPDATE`,
      [ns.name, selfId],
    );
    for (const o of others) {
      if (overlappingRanges([ns, { start: o.namespace_start, end: o.namespace_end }]).length) {
        throw new ExperimentError('NAMESPACE_OVERLAP', `buckets [${ns.start}, ${ns.end}) of namespace "${ns.name}" overlap experiment "${o.key}" [${o.namespace_start}, ${o.namespace_end})`, { other: o.key });
      }
    }
  }

  private async openPhase(tx: EntityManager, exp: ExperimentEntity, reason: string): Promise<void> {
    const now = new Date();
    if (exp.phase > 0) await tx.update(ExperimentPhaseEntity, { experimentId: exp.id, phase: exp.phase }, { endedAt: now });
    exp.phase += 1;
    const seed = `${exp.key}:${exp.phase}:${randomUUID().slice(0, 8)}`;
    await tx.insert(ExperimentPhaseEntity, { experimentId: exp.id, phase: exp.phase, seed, variants: exp.variants as never, coverage: exp.coverage, reason, startedAt: now, endedAt: null });
    if (exp.type === 'bandit') {
      // Epoch 0: the configured weights, floored; no data yet.
      const arms = computeAllocation({ variants: exp.variants.map((v) => v.key), killed: exp.killed, counts: {}, floor: exp.bandit!.explorationFloor, samples: exp.bandit!.samples, seed: thompsonSeed(seed, 0), initialWeights: exp.variants.map((v) => v.weight) });
      await tx.query(`INSERT INTO experiment_allocations (experiment_id, phase, epoch, arms, reason) VALUES ($1, $2, 0, $3::jsonb, $4)`, [exp.id, exp.phase, JSON.stringify(arms), 'initial weights']);
    }
  }

  // ---------- bandits ----------

  /** A bandit unit's arm: enrolment by the experiment's hash, then the arm drawn from the latest allocation epoch. */
  private banditAssign(entry: CompiledEntry, unitId: string, attributes?: Record<string, unknown>): Drawn {
    const { exp, c, seed, allocation } = entry;
    const control = exp.variants[0]!.key;
    const a = assignCompiled(c, unitId, attributes);
    if (a.reason === 'forced') return { ...a, propensity: null, allocationEpoch: null };
    if (!a.inExperiment) return { ...a, variant: null, serve: control, propensity: null, allocationEpoch: null };
    if (!allocation) return { inExperiment: false, variant: null, serve: control, bucket: a.bucket, reason: 'not_running', propensity: null, allocationEpoch: null };
    return this.drawAt(exp, seed, allocation.epoch, allocation.arms, unitId, a.bucket);
  }

  private drawAt(exp: ExperimentEntity, phaseSeed: string, epoch: number, arms: ArmAllocation[], unitId: string, bucket: number): Drawn {
    const probabilities = exp.variants.map((v) => arms.find((x) => x.variant === v.key)?.probability ?? 0);
    const i = pickArm(probabilities, banditUnitDraw(phaseSeed, epoch, unitId));
    const variant = exp.variants[i]!.key;
    if (exp.killed.includes(variant)) return { inExperiment: false, variant: null, serve: exp.variants[0]!.key, bucket, reason: 'killed', propensity: null, allocationEpoch: epoch };
    return { inExperiment: true, variant, serve: variant, bucket, reason: 'assigned', propensity: probabilities[i]!, allocationEpoch: epoch };
  }

  private async allocationArms(exp: ExperimentEntity, epoch: number): Promise<ArmAllocation[]> {
    const cacheKey = `${exp.id}:${exp.phase}:${epoch}`;
    const hit = this.epochs.get(cacheKey);
    if (hit) return hit;
    const rows: Array<{ arms: ArmAllocation[] }> = await this.db.query(`SELECT arms FROM experiment_allocations WHERE experiment_id = $1 AND phase = $2 AND epoch = $3`, [exp.id, exp.phase, epoch]);
    if (!rows[0]) throw new ExperimentError('INVALID_INPUT', `experiment "${exp.key}" has no allocation epoch ${epoch} in phase ${exp.phase}`, { epoch });
    if (this.epochs.size >= 1000) this.epochs.delete(this.epochs.keys().next().value!);
    this.epochs.set(cacheKey, rows[0].arms);
    return rows[0].arms;
  }

  /** Recomputes a running bandit's allocation from its logged lists and rewards: a new epoch. */
  async refreshAllocation(key: string, reason = 'refresh'): Promise<BanditAllocation> {
    const out = await this.db.transaction(async (tx) => {
      const exp = await this.locked(tx, key);
      if (exp.type !== 'bandit') throw new ExperimentError('INVALID_INPUT', `"${key}" is not a bandit experiment (type ${exp.type})`);
      if (exp.status !== 'running' && exp.status !== 'paused') throw new ExperimentError('INVALID_TRANSITION', `bandit "${key}" is ${exp.status}; only running or paused bandits are reallocated`, { status: exp.status });
      return this.refreshIn(tx, exp, reason);
    });
    this.compiled.delete(key);
    return out;
  }

  /** The worker's periodic job: refreshes every running bandit whose latest epoch is older than its refreshMinutes. */
  async refreshDueBandits(): Promise<{ refreshed: string[]; failed: string[] }> {
    const due: Array<{ key: string }> = await this.db.query(
      `SELECT e.key FROM experiments e
       WHERE e.type = 'bandit' AND e.status = 'running' AND e.phase > 0
         AND COALESCE((SELECT a.computed_at FROM experiment_allocations a WHERE a.experiment_id = e.id AND a.phase = e.phase ORDER BY a.epoch DESC LIMIT 1), '-infinity'::timestamptz)
             <= clock_timestamp() - make_interval(mins => (e.bandit->>'refreshMinutes')::int)
       ORDER BY e.id`,
    );
    const refreshed: string[] = [], failed: string[] = [];
    for (const { key } of due) {
      try {
        await this.refreshAllocation(key, 'scheduled refresh');
        refreshed.push(key);
      } catch (err) {
        failed.push(key);
        this.logger.warn(`bandit allocation of "${key}" not refreshed: ${(err as Error).message}`);
      }
    }
    return { refreshed, failed };
  }

  private async refreshIn(tx: EntityManager, exp: ExperimentEntity, reason: string): Promise<BanditAllocation> {
    const cfg = exp.bandit!;
    const seed = (await tx.findOneByOrFail(ExperimentPhaseEntity, { experimentId: exp.id, phase: exp.phase })).seed;
    const counts: Array<{ variant: string; trials: number; successes: number }> = await tx.query(
      `SELECT r.variant, count(*)::int AS trials,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM interactions it WHERE it.ranking_id = r.ranking_id AND it.type = $3))::int AS successes
       FROM experiment_rankings r WHERE r.experiment_id = $1 AND r.phase = $2 AND r.propensity IS NOT NULL GROUP BY r.variant`,
      [exp.id, exp.phase, cfg.reward],
    );
    const last: Array<{ epoch: number | null }> = await tx.query(`SELECT max(epoch) AS epoch FROM experiment_allocations WHERE experiment_id = $1 AND phase = $2`, [exp.id, exp.phase]);
    const epoch = (last[0]?.epoch ?? -1) + 1;
    const byVariant: Record<string, ArmCounts> = Object.fromEntries(counts.map((c) => [c.variant, { trials: c.trials, successes: c.successes }]));
    const arms = computeAllocation({ variants: exp.variants.map((v) => v.key), killed: exp.killed, counts: byVariant, floor: cfg.explorationFloor, samples: cfg.samples, seed: thompsonSeed(seed, epoch) });
    const rows: Array<{ computed_at: Date }> = await tx.query(
      `INSERT INTO experiment_allocations (experiment_id, phase, epoch, arms, reason) VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING computed_at`,
      [exp.id, exp.phase, epoch, JSON.stringify(arms), reason],
    );
    return { experimentKey: exp.key, phase: exp.phase, epoch, reason, computedAt: new Date(rows[0]!.computed_at), arms };
  }

  /** Allocation epochs of a bandit's phase (default: the current one), newest first. */
  async allocations(key: string, phase?: number, limit = 100): Promise<BanditAllocation[]> {
    const exp = await this.get(key);
    if (exp.type !== 'bandit') throw new ExperimentError('INVALID_INPUT', `"${key}" is not a bandit experiment (type ${exp.type})`);
    const rows: Array<{ phase: number; epoch: number; arms: ArmAllocation[]; reason: string; computed_at: Date }> = await this.db.query(
      `SELECT phase, epoch, arms, reason, computed_at FROM experiment_allocations WHERE experiment_id = $1 AND phase = $2 ORDER BY epoch DESC LIMIT $3`,
      [exp.id, phase ?? exp.phase, Math.min(Math.max(1, limit), 1000)],
    );
    return rows.map((r) => ({ experimentKey: key, phase: r.phase, epoch: r.epoch, reason: r.reason, computedAt: new Date(r.computed_at), arms: r.arms }));
  }

  /**
   * Off-policy estimate of a target policy's reward rate (per served list) from a bandit's logged lists (those with a
   * propensity; all phases or one): IPS and SNIPS with cluster-robust (per unit) normal intervals, and optionally a
   * seeded cluster bootstrap. Target: one variant (π = 1{logged arm = target}) or a distribution over variants.
   */
  async offPolicy(key: string, target: { variant?: string; allocation?: Record<string, number> }, opts: { phase?: number; reward?: string; clip?: number | null; alpha?: number; bootstrap?: number } = {}): Promise<OffPolicyReport> {
    const exp = await this.get(key);
    if (exp.type !== 'bandit') throw new ExperimentError('INVALID_INPUT', `off-policy estimates need logged serving probabilities; "${key}" is of type ${exp.type}, not a bandit`);
    const keys = exp.variants.map((v) => v.key);
    if ((target.variant === undefined) === (target.allocation === undefined)) throw new ExperimentError('INVALID_INPUT', 'give a target variant or a target allocation (not both)');
    if (target.variant !== undefined && !keys.includes(target.variant)) throw new ExperimentError('INVALID_INPUT', `"${target.variant}" is not a variant of "${key}" (${keys.join(', ')})`, { field: 'targetVariant' });
    for (const v of Object.keys(target.allocation ?? {})) if (!keys.includes(v)) throw new ExperimentError('INVALID_INPUT', `"${v}" is not a variant of "${key}" (${keys.join(', ')})`, { field: 'targetAllocation' });
    const reward = (opts.reward ?? exp.bandit?.reward ?? 'click') as BanditReward;
    if (!(BANDIT_REWARDS as readonly string[]).includes(reward)) throw new ExperimentError('INVALID_INPUT', `reward must be ${BANDIT_REWARDS.join(', ')}; got "${reward}"`, { field: 'reward' });
    const rows: Array<{ unit_id: string; variant: string; propensity: number; rewarded: boolean }> = await this.db.query(
      `SELECT r.unit_id, r.variant, r.propensity,
              EXISTS (SELECT 1 FROM interactions it WHERE it.ranking_id = r.ranking_id AND it.type = $3) AS rewarded
       FROM experiment_rankings r WHERE r.experiment_id = $1 AND ($2::int IS NULL OR r.phase = $2) AND r.propensity IS NOT NULL ORDER BY r.seq`,
      [exp.id, opts.phase ?? null, reward],
    );
    const actions = rows.map((r) => r.variant);
    const rewards: number[] = rows.map((r) => (r.rewarded ? 1 : 0));
    const result = offPolicyEstimate({
      rewards,
      propensities: rows.map((r) => Number(r.propensity)),
      targetProbabilities: armTargetProbabilities(actions, target.variant ?? target.allocation!),
      clusters: rows.map((r) => r.unit_id),
      clip: opts.clip ?? null,
      alpha: opts.alpha ?? 0.05,
      bootstrap: opts.bootstrap ? { resamples: opts.bootstrap, seed: murmur3_32(`ope:${key}`) } : null,
    });
    let servedRate: number | null = null;
    if (target.variant !== undefined) {
      const mine = rewards.filter((_, i) => actions[i] === target.variant);
      servedRate = mine.length ? mine.reduce((s, v) => s + v, 0) / mine.length : null;
    }
    return { ...result, experimentKey: key, phase: opts.phase ?? null, target: target.variant ?? JSON.stringify(target.allocation), reward, servedRate };
  }

  private async locked(tx: EntityManager, key: string): Promise<ExperimentEntity> {
    const exp = await tx.getRepository(ExperimentEntity).createQueryBuilder('e').setLock('pessimistic_write').where('e.key = :key', { key }).getOne();
    if (!exp) throw new ExperimentError('NOT_FOUND', `experiment "${key}" does not exist`);
    return exp;
  }

  private async transition(key: string, action: keyof typeof TRANSITIONS, apply: (tx: EntityManager, exp: ExperimentEntity) => Promise<void>): Promise<ExperimentEntity> {
    const result = await this.db.transaction(async (tx) => {
      const exp = await this.locked(tx, key);
      if (!TRANSITIONS[action]!.includes(exp.status)) {
        throw new ExperimentError('INVALID_TRANSITION', `cannot ${action} experiment "${key}": it is ${exp.status} (${action} applies to ${TRANSITIONS[action]!.join(' or ')})`, { status: exp.status });
      }
      await apply(tx, exp);
      exp.updatedAt = new Date();
      return tx.save(exp);
    });
    this.compiled.delete(key);
    this.running = null;
    return result;
  }
}
