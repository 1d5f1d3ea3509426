import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model registry: named models, immutable numbered versions with content-addressed artifacts, aliases, and an
 * append-only alias history (who moved which alias from which version to which, when and why).
 */
export class ModelRegistry1764100005000 implements MigrationInterface {
  name = 'ModelRegistry1764100005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE model_artifacts (
        sha256 char(64) PRIMARY KEY,
        size_bytes bigint NOT NULL,
        content bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE models (
        id bigserial PRIMARY KEY,
        name varchar(100) NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]*$'),
        strategy varchar(40) NOT NULL,
        description text NOT NULL DEFAULT '',
        owner varchar(320) NOT NULL,
        gate jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE model_versions (
        id bigserial PRIMARY KEY,
        model_id bigint NOT NULL REFERENCES models(id),
        version integer NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'ready' CHECK (status IN ('ready','archived')),
        strategy varchar(40) NOT NULL,
        params jsonb NOT NULL,
        dataset jsonb NOT NULL,
        feature_set jsonb NOT NULL DEFAULT '{}',
        code_version varchar(64) NOT NULL,
        training_seconds double precision NOT NULL,
        artifact_sha256 char(64) NOT NULL REFERENCES model_artifacts(sha256),
        artifact_format varchar(40) NOT NULL,
        metrics jsonb NOT NULL DEFAULT '{}',
        tags jsonb NOT NULL DEFAULT '{}',
        created_by varchar(320) NOT NULL,
        training_job_id varchar(100),
        created_at timestamptz NOT NULL DEFAULT now(),
        archived_at timestamptz,
        CONSTRAINT model_versions_number_uq UNIQUE (model_id, version)
      )`);
    await q.query(`
      CREATE TABLE model_aliases (
        model_id bigint NOT NULL REFERENCES models(id),
        alias varchar(64) NOT NULL CHECK (alias ~ '^[a-z][a-z0-9_-]*$'),
        version_id bigint NOT NULL REFERENCES model_versions(id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model_id, alias)
      )`);
    await q.query(`
      CREATE TABLE model_alias_history (
        id bigserial PRIMARY KEY,
        model_id bigint NOT NULL REFERENCES models(id),
        alias varchar(64) NOT NULL,
        from_version integer,
        to_version integer,
        action varchar(10) NOT NULL CHECK (action IN ('set','rollback','remove')),
        actor varchar(320) NOT NULL,
        reason text NOT NULL DEFAULT '',
        experiment_key varchar(100),
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX model_alias_history_lookup_idx ON model_alias_history (model_id, alias, at, id)`);
    // Append-only: history rows can never be changed or removed, even by a buggy service.
    await q.query(`
      CREATE FUNCTION model_alias_history_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'model_alias_history is append-only'; END; $$ LANGUAGE plpgsql`);
    await q.query(`
      CREATE TRIGGER model_alias_history_no_change BEFORE UPDATE OR DELETE ON model_alias_history
      FOR EACH ROW EXECUTE FUNCTION model_alias_history_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS model_alias_history_no_change ON model_alias_history');
    await q.query('DROP FUNCTION IF EXISTS model_alias_history_append_only()');
    for (const t of ['model_alias_history', 'model_aliases', 'model_versions', 'models', 'model_artifacts']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
