import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feature store (libs/features): the registry of view and service versions, the append-only offline store,
 * versioned vocabularies, the Postgres online store (embedded mode) with its generation pointers,
 * training statistics per service version, drift results, and the compute/materialise/drift job rows.
 */
export class FeatureStore1764100010000 implements MigrationInterface {
  name = 'FeatureStore1764100010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feature_definitions (
        id serial PRIMARY KEY,
        kind varchar(10) NOT NULL CHECK (kind IN ('view','service')),
        name varchar(100) NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        fingerprint char(64) NOT NULL,
        entity varchar(20),
        spec jsonb NOT NULL,
        owner varchar(200) NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (kind, name, version),
        UNIQUE (kind, name, fingerprint)
      )`);

    // One narrow table for every view version: values are a JSON array in the version's schema order.
    // The lookup index serves point-in-time joins (latest event_time <= t per key) and DISTINCT ON scans.
    await q.query(`
      CREATE TABLE feature_rows (
        id bigserial,
        view_version_id integer NOT NULL,
        entity_key text NOT NULL,
        event_time timestamptz NOT NULL,
        "values" jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX feature_rows_lookup_idx ON feature_rows (view_version_id, entity_key, event_time DESC)`);
    // Incremental materialisation reads what was appended after a watermark id.
    await q.query(`CREATE INDEX feature_rows_appended_idx ON feature_rows (view_version_id, id)`);
    await q.query(`
      CREATE FUNCTION feature_rows_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'feature_rows is append-only'; END; $$ LANGUAGE plpgsql`);
    await q.query(`
      CREATE TRIGGER feature_rows_no_change BEFORE UPDATE OR DELETE ON feature_rows
      FOR EACH ROW EXECUTE FUNCTION feature_rows_append_only()`);

    await q.query(`
      CREATE TABLE feature_vocabularies (
        id serial PRIMARY KEY,
        name varchar(100) NOT NULL,
        version integer NOT NULL,
        fingerprint char(64) NOT NULL,
        terms jsonb NOT NULL,
        df jsonb NOT NULL,
        docs integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (name, version),
        UNIQUE (name, fingerprint)
      )`);

    // Online store for deployments without Redis; a materialisation writes a new generation, then flips the pointer.
    await q.query(`
      CREATE UNLOGGED TABLE feature_online (
        view_version_id integer NOT NULL,
        generation integer NOT NULL,
        entity_key text NOT NULL,
        event_time timestamptz NOT NULL,
        "values" jsonb NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (view_version_id, generation, entity_key)
      )`);
    await q.query(`
      CREATE TABLE feature_online_state (
        view_version_id integer NOT NULL,
        backend varchar(10) NOT NULL CHECK (backend IN ('redis','postgres')),
        generation integer NOT NULL,
        watermark bigint NOT NULL DEFAULT 0,
        rows bigint NOT NULL DEFAULT 0,
        materialized_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (view_version_id, backend)
      )`);

    await q.query(`
      CREATE TABLE feature_statistics (
        service_version_id integer NOT NULL REFERENCES feature_definitions(id),
        feature varchar(200) NOT NULL,
        type varchar(20) NOT NULL,
        stats jsonb NOT NULL,
        source jsonb NOT NULL DEFAULT '{}',
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (service_version_id, feature)
      )`);
    await q.query(`
      CREATE TABLE feature_drift (
        id bigserial PRIMARY KEY,
        service_version_id integer NOT NULL REFERENCES feature_definitions(id),
        feature varchar(200) NOT NULL,
        psi double precision,
        ks double precision,
        ks_p_value double precision,
        recent_count integer NOT NULL,
        recent_missing_rate double precision NOT NULL,
        drifted boolean NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX feature_drift_latest_idx ON feature_drift (service_version_id, computed_at DESC)`);

    await q.query(`
      CREATE TABLE feature_jobs (
        id varchar(100) PRIMARY KEY,
        kind varchar(20) NOT NULL CHECK (kind IN ('compute','materialize','drift')),
        options jsonb NOT NULL DEFAULT '{}',
        status varchar(10) NOT NULL CHECK (status IN ('queued','running','completed','failed')),
        progress jsonb NOT NULL DEFAULT '{}',
        logs jsonb NOT NULL DEFAULT '[]',
        error text,
        error_code varchar(40),
        result jsonb,
        created_by varchar(320) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX feature_jobs_created_idx ON feature_jobs (created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['feature_jobs', 'feature_drift', 'feature_statistics', 'feature_online_state', 'feature_online', 'feature_vocabularies']) await q.query(`DROP TABLE IF EXISTS ${t}`);
    await q.query('DROP TRIGGER IF EXISTS feature_rows_no_change ON feature_rows');
    await q.query('DROP TABLE IF EXISTS feature_rows');
    await q.query('DROP FUNCTION IF EXISTS feature_rows_append_only()');
    await q.query('DROP TABLE IF EXISTS feature_definitions');
  }
}
