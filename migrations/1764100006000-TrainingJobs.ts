import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Training jobs as every process sees them: one row per BullMQ job (training or hyperparameter search),
 * with its status, last progress report, error and the version(s) it registered.
 */
export class TrainingJobs1764100006000 implements MigrationInterface {
  name = 'TrainingJobs1764100006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE training_jobs (
        id varchar(100) PRIMARY KEY,
        kind varchar(10) NOT NULL CHECK (kind IN ('train','search')),
        model varchar(100) NOT NULL,
        strategy varchar(40) NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        options jsonb NOT NULL DEFAULT '{}',
        status varchar(10) NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled')),
        progress jsonb NOT NULL DEFAULT '{}',
        logs jsonb NOT NULL DEFAULT '[]',
        error text,
        error_code varchar(40),
        version integer,
        result jsonb,
        created_by varchar(320) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX training_jobs_created_idx ON training_jobs (created_at DESC)`);
    await q.query(`CREATE INDEX training_jobs_model_idx ON training_jobs (model, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS training_jobs`);
  }
}
