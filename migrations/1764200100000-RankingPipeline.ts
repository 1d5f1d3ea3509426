import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ranking pipeline (libs/ranking):
 * - `ranking_logs`: one row per served list (rankedJobs answer or alert), keyed by its ranking id: candidate, model
 *   version, experiment variant, the pipeline config, each stage's output list (bounded top, compact jsonb) and the
 *   final items with their reasons. Written in batches off the request path; purge rows older than the retention
 *   (RankingLogWriter.purge, default 30 days) — `created_at` is indexed for it.
 * - `ranking_pipelines`: named pipeline configs (validated JSON); one may be bound to an experiment variant.
 * - `candidate_profile_changes`: a trigger records every change of a candidate's skills or location (whatever the
 *   update path: import, API, SQL), so the ranking can boost jobs matching new skills or the new location.
 */
export class RankingPipeline1764200100000 implements MigrationInterface {
  name = 'RankingPipeline1764200100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ranking_logs (
        ranking_id varchar(64) PRIMARY KEY,
        candidate_id bigint NOT NULL,
        channel varchar(16) NOT NULL,
        model_ref varchar(200),
        model_version integer,
        experiment_key varchar(100),
        variant varchar(100),
        pipeline varchar(100) NOT NULL,
        config jsonb NOT NULL,
        stages jsonb NOT NULL,
        items jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ranking_logs_candidate_idx ON ranking_logs (candidate_id, created_at DESC)`);
    await q.query(`CREATE INDEX ranking_logs_created_idx ON ranking_logs (created_at)`);
    await q.query(`
      CREATE TABLE ranking_pipelines (
        name varchar(100) PRIMARY KEY,
        config jsonb NOT NULL,
        experiment_key varchar(100),
        variant varchar(100),
        updated_by varchar(320) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((experiment_key IS NULL) = (variant IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX ranking_pipelines_variant_idx ON ranking_pipelines (experiment_key, variant) WHERE experiment_key IS NOT NULL`);
    await q.query(`
      CREATE TABLE candidate_profile_changes (
        id bigserial PRIMARY KEY,
        candidate_id bigint NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        added_skills text[] NOT NULL DEFAULT '{}',
        removed_skills text[] NOT NULL DEFAULT '{}',
        location_changed boolean NOT NULL,
        old_city varchar(120), old_region varchar(120), old_country char(2),
        new_city varchar(120), new_region varchar(120), new_country char(2)
      )`);
    await q.query(`CREATE INDEX candidate_profile_changes_idx ON candidate_profile_changes (candidate_id, changed_at DESC)`);
    await q.query(`
      CREATE FUNCTION record_candidate_profile_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        added text[] := ARRAY(SELECT unnest(NEW.skills) EXCEPT SELECT unnest(OLD.skills));
        removed text[] := ARRAY(SELECT unnest(OLD.skills) EXCEPT SELECT unnest(NEW.skills));
        moved boolean := (OLD.city, OLD.region, OLD.country) IS DISTINCT FROM (NEW.city, NEW.region, NEW.country);
      BEGIN
        IF moved OR cardinality(added) > 0 OR cardinality(removed) > 0 THEN
          INSERT INTO candidate_profile_changes (candidate_id, added_skills, removed_skills, location_changed, old_city, old_region, old_country, new_city, new_region, new_country)
          VALUES (NEW.id, added, removed, moved, OLD.city, OLD.region, OLD.country, NEW.city, NEW.region, NEW.country);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER candidates_profile_change AFTER UPDATE OF skills, city, region, country ON candidates
        FOR EACH ROW WHEN ((OLD.skills, OLD.city, OLD.region, OLD.country) IS DISTINCT FROM (NEW.skills, NEW.city, NEW.region, NEW.country))
        EXECUTE FUNCTION record_candidate_profile_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER candidates_profile_change ON candidates`);
    await q.query(`DROP FUNCTION record_candidate_profile_change()`);
    await q.query(`DROP TABLE candidate_profile_changes`);
    await q.query(`DROP TABLE ranking_pipelines`);
    await q.query(`DROP TABLE ranking_logs`);
  }
}
