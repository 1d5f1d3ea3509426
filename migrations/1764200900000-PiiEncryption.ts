import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Candidate PII encrypted at rest (libs/pii):
 * - `candidates.name_enc`, `candidates.email_enc`, `resumes.text_enc`: envelopes (`pii1.<key id>.…`, AES-256-GCM, a data
 *   key per value wrapped by the active PII_KEYS key). Writers fill only these; the plaintext `name`, `email`, `text`
 *   columns stay for rows written before this migration until `matchlab pii encrypt-existing` (also run by the API at
 *   boot) moves them into envelopes and nulls them. Readers take the envelope, else the legacy plaintext.
 * - `candidates.email_index`: keyed blind index (HMAC-SHA256 under PII_INDEX_KEY) for lookups by email;
 *   `candidates.pii_digest`: keyed digest of name and email, so a re-import can tell an unchanged profile without decrypting.
 * - `resumes.text` becomes nullable; `resumes.content_hash` is keyed from now on (same width).
 *
 * A migration cannot read the keys, so `down` cannot decrypt: it refuses while envelopes exist and says to run
 * `matchlab pii decrypt-existing` first (which writes the plaintext back and clears the envelopes).
 */
export class PiiEncryption1764200900000 implements MigrationInterface {
  name = 'PiiEncryption1764200900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE candidates ADD COLUMN name_enc text, ADD COLUMN email_enc text, ADD COLUMN email_index char(64), ADD COLUMN pii_digest char(64)`);
    await q.query(`CREATE INDEX candidates_email_index_idx ON candidates (email_index) WHERE email_index IS NOT NULL`);
    await q.query(`ALTER TABLE resumes ADD COLUMN text_enc text, ALTER COLUMN text DROP NOT NULL`);
    await q.query(`ALTER TABLE resumes ADD CONSTRAINT resumes_text_present CHECK (text IS NOT NULL OR text_enc IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const [c] = await q.query(
      `SELECT (SELECT count(*) FROM candidates WHERE name_enc IS NOT NULL OR email_enc IS NOT NULL)::int AS candidates,
              (SELECT count(*) FROM resumes WHERE text_enc IS NOT NULL)::int AS resumes`,
    );
    if (c.candidates > 0 || c.resumes > 0) {
      throw new Error(`PiiEncryption down: ${c.candidates} candidates and ${c.resumes} resumes hold encrypted PII; run \`matchlab pii decrypt-existing\` first (a migration cannot read PII_KEYS)`);
    }
    await q.query(`ALTER TABLE resumes DROP CONSTRAINT resumes_text_present`);
    await q.query(`ALTER TABLE resumes DROP COLUMN text_enc, ALTER COLUMN text SET NOT NULL`);
    await q.query(`DROP INDEX candidates_email_index_idx`);
    await q.query(`ALTER TABLE candidates DROP COLUMN name_enc, DROP COLUMN email_enc, DROP COLUMN email_index, DROP COLUMN pii_digest`);
  }
}
