import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { EducationLevel } from '../shared/enums.js';
import { ResumeEntity } from './resume.entity.js';

/** What a candidate wants beyond the core profile; every field optional. */
export interface CandidatePreferences {
  remote?: 'only' | 'preferred' | 'no';
  maxDistanceKm?: number;
  employmentTypes?: string[];
  minSalary?: number;
  industries?: string[];
}

@Entity({ name: 'candidates' })
export class CandidateEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  source!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 200 })
  externalId!: string;

  /** Legacy plaintext, NULL once encrypted (`matchlab pii encrypt-existing`); read {@link nameEnc} through PiiCipher.reveal. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  /** Legacy plaintext, NULL once encrypted; read {@link emailEnc} through PiiCipher.reveal. */
  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  /** PII envelopes (libs/pii), context `candidates.name|email:<source>/<external id>`. */
  @Column({ name: 'name_enc', type: 'text', nullable: true })
  nameEnc!: string | null;

  @Column({ name: 'email_enc', type: 'text', nullable: true })
  emailEnc!: string | null;

  /** Keyed blind index of the email (PiiCipher.emailIndex). */
  @Column({ name: 'email_index', type: 'char', length: 64, nullable: true })
  emailIndex!: string | null;

  @Column({ name: 'pii_digest', type: 'char', length: 64, nullable: true })
  piiDigest!: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  city!: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  region!: string | null;

  @Column({ type: 'char', length: 2, nullable: true })
  country!: string | null;

  @Column({ name: 'desired_titles', type: 'text', array: true })
  desiredTitles!: string[];

  @Column({ type: 'text', array: true })
  skills!: string[];

  @Column({ name: 'years_experience', type: 'real', nullable: true })
  yearsExperience!: number | null;

  @Column({ name: 'education_level', type: 'varchar', length: 12, nullable: true })
  educationLevel!: EducationLevel | null;

  @Column({ name: 'salary_expectation', type: 'double precision', nullable: true })
  salaryExpectation!: number | null;

  @Column({ type: 'jsonb' })
  preferences!: CandidatePreferences;

  @Column({ name: 'consent_alerts', type: 'boolean' })
  consentAlerts!: boolean;

  @Column({ name: 'consent_training', type: 'boolean' })
  consentTraining!: boolean;

  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone!: string | null;

  @OneToMany(() => ResumeEntity, (r) => r.candidate)
  resumes?: ResumeEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
