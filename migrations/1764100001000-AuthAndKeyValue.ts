import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, API keys, and the Postgres-backed key-value store used when no Redis is configured. */
export class AuthAndKeyValue1764100001000 implements MigrationInterface {
  name = 'AuthAndKeyValue1764100001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id bigserial PRIMARY KEY,
        email varchar(320) NOT NULL UNIQUE,
        password_hash varchar(200) NOT NULL,
        role varchar(20) NOT NULL CHECK (role IN ('admin','ml_engineer','analyst','app')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id bigserial PRIMARY KEY,
        prefix varchar(24) NOT NULL UNIQUE,
        key_hash char(64) NOT NULL,
        name varchar(200) NOT NULL,
        role varchar(20) NOT NULL CHECK (role IN ('admin','ml_engineer','analyst','app')),
        user_id bigint REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE UNLOGGED TABLE kv_entries (
        key varchar(500) PRIMARY KEY,
        value text NOT NULL,
        expires_at timestamptz
      )`);
    await q.query(`CREATE INDEX kv_entries_expiry_idx ON kv_entries (expires_at) WHERE expires_at IS NOT NULL`);
    await q.query(`
      CREATE UNLOGGED TABLE kv_messages (
        id bigserial PRIMARY KEY,
        channel varchar(200) NOT NULL,
        payload text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['kv_messages', 'kv_entries', 'api_keys', 'users']) await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
