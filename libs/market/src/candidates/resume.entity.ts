import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CandidateEntity } from './candidate.entity.js';

@Entity({ name: 'resumes' })
export class ResumeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  source!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 200 })
  externalId!: string;

  @Column({ name: 'candidate_id', type: 'bigint' })
  candidateId!: string;

  @ManyToOne('CandidateEntity', 'resumes', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'candidate_id' })
  candidate?: CandidateEntity;

  @Column({ type: 'varchar', length: 120, nullable: true })
  category!: string | null;

  /** Legacy plaintext, NULL once encrypted; read {@link textEnc} through PiiCipher.reveal. */
  @Column({ type: 'text', nullable: true })
  text!: string | null;

  /** PII envelope (libs/pii), context `resumes.text:<source>/<external id>`. */
  @Column({ name: 'text_enc', type: 'text', nullable: true })
  textEnc!: string | null;

  @Column({ name: 'parsed_skills', type: 'text', array: true })
  parsedSkills!: string[];

  /** Keyed (PiiCipher.contentHash) for rows written since PiiEncryption1764200900000. */
  @Column({ name: 'content_hash', type: 'char', length: 40 })
  contentHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
