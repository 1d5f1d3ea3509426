import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { InteractionType } from '../shared/enums.js';

@Entity({ name: 'interactions' })
export class InteractionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Client-supplied (or derived) id; a repeated event is ignored. */
  @Column({ name: 'event_id', type: 'varchar', length: 100 })
  eventId!: string;

  @Column({ name: 'candidate_id', type: 'bigint' })
  candidateId!: string;

  @Column({ name: 'job_id', type: 'bigint' })
  jobId!: string;

  @Column({ type: 'varchar', length: 12 })
  type!: InteractionType;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'ranking_id', type: 'varchar', length: 64, nullable: true })
  rankingId!: string | null;

  @Column({ name: 'experiment_key', type: 'varchar', length: 100, nullable: true })
  experimentKey!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  variant!: string | null;

  @Column({ type: 'integer', nullable: true })
  position!: number | null;

  @Column({ type: 'varchar', length: 100 })
  source!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
