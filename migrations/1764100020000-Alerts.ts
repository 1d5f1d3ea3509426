import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Job alerts: subscriptions (channel, frequency, send hour in the candidate's zone, quiet hours, saved-search
 * filters), one delivery row per (subscription, due time) — the idempotency key of an alert — with its ranked items
 * (the exposure log) and attempts, the sent-jobs ledger (a job reaches a candidate once), and the suppression list.
 */
export class Alerts1764100020000 implements MigrationInterface {
  name = 'Alerts1764100020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_subscriptions (
        id bigserial PRIMARY KEY,
        candidate_id bigint NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        channel varchar(10) NOT NULL CHECK (channel IN ('email','webhook')),
        email varchar(320),
        webhook_url text CHECK (webhook_url ~ '^https?://'),
        webhook_secret text,
        webhook_previous_secret text,
        frequency varchar(10) NOT NULL CHECK (frequency IN ('instant','daily','weekly')),
        send_hour smallint NOT NULL CHECK (send_hour BETWEEN 0 AND 23),
        send_weekday smallint CHECK (send_weekday BETWEEN 1 AND 7),
        time_zone varchar(64) NOT NULL,
        quiet_start smallint CHECK (quiet_start BETWEEN 0 AND 23),
        quiet_end smallint CHECK (quiet_end BETWEEN 0 AND 23),
        filters jsonb NOT NULL DEFAULT '{}',
        model_ref varchar(200),
        top_k smallint NOT NULL DEFAULT 10 CHECK (top_k BETWEEN 1 AND 50),
        status varchar(14) NOT NULL DEFAULT 'active' CHECK (status IN ('active','paused','unsubscribed')),
        status_reason text,
        last_sent_at timestamptz,
        next_due_at timestamptz,
        created_by varchar(320) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK ((channel = 'email' AND email IS NOT NULL) OR (channel = 'webhook' AND webhook_url IS NOT NULL AND webhook_secret IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX alert_subscriptions_due_idx ON alert_subscriptions (next_due_at, id) WHERE status = 'active'`);
    await q.query(`CREATE INDEX alert_subscriptions_candidate_idx ON alert_subscriptions (candidate_id)`);
    await q.query(`
      CREATE TABLE alert_deliveries (
        id bigserial PRIMARY KEY,
        subscription_id bigint NOT NULL REFERENCES alert_subscriptions(id) ON DELETE CASCADE,
        candidate_id bigint NOT NULL,
        channel varchar(10) NOT NULL,
        due_at timestamptz NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        status varchar(12) NOT NULL CHECK (status IN ('pending','retrying','sent','empty','suppressed','failed')),
        message_id varchar(60) NOT NULL,
        ranking_id varchar(64),
        model_ref varchar(200),
        model_version integer,
        experiment_key varchar(100),
        variant varchar(100),
        items jsonb NOT NULL DEFAULT '[]',
        body text,
        attempts integer NOT NULL DEFAULT 0,
        attempt_log jsonb NOT NULL DEFAULT '[]',
        response_status integer,
        last_error text,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        sent_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT alert_deliveries_window_uq UNIQUE (subscription_id, due_at)
      )`);
    await q.query(`CREATE INDEX alert_deliveries_candidate_idx ON alert_deliveries (candidate_id, id DESC)`);
    await q.query(`CREATE INDEX alert_deliveries_retry_idx ON alert_deliveries (next_attempt_at) WHERE status = 'retrying'`);
    await q.query(`CREATE INDEX alert_deliveries_pending_idx ON alert_deliveries (created_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX alert_deliveries_ranking_idx ON alert_deliveries (ranking_id)`);
    await q.query(`
      CREATE TABLE alert_sent_jobs (
        candidate_id bigint NOT NULL,
        job_id bigint NOT NULL,
        delivery_id bigint NOT NULL REFERENCES alert_deliveries(id) ON DELETE CASCADE,
        position integer NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (candidate_id, job_id)
      )`);
    await q.query(`
      CREATE TABLE alert_suppressions (
        email varchar(320) PRIMARY KEY,
        reason varchar(20) NOT NULL CHECK (reason IN ('hard_bounce','complaint','unsubscribe','manual')),
        detail text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['alert_suppressions', 'alert_sent_jobs', 'alert_deliveries', 'alert_subscriptions']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
