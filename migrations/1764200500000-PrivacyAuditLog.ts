import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy (libs/privacy, libs/audit):
 * - `audit_log`: who did what to what — promotions and rollbacks, candidate erasures and exports, API key creation
 *   and revocation, user creation (a role grant), PII reads. Append-only except that an erasure pseudonymises the
 *   subject of the entries about the erased candidate (`candidate:<id>` → `erasure:<erasure id>`).
 * - `candidate_erasures`: one tombstone per erased candidate: a SHA-256 of its `source:external_id` (so an importer can
 *   refuse to resurrect it), who erased it, when, and how many rows went from each table. No personal data.
 * - `feature_rows` stays append-only, except for deletes inside an erasure transaction (which sets the
 *   transaction-local `matchlab.erasure` to `on`).
 */
export class PrivacyAuditLog1764200500000 implements MigrationInterface {
  name = 'PrivacyAuditLog1764200500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        actor varchar(320) NOT NULL,
        action varchar(60) NOT NULL,
        subject varchar(200) NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC)`);
    await q.query(`CREATE INDEX audit_log_subject_idx ON audit_log (subject, at DESC)`);
    await q.query(`
      CREATE TABLE candidate_erasures (
        id bigserial PRIMARY KEY,
        ref_hash char(64) NOT NULL,
        actor varchar(320) NOT NULL,
        reason text NOT NULL DEFAULT '',
        removed jsonb NOT NULL DEFAULT '{}',
        erased_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX candidate_erasures_ref_idx ON candidate_erasures (ref_hash)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION feature_rows_append_only() RETURNS trigger AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('matchlab.erasure', true) = 'on' THEN RETURN OLD; END IF;
        RAISE EXCEPTION 'feature_rows is append-only';
      END; $$ LANGUAGE plpgsql`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION feature_rows_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'feature_rows is append-only'; END; $$ LANGUAGE plpgsql`);
    await q.query(`DROP TABLE IF EXISTS candidate_erasures`);
    await q.query(`DROP TABLE IF EXISTS audit_log`);
  }
}
