import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { CompanyEntity } from '../companies/company.entity.js';
import type { EmploymentType, JobStatus, SalaryPeriod, Seniority } from '../shared/enums.js';

const float = { type: 'double precision' as const, nullable: true };

@Entity({ name: 'jobs' })
export class JobEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  source!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 200 })
  externalId!: string;

  @Column({ name: 'company_id', type: 'bigint', nullable: true })
  companyId!: string | null;

  @ManyToOne(() => CompanyEntity, { nullable: true })
  @JoinColumn({ name: 'company_id' })
  company?: CompanyEntity | null;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ name: 'normalized_title', type: 'varchar', length: 300 })
  normalizedTitle!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'text', array: true })
  skills!: string[];

  @Column({ type: 'varchar', length: 120, nullable: true })
  city!: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  region!: string | null;

  @Column({ type: 'char', length: 2, nullable: true })
  country!: string | null;

  @Column({ type: 'boolean' })
  remote!: boolean;

  @Column({ name: 'salary_min', ...float })
  salaryMin!: number | null;

  @Column({ name: 'salary_max', ...float })
  salaryMax!: number | null;

  @Column({ name: 'salary_currency', type: 'char', length: 3, nullable: true })
  salaryCurrency!: string | null;

  @Column({ name: 'salary_period', type: 'varchar', length: 10, nullable: true })
  salaryPeriod!: SalaryPeriod | null;

  @Column({ name: 'salary_annual_min', ...float })
  salaryAnnualMin!: number | null;

  @Column({ name: 'salary_annual_max', ...float })
  salaryAnnualMax!: number | null;

  @Column({ type: 'varchar', length: 12, nullable: true })
  seniority!: Seniority | null;

  @Column({ name: 'employment_type', type: 'varchar', length: 12, nullable: true })
  employmentType!: EmploymentType | null;

  @Column({ name: 'posted_at', type: 'timestamptz' })
  postedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'content_hash', type: 'char', length: 40 })
  contentHash!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: JobStatus;

  @Column({ name: 'canonical_job_id', type: 'bigint', nullable: true })
  canonicalJobId!: string | null;

  @Column({ name: 'direct_apply', type: 'boolean', nullable: true })
  directApply!: boolean | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
