import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts: replay of failed deliveries, the in-flight marker of a channel attempt, and owner notices.
 * - `sending_at`: set (compare-and-set) just before an attempt hands the alert to the channel (SMTP transaction,
 *   webhook POST) and cleared when its outcome is recorded. A run that finds it set and older than the send lease
 *   knows the previous attempt's outcome is unknown (the process died in between): it records an `interrupted`
 *   entry and sends again with the same Message-ID / webhook-id. A fresher marker means another run is sending.
 * - `retry_base`: the attempt count when the delivery was last replayed; the retry schedule counts from it.
 * - `alert_owner_notices`: one row per notice to a subscription's owner (the creator of the subscription) when a
 *   webhook subscription is paused by failures or a 410; `no_recipient` when no address could be determined.
 */
export class AlertReplayAndOwnerNotices1764200400000 implements MigrationInterface {
  name = 'AlertReplayAndOwnerNotices1764200400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert_deliveries ADD COLUMN sending_at timestamptz`);
    await q.query(`ALTER TABLE alert_deliveries ADD COLUMN interrupted_attempts integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE alert_deliveries ADD COLUMN retry_base integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE alert_deliveries ADD COLUMN replays integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE alert_deliveries ADD COLUMN last_replayed_at timestamptz`);
    await q.query(`ALTER TABLE alert_deliveries ADD COLUMN last_replayed_by varchar(320)`);
    await q.query(`CREATE INDEX alert_deliveries_sending_idx ON alert_deliveries (sending_at) WHERE sending_at IS NOT NULL`);
    await q.query(`ALTER TABLE alert_subscriptions ADD COLUMN owner_notified_at timestamptz`);
    await q.query(`
      CREATE TABLE alert_owner_notices (
        id bigserial PRIMARY KEY,
        subscription_id bigint NOT NULL REFERENCES alert_subscriptions(id) ON DELETE CASCADE,
        delivery_id bigint REFERENCES alert_deliveries(id) ON DELETE SET NULL,
        reason text NOT NULL,
        status varchar(12) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','no_recipient','failed')),
        recipient varchar(320),
        error text,
        message_id varchar(100),
        attempted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX alert_owner_notices_subscription_idx ON alert_owner_notices (subscription_id, id DESC)`);
    await q.query(`CREATE INDEX alert_owner_notices_pending_idx ON alert_owner_notices (created_at) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS alert_owner_notices`);
    await q.query(`ALTER TABLE alert_subscriptions DROP COLUMN owner_notified_at`);
    await q.query(`DROP INDEX IF EXISTS alert_deliveries_sending_idx`);
    for (const c of ['last_replayed_by', 'last_replayed_at', 'replays', 'retry_base', 'interrupted_attempts', 'sending_at']) await q.query(`ALTER TABLE alert_deliveries DROP COLUMN ${c}`);
  }
}
