import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'models' })
export class ModelEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 40 })
  strategy!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 320 })
  owner!: string;

  @Column({ type: 'jsonb' })
  gate!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ name: 'model_versions' })
export class ModelVersionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'model_id', type: 'bigint' })
  modelId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 10 })
  status!: 'ready' | 'archived';

  @Column({ type: 'varchar', length: 40 })
  strategy!: string;

  @Column({ type: 'jsonb' })
  params!: Record<string, unknown>;

  /** Training data snapshot: cut-off time, row counts, filters. */
  @Column({ type: 'jsonb' })
  dataset!: Record<string, unknown>;

  @Column({ name: 'feature_set', type: 'jsonb' })
  featureSet!: Record<string, unknown>;

  @Column({ name: 'code_version', type: 'varchar', length: 64 })
  codeVersion!: string;

  @Column({ name: 'training_seconds', type: 'double precision' })
  trainingSeconds!: number;

  @Column({ name: 'artifact_sha256', type: 'char', length: 64 })
  artifactSha256!: string;

  @Column({ name: 'artifact_format', type: 'varchar', length: 40 })
  artifactFormat!: string;

  @Column({ type: 'jsonb' })
  metrics!: Record<string, number>;

  @Column({ type: 'jsonb' })
  tags!: Record<string, string>;

  @Column({ name: 'created_by', type: 'varchar', length: 320 })
  createdBy!: string;

  @Column({ name: 'training_job_id', type: 'varchar', length: 100, nullable: true })
  trainingJobId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;
}

@Entity({ name: 'model_aliases' })
export class ModelAliasEntity {
  @PrimaryColumn({ name: 'model_id', type: 'bigint' })
  modelId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  alias!: string;

  @Column({ name: 'version_id', type: 'bigint' })
  versionId!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'model_alias_history' })
export class AliasHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'model_id', type: 'bigint' })
  modelId!: string;

  @Column({ type: 'varchar', length: 64 })
  alias!: string;

  @Column({ name: 'from_version', type: 'integer', nullable: true })
  fromVersion!: number | null;

  @Column({ name: 'to_version', type: 'integer', nullable: true })
  toVersion!: number | null;

  @Column({ type: 'varchar', length: 10 })
  action!: 'set' | 'rollback' | 'remove';

  @Column({ type: 'varchar', length: 320 })
  actor!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'experiment_key', type: 'varchar', length: 100, nullable: true })
  experimentKey!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
