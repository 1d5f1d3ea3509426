import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fairness (libs/fairness):
 * - `candidate_protected_attributes`: protected attributes (gender, age band, …) a candidate consented to give, one row
 *   per candidate and attribute, with the time of that consent. Kept apart from `candidates` so that no feature view,
 *   training snapshot or export of the profile can pick them up by accident; read only by the fairness audit.
 *   Deleting the candidate deletes them.
 * - `fairness_audits`: stored audit reports (per-group exposure, salary, seniority, click/apply rates with CIs,
 *   disparity ratios and flags) of the scheduled and on-demand runs.
 */
export class FairnessAudits1764200700000 implements MigrationInterface {
  name = 'FairnessAudits1764200700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE candidate_protected_attributes (
        candidate_id bigint NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        attribute varchar(40) NOT NULL,
        value varchar(60) NOT NULL,
        consent_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (candidate_id, attribute)
      )`);
    await q.query(`CREATE INDEX candidate_protected_attributes_attr_idx ON candidate_protected_attributes (attribute, value)`);
    await q.query(`
      CREATE TABLE fairness_audits (
        id bigserial PRIMARY KEY,
        attribute varchar(40) NOT NULL,
        trigger varchar(12) NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
        window_from timestamptz NOT NULL,
        window_to timestamptz NOT NULL,
        flagged integer NOT NULL,
        report jsonb NOT NULL,
        created_by varchar(320),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX fairness_audits_created_idx ON fairness_audits (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE fairness_audits`);
    await q.query(`DROP TABLE candidate_protected_attributes`);
  }
}
