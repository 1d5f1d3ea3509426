import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert subscription addresses and the suppression list encrypted at rest (libs/pii, like PiiEncryption1764200900000):
 * - `alert_subscriptions.email_enc`: envelope of the address (context: the subscription id); `email_index`: its keyed
 *   blind index (HMAC under PII_INDEX_KEY), used to match the suppression list. Writers fill only these; `email`
 *   keeps the plaintext of rows written before this migration until `matchlab pii encrypt-existing` (also run by the
 *   API at boot) moves it into the envelope. The target check accepts either.
 * - `alert_suppressions`: keyed by `email_index` (unique) instead of the address, with the address kept as an envelope
 *   (`email_enc`, context: the index) so that `decrypt-existing` can restore it; a surrogate `id` becomes the primary
 *   key (rotation and the maintenance batches walk rows by id); legacy `email` stays unique and nullable.
 *
 * `down` cannot decrypt (no keys in a migration): it refuses while envelopes exist and says to run
 * `matchlab pii decrypt-existing` first.
 */
export class AlertEmailEncryption1764201000000 implements MigrationInterface {
  name = 'AlertEmailEncryption1764201000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert_subscriptions ADD COLUMN email_enc text, ADD COLUMN email_index char(64)`);
    const checks: Array<{ name: string }> = await q.query(
      `SELECT conname AS name FROM pg_constraint WHERE conrelid = 'alert_subscriptions'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%webhook_secret IS NOT NULL%'`,
    );
    for (const c of checks) await q.query(`ALTER TABLE alert_subscriptions DROP CONSTRAINT "${c.name}"`);
    await q.query(`ALTER TABLE alert_subscriptions ADD CONSTRAINT alert_subscriptions_target_check
      CHECK ((channel = 'email' AND (email IS NOT NULL OR email_enc IS NOT NULL)) OR (channel = 'webhook' AND webhook_url IS NOT NULL AND webhook_secret IS NOT NULL))`);
    await q.query(`CREATE INDEX alert_subscriptions_email_index_idx ON alert_subscriptions (email_index) WHERE email_index IS NOT NULL`);

    await q.query(`ALTER TABLE alert_suppressions DROP CONSTRAINT alert_suppressions_pkey`);
    await q.query(`ALTER TABLE alert_suppressions ADD COLUMN id bigserial PRIMARY KEY, ADD COLUMN email_index char(64), ADD COLUMN email_enc text, ALTER COLUMN email DROP NOT NULL`);
    await q.query(`ALTER TABLE alert_suppressions ADD CONSTRAINT alert_suppressions_email_key UNIQUE (email), ADD CONSTRAINT alert_suppressions_email_index_key UNIQUE (email_index)`);
    await q.query(`ALTER TABLE alert_suppressions ADD CONSTRAINT alert_suppressions_address_present CHECK (email IS NOT NULL OR (email_index IS NOT NULL AND email_enc IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    const [c] = await q.query(
      `SELECT (SELECT count(*) FROM alert_subscriptions WHERE email_enc IS NOT NULL OR email_index IS NOT NULL)::int AS subscriptions,
              (SELECT count(*) FROM alert_suppressions WHERE email IS NULL OR email_enc IS NOT NULL OR email_index IS NOT NULL)::int AS suppressions`,
    );
    if (c.subscriptions > 0 || c.suppressions > 0) {
      throw new Error(`AlertEmailEncryption down: ${c.subscriptions} alert subscriptions and ${c.suppressions} suppression entries hold encrypted addresses; run \`matchlab pii decrypt-existing\` first (a migration cannot read PII_KEYS)`);
    }
    await q.query(`ALTER TABLE alert_suppressions DROP CONSTRAINT alert_suppressions_address_present, DROP CONSTRAINT alert_suppressions_email_index_key, DROP CONSTRAINT alert_suppressions_email_key`);
    await q.query(`ALTER TABLE alert_suppressions DROP COLUMN id, DROP COLUMN email_index, DROP COLUMN email_enc, ALTER COLUMN email SET NOT NULL`);
    await q.query(`ALTER TABLE alert_suppressions ADD CONSTRAINT alert_suppressions_pkey PRIMARY KEY (email)`);
    await q.query(`DROP INDEX alert_subscriptions_email_index_idx`);
    await q.query(`ALTER TABLE alert_subscriptions DROP CONSTRAINT alert_subscriptions_target_check`);
    await q.query(`ALTER TABLE alert_subscriptions DROP COLUMN email_enc, DROP COLUMN email_index`);
    await q.query(`ALTER TABLE alert_subscriptions ADD CONSTRAINT alert_subscriptions_check
      CHECK ((channel = 'email' AND email IS NOT NULL) OR (channel = 'webhook' AND webhook_url IS NOT NULL AND webhook_secret IS NOT NULL))`);
  }
}
