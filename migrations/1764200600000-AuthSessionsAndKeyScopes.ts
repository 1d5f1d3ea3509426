import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Console sessions and scoped API keys (libs/auth):
 * - `refresh_tokens`: one row per issued refresh token, stored as a SHA-256 of its secret. A refresh rotates it (the old
 *   row is marked `used_at` and points at its successor); presenting a used token again revokes its whole family
 *   (stolen-token detection). Logout revokes the family.
 * - `api_keys.scopes`: optional list of permissions that restricts a key below its role (NULL: everything the role has).
 */
export class AuthSessionsAndKeyScopes1764200600000 implements MigrationInterface {
  name = 'AuthSessionsAndKeyScopes1764200600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refresh_tokens (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family uuid NOT NULL,
        token_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        replaced_by bigint,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family)`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN scopes text[]`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN scopes`);
    await q.query(`DROP TABLE refresh_tokens`);
  }
}
