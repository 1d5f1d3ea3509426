import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { MetricValue } from '@app/evaluation';
import type { EvaluationProtocol } from './evaluation-spec.js';

export type EvaluationStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type EvaluationMode = 'artifact' | 'refit';

/** Last progress of an evaluation: the phase and, while shards run, users done over all shards. */
export interface EvaluationProgress {
  percent: number;
  phase: string;
  shards?: number;
  shardsDone?: number;
  users?: number;
  usersDone?: number;
}

/** What an evaluation read and held out: the identity of its dataset. */
export interface EvaluationDataset {
  source: 'market';
  /** Interactions with occurred_at < asOf were read. */
  asOf: string;
  fingerprint: string;
  interactions: number;
  trainInteractions: number;
  testInteractions: number;
  candidates: number;
  jobs: number;
  /** Users with at least one held-out relevant item (the users evaluated). */
  users: number;
  firstInteractionAt: string | null;
  lastInteractionAt: string | null;
  firstTestAt: string | null;
  types: string[];
  consent: 'candidates.consent_training = true';
  /** The version's own training cut-off (from the registry). */
  versionCutoff: string | null;
  /** Jobs in the ranked model's catalogue (the coverage denominator). */
  catalogue?: number;
  /** Refit mode: what the refit was trained on. */
  refit?: { interactions: number; candidates: number; jobs: number; seconds: number };
}

/** One evaluation job and, once completed, its result. */
@Entity({ name: 'evaluations' })
export class EvaluationRunEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  /** The reference asked for ("name@alias" or "name/3"); `version` is what it resolved to at start. */
  @Column({ name: 'model_ref', type: 'varchar', length: 200 })
  modelRef!: string;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'version_id', type: 'bigint' })
  versionId!: string;

  @Column({ type: 'varchar', length: 40 })
  strategy!: string;

  @Column({ type: 'varchar', length: 10 })
  mode!: EvaluationMode;

  @Column({ type: 'jsonb' })
  protocol!: EvaluationProtocol;

  @Column({ type: 'integer', array: true })
  ks!: number[];

  @Column({ name: 'metric_names', type: 'text', array: true })
  metricNames!: string[];

  @Column({ type: 'integer' })
  shards!: number;

  @Column({ name: 'shards_done', type: 'integer' })
  shardsDone!: number;

  @Column({ type: 'jsonb' })
  bootstrap!: { samples: number; seed: number; level: number };

  /** Timeout, attach flag, the as-of time asked for. */
  @Column({ type: 'jsonb' })
  options!: { timeoutSeconds: number; attachToVersion: boolean; asOf: string };

  @Column({ type: 'varchar', length: 10 })
  status!: EvaluationStatus;

  @Column({ type: 'jsonb' })
  progress!: EvaluationProgress;

  @Column({ type: 'jsonb', nullable: true })
  dataset!: EvaluationDataset | null;

  @Column({ name: 'dataset_fingerprint', type: 'char', length: 64, nullable: true })
  datasetFingerprint!: string | null;

  @Column({ name: 'users_fingerprint', type: 'char', length: 64, nullable: true })
  usersFingerprint!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  results!: MetricValue[] | null;

  @Column({ name: 'attached_to_version', type: 'boolean' })
  attachedToVersion!: boolean;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 40, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'duration_seconds', type: 'double precision', nullable: true })
  durationSeconds!: number | null;

  @Column({ name: 'created_by', type: 'varchar', length: 320 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
