import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registry events as an outbox (written in the same transaction as the change), and their delivery to webhook
 * subscriptions: subscriptions with a signing secret and filters, one delivery row per (subscription, event)
 * with its attempts, and a marker per event already fanned out.
 */
export class RegistryWebhooks1764100009000 implements MigrationInterface {
  name = 'RegistryWebhooks1764100009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry_events (
        id bigserial PRIMARY KEY,
        event_id varchar(40) NOT NULL UNIQUE,
        type varchar(40) NOT NULL,
        model varchar(100) NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX registry_events_created_idx ON registry_events (created_at)`);
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id bigserial PRIMARY KEY,
        url text NOT NULL CHECK (url ~ '^https?://'),
        description text NOT NULL DEFAULT '',
        event_types text[] NOT NULL DEFAULT '{}',
        models text[] NOT NULL DEFAULT '{}',
        secret text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        created_by varchar(320) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE TABLE webhook_dispatched_events (
        event_id bigint PRIMARY KEY REFERENCES registry_events(id),
        deliveries integer NOT NULL,
        dispatched_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        subscription_id bigint NOT NULL REFERENCES webhook_subscriptions(id),
        event_id bigint NOT NULL REFERENCES registry_events(id),
        message_id varchar(40) NOT NULL,
        event_type varchar(40) NOT NULL,
        model varchar(100) NOT NULL,
        body text NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','retrying','succeeded','failed')),
        attempts integer NOT NULL DEFAULT 0,
        response_status integer,
        last_error text,
        duration_ms integer,
        attempt_log jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        last_attempt_at timestamptz,
        next_attempt_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT webhook_deliveries_once UNIQUE (subscription_id, event_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, id DESC)`);
    await q.query(`CREATE INDEX webhook_deliveries_open_idx ON webhook_deliveries (created_at) WHERE status IN ('pending','retrying')`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['webhook_deliveries', 'webhook_dispatched_events', 'webhook_subscriptions', 'registry_events']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
