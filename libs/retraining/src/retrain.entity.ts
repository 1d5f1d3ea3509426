import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RetrainDrift, RetrainEvaluation, RetrainGate, RetrainPolicy, RetrainSchedule } from './retrain-policy.js';

@Entity({ name: 'retrain_policies' })
export class RetrainPolicyEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'model_id', type: 'bigint' })
  modelId!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'jsonb' })
  schedule!: RetrainSchedule;

  @Column({ type: 'varchar', length: 40, nullable: true })
  strategy!: string | null;

  @Column({ type: 'jsonb' })
  params!: Record<string, unknown>;

  @Column({ name: 'training_window_days', type: 'integer', nullable: true })
  trainingWindowDays!: number | null;

  @Column({ type: 'jsonb' })
  evaluation!: RetrainEvaluation;

  @Column({ type: 'jsonb' })
  gate!: RetrainGate;

  @Column({ type: 'jsonb', nullable: true })
  drift!: RetrainDrift | null;

  @Column({ name: 'updated_by', type: 'varchar', length: 320 })
  updatedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

export type RetrainTrigger = 'schedule' | 'drift' | 'manual';
export type RetrainStatus = 'queued' | 'running' | 'challenger' | 'rejected' | 'failed';
export type RetrainStepName = 'train' | 'evaluate' | 'gate';

/** One pipeline step as recorded: which queued job ran it, its status and what it produced. */
export interface RetrainStep {
  name: RetrainStepName;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'skipped';
  /** Queued jobs of the step (training job id; evaluation ids). */
  jobs: string[];
  startedAt?: string;
  finishedAt?: string;
  detail?: string;
}

export interface RetrainProgress {
  percent: number;
  phase: string;
}

export interface GateRecord {
  allowed: boolean;
  reason: string;
  metric: string;
  candidate: number | null;
  champion: number | null;
  maxDrop: number;
  /** Paired comparison (champion → new) of the two evaluations, when they were comparable. */
  difference?: number;
  ciLow?: number;
  ciHigh?: number;
  pValue?: number;
}

@Entity({ name: 'retrain_runs' })
export class RetrainRunEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  @Column({ name: 'model_id', type: 'bigint' })
  modelId!: string;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ type: 'varchar', length: 20 })
  trigger!: RetrainTrigger;

  @Column({ name: 'trigger_detail', type: 'jsonb' })
  triggerDetail!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 20 })
  status!: RetrainStatus;

  @Column({ type: 'jsonb' })
  progress!: RetrainProgress;

  @Column({ type: 'jsonb' })
  steps!: RetrainStep[];

  @Column({ type: 'jsonb' })
  policy!: RetrainPolicy;

  @Column({ name: 'as_of', type: 'timestamptz' })
  asOf!: Date;

  @Column({ name: 'champion_version', type: 'integer', nullable: true })
  championVersion!: number | null;

  @Column({ name: 'training_job_id', type: 'varchar', length: 100, nullable: true })
  trainingJobId!: string | null;

  @Column({ type: 'integer', nullable: true })
  version!: number | null;

  @Column({ name: 'candidate_evaluation_id', type: 'varchar', length: 100, nullable: true })
  candidateEvaluationId!: string | null;

  @Column({ name: 'champion_evaluation_id', type: 'varchar', length: 100, nullable: true })
  championEvaluationId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  gate!: GateRecord | null;

  @Column({ name: 'challenger_set', type: 'boolean' })
  challengerSet!: boolean;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 40, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 320 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
