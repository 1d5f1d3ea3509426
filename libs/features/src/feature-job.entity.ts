import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type FeatureJobKind = 'compute' | 'materialize' | 'drift';
export type FeatureJobStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface FeatureJobProgress {
  percent: number;
  phase: string;
  /** Rows done / expected in the current phase (materialisation: feature rows written). */
  done?: number;
  total?: number;
}

/** A compute, materialise or drift job as every process sees it (the queue job id is the row id). */
@Entity({ name: 'feature_jobs' })
export class FeatureJobEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: FeatureJobKind;

  @Column({ type: 'jsonb' })
  options!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 10 })
  status!: FeatureJobStatus;

  @Column({ type: 'jsonb' })
  progress!: FeatureJobProgress;

  @Column({ type: 'jsonb' })
  logs!: string[];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 40, nullable: true })
  errorCode!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  @Column({ name: 'created_by', type: 'varchar', length: 320 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
