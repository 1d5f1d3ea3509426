import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Continuous learning (libs/retraining):
 * - `retrain_policies`: one per model — schedule (cron pattern or interval), strategy and params, training window,
 *   evaluation split (hold-out days) and metric, gate overrides, drift trigger; the worker turns each enabled policy
 *   into a BullMQ job scheduler on the `retraining` queue.
 * - `retrain_runs`: one per retrain (scheduled, drift-triggered or manual): the pipeline's steps (train → evaluate
 *   → gate → challenger) with their queued job ids, progress, the gate decision and the failure if any.
 */
export class Retraining1764200200000 implements MigrationInterface {
  name = 'Retraining1764200200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retrain_policies (
        id bigserial PRIMARY KEY,
        model_id bigint NOT NULL UNIQUE REFERENCES models(id) ON DELETE CASCADE,
        enabled boolean NOT NULL DEFAULT true,
        schedule jsonb NOT NULL,
        strategy varchar(40),
        params jsonb NOT NULL DEFAULT '{}',
        training_window_days integer,
        evaluation jsonb NOT NULL,
        gate jsonb NOT NULL DEFAULT '{}',
        drift jsonb,
        updated_by varchar(320) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE retrain_runs (
        id varchar(100) PRIMARY KEY,
        model_id bigint NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        model varchar(100) NOT NULL,
        trigger varchar(20) NOT NULL,
        trigger_detail jsonb NOT NULL DEFAULT '{}',
        status varchar(20) NOT NULL,
        progress jsonb NOT NULL,
        steps jsonb NOT NULL DEFAULT '[]',
        policy jsonb NOT NULL,
        as_of timestamptz NOT NULL,
        champion_version integer,
        training_job_id varchar(100),
        version integer,
        candidate_evaluation_id varchar(100),
        champion_evaluation_id varchar(100),
        gate jsonb,
        challenger_set boolean NOT NULL DEFAULT false,
        error text,
        error_code varchar(40),
        created_by varchar(320) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX retrain_runs_model_idx ON retrain_runs (model_id, created_at DESC)`);
    // at most one queued or running retrain per model
    await q.query(`CREATE UNIQUE INDEX retrain_runs_active_idx ON retrain_runs (model_id) WHERE status IN ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE retrain_runs`);
    await q.query(`DROP TABLE retrain_policies`);
  }
}
