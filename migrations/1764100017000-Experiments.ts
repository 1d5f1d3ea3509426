import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A/B experiments: definitions with their lifecycle, phases (each with its own seed and allocation), sticky
 * assignments, and item-level exposure logs of every ranked list served under an experiment (a ranking header
 * with the unit, experiment, phase, variant and model version, and one row per position with the job and score).
 * Interactions already carry a nullable `ranking_id` (market schema), which attributes them to a ranking.
 */
export class Experiments1764100017000 implements MigrationInterface {
  name = 'Experiments1764100017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE experiments (
        id bigserial PRIMARY KEY,
        key varchar(100) NOT NULL UNIQUE,
        hypothesis text NOT NULL DEFAULT '',
        owner varchar(320) NOT NULL,
        unit varchar(40) NOT NULL DEFAULT 'candidate',
        status varchar(12) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','running','paused','stopped','concluded')),
        variants jsonb NOT NULL,
        coverage double precision NOT NULL CHECK (coverage > 0 AND coverage <= 1),
        namespace varchar(100),
        namespace_start integer CHECK (namespace_start >= 0 AND namespace_start < 10000),
        namespace_end integer CHECK (namespace_end > 0 AND namespace_end <= 10000),
        targeting jsonb NOT NULL DEFAULT '[]',
        killed text[] NOT NULL DEFAULT '{}',
        forced jsonb NOT NULL DEFAULT '{}',
        sticky boolean NOT NULL DEFAULT false,
        primary_metric varchar(64) NOT NULL,
        secondary_metrics text[] NOT NULL DEFAULT '{}',
        guardrail_metrics text[] NOT NULL DEFAULT '{}',
        planned_days integer CHECK (planned_days > 0),
        planned_sample_size integer CHECK (planned_sample_size > 0),
        phase integer NOT NULL DEFAULT 0,
        decision varchar(20) CHECK (decision IN ('ship','rollback','inconclusive')),
        decision_variant varchar(64),
        decision_note text,
        promoted_version varchar(140),
        started_at timestamptz,
        stopped_at timestamptz,
        concluded_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK ((namespace IS NULL) = (namespace_start IS NULL) AND (namespace IS NULL) = (namespace_end IS NULL)),
        CHECK (namespace_start IS NULL OR namespace_start < namespace_end)
      )`);
    await q.query(`CREATE INDEX experiments_namespace_idx ON experiments (namespace) WHERE namespace IS NOT NULL`);
    await q.query(`
      CREATE TABLE experiment_phases (
        experiment_id bigint NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        phase integer NOT NULL CHECK (phase >= 1),
        seed varchar(200) NOT NULL,
        variants jsonb NOT NULL,
        coverage double precision NOT NULL,
        reason text NOT NULL DEFAULT '',
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        ended_at timestamptz,
        PRIMARY KEY (experiment_id, phase)
      )`);
    await q.query(`
      CREATE TABLE experiment_assignments (
        experiment_id bigint NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        unit_id varchar(100) NOT NULL,
        phase integer NOT NULL,
        variant varchar(64) NOT NULL,
        assigned_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (experiment_id, unit_id)
      )`);
    await q.query(`
      CREATE TABLE experiment_rankings (
        ranking_id varchar(64) PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        experiment_id bigint NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        phase integer NOT NULL,
        unit_id varchar(100) NOT NULL,
        variant varchar(64) NOT NULL,
        model_version varchar(140),
        items integer NOT NULL,
        served_at timestamptz NOT NULL,
        logged_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX experiment_rankings_experiment_idx ON experiment_rankings (experiment_id, phase, variant)`);
    await q.query(`
      CREATE TABLE experiment_exposures (
        ranking_seq bigint NOT NULL,
        position smallint NOT NULL,
        job_id bigint NOT NULL,
        score real NOT NULL,
        PRIMARY KEY (ranking_seq, position)
      )`);
    // No foreign key to experiment_rankings on purpose: a per-row check costs more than the insert at 100,000 items/s;
    // the only writer (writeRankings) inserts a ranking's items in the transaction that inserts the ranking.
    // Item level, one row per served position, as analyses read it.
    await q.query(`
      CREATE VIEW experiment_exposure_items AS
        SELECT r.ranking_id, r.unit_id, e.key AS experiment_key, r.phase, r.variant, r.model_version, x.position, x.job_id, x.score, r.served_at
        FROM experiment_exposures x JOIN experiment_rankings r ON r.seq = x.ranking_seq JOIN experiments e ON e.id = r.experiment_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS experiment_exposure_items`);
    for (const t of ['experiment_exposures', 'experiment_rankings', 'experiment_assignments', 'experiment_phases', 'experiments']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
