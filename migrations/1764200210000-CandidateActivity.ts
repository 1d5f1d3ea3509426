import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The feature store's push path (libs/features, online/push.service.ts): an outbox of candidates whose interactions or
 * profile changed, filled by triggers in the writing transaction (so every writer — GraphQL recordInteraction, ingest,
 * alert clicks, the simulator, plain SQL — is covered, and a row becomes visible exactly when its change commits).
 * The worker drains it every 250 ms and rewrites those candidates' online features (and the offline log).
 * - interactions: one statement-level trigger, one outbox row per distinct candidate of the statement.
 * - candidates: a profile edit (skills, desired titles, location, experience, salary, preferences) stamps updated_at
 *   (the candidate_profile view's event time) and queues the candidate.
 */
export class CandidateActivity1764200210000 implements MigrationInterface {
  name = 'CandidateActivity1764200210000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE candidate_activity (
        id bigserial PRIMARY KEY,
        candidate_id bigint NOT NULL,
        kind varchar(12) NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE FUNCTION candidate_activity_interactions() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO candidate_activity (candidate_id, kind) SELECT DISTINCT candidate_id, 'interaction' FROM new_rows;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER interactions_candidate_activity AFTER INSERT ON interactions
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION candidate_activity_interactions()`);
    await q.query(`
      CREATE FUNCTION candidate_profile_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.skills, NEW.desired_titles, NEW.city, NEW.region, NEW.country, NEW.years_experience, NEW.education_level, NEW.salary_expectation, NEW.preferences)
           IS DISTINCT FROM (OLD.skills, OLD.desired_titles, OLD.city, OLD.region, OLD.country, OLD.years_experience, OLD.education_level, OLD.salary_expectation, OLD.preferences) THEN
          IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN NEW.updated_at := clock_timestamp(); END IF;
          INSERT INTO candidate_activity (candidate_id, kind) VALUES (NEW.id, 'profile');
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER candidates_profile_edit BEFORE UPDATE ON candidates FOR EACH ROW EXECUTE FUNCTION candidate_profile_edit()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER candidates_profile_edit ON candidates`);
    await q.query(`DROP FUNCTION candidate_profile_edit()`);
    await q.query(`DROP TRIGGER interactions_candidate_activity ON interactions`);
    await q.query(`DROP FUNCTION candidate_activity_interactions()`);
    await q.query(`DROP TABLE candidate_activity`);
  }
}
