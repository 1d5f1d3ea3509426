import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type TrainingJobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Last progress report of a training job (also sent through BullMQ's job.updateProgress). */
export interface TrainingProgress {
  percent: number;
  phase: string;
  iteration?: number;
  iterations?: number;
  loss?: number;
  trial?: number;
  trials?: number;
}

@Entity({ name: 'training_jobs' })
export class TrainingJobEntity {
  /** The BullMQ job id. */
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  @Column({ type: 'varchar', length: 10 })
  kind!: 'train' | 'search';

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ type: 'varchar', length: 40 })
  strategy!: string;

  @Column({ type: 'jsonb' })
  params!: Record<string, unknown>;

  /** Cut-off, validation fraction, timeout, search plan. */
  @Column({ type: 'jsonb' })
  options!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 10 })
  status!: TrainingJobStatus;

  @Column({ type: 'jsonb' })
  progress!: Partial<TrainingProgress>;

  @Column({ type: 'jsonb' })
  logs!: string[];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 40, nullable: true })
  errorCode!: string | null;

  /** The version registered (a search: the best trial's version). */
  @Column({ type: 'integer', nullable: true })
  version!: number | null;

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
