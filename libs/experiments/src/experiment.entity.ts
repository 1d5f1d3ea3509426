import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { TargetingRule } from './assignment.js';
import type { ArmAllocation, BanditConfig } from './bandit.js';

export type ExperimentStatus = 'draft' | 'running' | 'paused' | 'stopped' | 'concluded';
export type ExperimentDecision = 'ship' | 'rollback' | 'inconclusive';

/** A variant as stored: its allocation weight and what it serves (a registry model reference or a strategy config). */
export interface StoredVariant {
  key: string;
  weight: number;
  /** `jobs-als@challenger` or `jobs-als/3`. */
  modelRef?: string | null;
  strategy?: { name: string; params?: Record<string, unknown> } | null;
  description?: string;
}

@Entity({ name: 'experiments' })
export class ExperimentEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'text' })
  hypothesis!: string;

  @Column({ type: 'varchar', length: 320 })
  owner!: string;

  @Column({ type: 'varchar', length: 40 })
  unit!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: ExperimentStatus;

  /** 'ab' (each unit sees one variant), 'interleaving' (each list interleaves 2–4 variants, team-draft) or 'bandit'
   *  (Thompson-sampling allocation among the variants, with an exploration floor). */
  @Column({ type: 'varchar', length: 16, default: 'ab' })
  type!: 'ab' | 'interleaving' | 'bandit';

  /** Bandit experiments: exploration floor, reward, refresh period, Monte Carlo draws; null otherwise. */
  @Column({ type: 'jsonb', nullable: true })
  bandit!: BanditConfig | null;

  @Column({ type: 'jsonb' })
  variants!: StoredVariant[];

  @Column({ type: 'double precision' })
  coverage!: number;

  @Column({ type: 'varchar', length: 100, nullable: true })
  namespace!: string | null;

  @Column({ name: 'namespace_start', type: 'integer', nullable: true })
  namespaceStart!: number | null;

  @Column({ name: 'namespace_end', type: 'integer', nullable: true })
  namespaceEnd!: number | null;

  @Column({ type: 'jsonb' })
  targeting!: TargetingRule[];

  @Column({ type: 'text', array: true })
  killed!: string[];

  @Column({ type: 'jsonb' })
  forced!: Record<string, string>;

  /** Keep a unit's variant across phases (assignments persisted on first exposure). */
  @Column({ type: 'boolean' })
  sticky!: boolean;

  @Column({ name: 'primary_metric', type: 'varchar', length: 64 })
  primaryMetric!: string;

  @Column({ name: 'secondary_metrics', type: 'text', array: true })
  secondaryMetrics!: string[];

  @Column({ name: 'guardrail_metrics', type: 'text', array: true })
  guardrailMetrics!: string[];

  @Column({ name: 'planned_days', type: 'integer', nullable: true })
  plannedDays!: number | null;

  @Column({ name: 'planned_sample_size', type: 'integer', nullable: true })
  plannedSampleSize!: number | null;

  /** Current phase number; 0 until started. */
  @Column({ type: 'integer' })
  phase!: number;

  @Column({ type: 'varchar', length: 20, nullable: true })
  decision!: ExperimentDecision | null;

  @Column({ name: 'decision_variant', type: 'varchar', length: 64, nullable: true })
  decisionVariant!: string | null;

  @Column({ name: 'decision_note', type: 'text', nullable: true })
  decisionNote!: string | null;

  /** `model/version` moved to champion by `promoteExperiment`. */
  @Column({ name: 'promoted_version', type: 'varchar', length: 140, nullable: true })
  promotedVersion!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true })
  stoppedAt!: Date | null;

  @Column({ name: 'concluded_at', type: 'timestamptz', nullable: true })
  concludedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'experiment_phases' })
export class ExperimentPhaseEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'bigint' })
  experimentId!: string;

  @PrimaryColumn({ type: 'integer' })
  phase!: number;

  @Column({ type: 'varchar', length: 200 })
  seed!: string;

  @Column({ type: 'jsonb' })
  variants!: StoredVariant[];

  @Column({ type: 'double precision' })
  coverage!: number;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}

@Entity({ name: 'experiment_assignments' })
export class ExperimentAssignmentEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'bigint' })
  experimentId!: string;

  @PrimaryColumn({ name: 'unit_id', type: 'varchar', length: 100 })
  unitId!: string;

  @Column({ type: 'integer' })
  phase!: number;

  @Column({ type: 'varchar', length: 64 })
  variant!: string;

  @Column({ name: 'assigned_at', type: 'timestamptz' })
  assignedAt!: Date;
}

@Entity({ name: 'experiment_rankings' })
export class ExperimentRankingEntity {
  @PrimaryColumn({ name: 'ranking_id', type: 'varchar', length: 64 })
  rankingId!: string;

  /** Compact key the item rows refer to. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ name: 'experiment_id', type: 'bigint' })
  experimentId!: string;

  @Column({ type: 'integer' })
  phase!: number;

  @Column({ name: 'unit_id', type: 'varchar', length: 100 })
  unitId!: string;

  @Column({ type: 'varchar', length: 64 })
  variant!: string;

  @Column({ name: 'model_version', type: 'varchar', length: 140, nullable: true })
  modelVersion!: string | null;

  @Column({ type: 'integer' })
  items!: number;

  @Column({ name: 'served_at', type: 'timestamptz' })
  servedAt!: Date;

  /** Bandit lists: the probability with which the served arm was drawn (its allocation in the epoch); else null. */
  @Column({ type: 'double precision', nullable: true })
  propensity!: number | null;

  @Column({ name: 'allocation_epoch', type: 'integer', nullable: true })
  allocationEpoch!: number | null;
}

/** One allocation epoch of a bandit experiment's phase: per arm the serving probability and the counts behind it. */
@Entity({ name: 'experiment_allocations' })
export class ExperimentAllocationEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'bigint' })
  experimentId!: string;

  @PrimaryColumn({ type: 'integer' })
  phase!: number;

  @PrimaryColumn({ type: 'integer' })
  epoch!: number;

  @Column({ type: 'jsonb' })
  arms!: ArmAllocation[];

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt!: Date;
}

@Entity({ name: 'experiment_exposures' })
export class ExperimentExposureEntity {
  /** `experiment_rankings.seq` of the ranking. */
  @PrimaryColumn({ name: 'ranking_seq', type: 'bigint' })
  rankingSeq!: string;

  @PrimaryColumn({ type: 'smallint' })
  position!: number;

  @Column({ name: 'job_id', type: 'bigint' })
  jobId!: string;

  @Column({ type: 'real' })
  score!: number;

  /** Interleaved lists: the variant (team) that contributed this item; null for A/B lists. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  team!: string | null;
}
