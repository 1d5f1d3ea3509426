import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Offline evaluation jobs and their results. One `evaluations` row per job (also the result: protocol,
 * dataset identity, metric values with bootstrap CIs); `evaluation_shards` holds each shard's work (users,
 * progress, the per-user values until the merge); `evaluation_user_values` keeps, per metric, the value of
 * every evaluated user in the order of `evaluations.user_ids`, which is what a paired comparison needs.
 */
export class Evaluations1764100008000 implements MigrationInterface {
  name = 'Evaluations1764100008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evaluations (
        id varchar(100) PRIMARY KEY,
        model_ref varchar(200) NOT NULL,
        model varchar(100) NOT NULL,
        version integer NOT NULL,
        version_id bigint NOT NULL REFERENCES model_versions(id),
        strategy varchar(40) NOT NULL,
        mode varchar(10) NOT NULL CHECK (mode IN ('artifact','refit')),
        protocol jsonb NOT NULL,
        ks integer[] NOT NULL,
        metric_names text[] NOT NULL,
        shards integer NOT NULL CHECK (shards >= 1),
        shards_done integer NOT NULL DEFAULT 0,
        bootstrap jsonb NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        status varchar(10) NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled')),
        progress jsonb NOT NULL DEFAULT '{}',
        dataset jsonb,
        dataset_fingerprint char(64),
        users_fingerprint char(64),
        user_ids text[],
        results jsonb,
        refit_artifact bytea,
        attached_to_version boolean NOT NULL DEFAULT false,
        error text,
        error_code varchar(40),
        duration_seconds double precision,
        created_by varchar(320) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX evaluations_created_idx ON evaluations (created_at DESC)`);
    await q.query(`CREATE INDEX evaluations_model_idx ON evaluations (model, version, created_at DESC)`);
    await q.query(`CREATE INDEX evaluations_dataset_idx ON evaluations (dataset_fingerprint) WHERE dataset_fingerprint IS NOT NULL`);
    await q.query(`
      CREATE TABLE evaluation_shards (
        evaluation_id varchar(100) NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        shard integer NOT NULL,
        status varchar(10) NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled')),
        users integer NOT NULL,
        done_users integer NOT NULL DEFAULT 0,
        input jsonb,
        result bytea,
        best_position bytea,
        worker varchar(200),
        seconds double precision,
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (evaluation_id, shard)
      )`);
    await q.query(`
      CREATE TABLE evaluation_user_values (
        evaluation_id varchar(100) NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        metric varchar(40) NOT NULL,
        "values" float8[] NOT NULL,
        PRIMARY KEY (evaluation_id, metric)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS evaluation_user_values`);
    await q.query(`DROP TABLE IF EXISTS evaluation_shards`);
    await q.query(`DROP TABLE IF EXISTS evaluations`);
  }
}
