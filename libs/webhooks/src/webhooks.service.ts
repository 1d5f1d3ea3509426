import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { QueueNames } from '@app/queue';
import { PlatformMetrics } from '@app/telemetry';
import { REGISTRY_EVENT_TYPES, type RegistryEvent } from '@app/registry';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { checkWebhookUrl } from './address-guard.js';
import { postWebhook, type PostResult } from './http-delivery.js';
import { classifyResponse, retryDelayMs } from './retry.js';
import { generateSecret, secretKey, webhookHeaders } from './signing.js';
import { WebhookDeliveryEntity, WebhookSubscriptionEntity, type AttemptRecord, type DeliveryStatus } from './webhook.entity.js';
import { WebhookError } from './webhooks.errors.js';

/** A subscription as shown after creation: never the secret, only its first characters. */
export type WebhookView = Omit<WebhookSubscriptionEntity, 'secret'> & { secretHint: string };

export interface CreateWebhook {
  url: string;
  events?: string[];
  models?: string[];
  description?: string;
  secret?: string;
}

/** What one attempt came to; a `retry` is queued again once its `next_attempt_at` is due (see enqueueDueRetries). */
export type AttemptResult =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'retry'; retryInMs: number; error: string }
  | { outcome: 'failed'; error: string }
  | { outcome: 'skipped'; reason: string };

/** Events older than this are never fanned out (a worker that was down for days does not replay them). */
const DISPATCH_WINDOW = '3 days';
const MODEL_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Webhook subscriptions, the fan-out of registry events to them, and signed delivery attempts. */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @InjectQueue(QueueNames.webhooks) private readonly queue: Queue,
    @Optional() @Inject(PlatformMetrics) private readonly metrics?: PlatformMetrics,
  ) {}

  async create(input: CreateWebhook, actor: string): Promise<{ webhook: WebhookView; secret: string }> {
    const url = checkWebhookUrl(input.url.trim(), this.config.webhooks.allowPrivateUrls);
    if (!url.ok) throw new WebhookError('INVALID_INPUT', url.reason);
    const events = [...new Set(input.events ?? [])];
    const unknown = events.filter((e) => !(REGISTRY_EVENT_TYPES as readonly string[]).includes(e));
    if (unknown.length) throw new WebhookError('INVALID_INPUT', `unknown event type ${unknown.map((e) => `"${e}"`).join(', ')}; known: ${REGISTRY_EVENT_TYPES.join(', ')}`);
    const models = [...new Set(input.models ?? [])];
    const badModel = models.find((m) => !MODEL_NAME.test(m) || m.length > 100);
    if (badModel !== undefined) throw new WebhookError('INVALID_INPUT', `model name "${badModel}" is not valid`);
    const secret = input.secret ?? generateSecret();
    try {
      secretKey(secret);
    } catch (err) {
      throw new WebhookError('INVALID_INPUT', `secret: ${(err as Error).message}`);
    }
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO webhook_subscriptions (url, description, event_types, models, secret, enabled, created_by)
       VALUES ($1, $2, $3, $4, $5, true, $6) RETURNING id::text AS id`,
      [url.url.toString(), input.description ?? '', events, models, secret, actor],
    );
    return { webhook: await this.get(rows[0]!.id), secret };
  }

  async list(): Promise<WebhookView[]> {
    const rows = await this.subscriptions().orderBy('s.id', 'ASC').getMany();
    return rows.map(withHint);
  }

  async get(id: string): Promise<WebhookView> {
    if (!/^\d+$/.test(id)) throw new WebhookError('NOT_FOUND', `webhook ${id} not found`);
    const row = await this.subscriptions().where('s.id = :id', { id }).getOne();
    if (!row) throw new WebhookError('NOT_FOUND', `webhook ${id} not found`);
    return withHint(row);
  }

  /** Disabling stops new deliveries and any retries still pending for it; enabling resumes with later events. */
  async setEnabled(id: string, enabled: boolean, reason?: string): Promise<WebhookView> {
    await this.get(id);
    await this.db.query(`UPDATE webhook_subscriptions SET enabled = $2, disabled_reason = $3, updated_at = clock_timestamp() WHERE id = $1`, [id, enabled, enabled ? null : (reason ?? 'disabled')]);
    return this.get(id);
  }

  async deliveries(webhookId: string, filter: { status?: string; limit?: number } = {}): Promise<WebhookDeliveryEntity[]> {
    await this.get(webhookId);
    if (filter.status && !['pending', 'retrying', 'succeeded', 'failed'].includes(filter.status)) {
      throw new WebhookError('INVALID_INPUT', `status must be pending, retrying, succeeded or failed, got "${filter.status}"`);
    }
    return this.db.getRepository(WebhookDeliveryEntity).find({
      where: { subscriptionId: webhookId, ...(filter.status ? { status: filter.status as DeliveryStatus } : {}) },
      order: { id: 'DESC' },
      take: Math.min(Math.max(filter.limit ?? 50, 1), 500),
    });
  }

  /**
   * Fans registry events out to the subscriptions that want them: one delivery row per (subscription, event),
   * written with a marker for the event in one transaction (concurrent dispatchers skip each other's events),
   * then one queued job per delivery. A subscription receives events recorded after it was created.
   */
  async dispatchPending(): Promise<{ events: number; deliveries: number }> {
    const { events, ids } = await this.db.transaction(async (tx) => {
      const pending: Array<{ id: string; event_id: string; type: string; model: string; payload: RegistryEvent; created_at: Date }> = await tx.query(
        `SELECT e.id::text AS id, e.event_id, e.type, e.model, e.payload, e.created_at FROM registry_events e
          WHERE e.created_at > now() - interval '${DISPATCH_WINDOW}'
            AND NOT EXISTS (SELECT 1 FROM webhook_dispatched_events d WHERE d.event_id = e.id)
          ORDER BY e.id LIMIT 200
          FOR UPDATE OF e SKIP LOCKED`,
      );
      if (pending.length === 0) return { events: 0, ids: [] as string[] };
      const subs: Array<{ id: string; event_types: string[]; models: string[]; created_at: Date }> = await tx.query(
        `SELECT id::text AS id, event_types, models, created_at FROM webhook_subscriptions WHERE enabled`,
      );
      const created: string[] = [];
      for (const e of pending) {
        const targets = subs.filter((s) => s.created_at <= e.created_at && (s.event_types.length === 0 || s.event_types.includes(e.type)) && (s.models.length === 0 || s.models.includes(e.model)));
        const body = deliveryBody(e.payload);
        for (const s of targets) {
          const rows: Array<{ id: string }> = await tx.query(
            `INSERT INTO webhook_deliveries (subscription_id, event_id, message_id, event_type, model, body, status)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending') ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id::text AS id`,
            [s.id, e.id, e.event_id, e.type, e.model, body],
          );
          created.push(...rows.map((r) => r.id));
        }
        await tx.query(`INSERT INTO webhook_dispatched_events (event_id, deliveries) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING`, [e.id, targets.length]);
      }
      return { events: pending.length, ids: created };
    });
    await this.enqueue(ids.map((id) => ({ id, attempt: 1 })));
    return { events, deliveries: ids.length };
  }

  /**
   * Heals what a crash between commit and enqueue (or a lost queue) would strand: pending deliveries older than a
   * minute, and retries overdue by five, get their job again (the job id makes this a no-op when the job exists).
   */
  async requeueStale(): Promise<number> {
    const rows: Array<{ id: string; attempts: number }> = await this.db.query(
      `SELECT id::text AS id, attempts FROM webhook_deliveries
        WHERE (status = 'pending' AND created_at < now() - interval '1 minute')
           OR (status = 'retrying' AND next_attempt_at < now() - interval '5 minutes')
        ORDER BY id LIMIT 500`,
    );
    await this.enqueue(rows.map((r) => ({ id: r.id, attempt: r.attempts + 1 })));
    return rows.length;
  }

  /**
   * Queues the next attempt of every delivery whose retry is due. Retries are scheduled by the row's
   * `next_attempt_at` rather than as delayed queue jobs: the delivery log stays the one source of truth, and the
   * queue only ever holds runnable jobs (a worker on the Postgres backend without NOTIFY — embedded PGlite — would
   * otherwise sleep until the latest delayed job instead of picking up new ones).
   */
  async enqueueDueRetries(): Promise<number> {
    const rows: Array<{ id: string; attempts: number }> = await this.db.query(
      `SELECT id::text AS id, attempts FROM webhook_deliveries
        WHERE status = 'retrying' AND next_attempt_at <= clock_timestamp() ORDER BY next_attempt_at LIMIT 500`,
    );
    await this.enqueue(rows.map((r) => ({ id: r.id, attempt: r.attempts + 1 })));
    return rows.length;
  }

  /** How often workers look for due retries: often enough for the first retry delay, at most every second. */
  get retryPollMs(): number {
    return Math.min(1000, Math.max(50, Math.floor(this.config.webhooks.retryBaseMs / 2)));
  }

  /**
   * One signed POST of a delivery, recorded on its row. `attempt` is the attempt the job was queued for: a job
   * queued twice for the same attempt (two workers saw the retry due) runs once.
   */
  async attempt(deliveryId: string, expectedAttempt?: number): Promise<AttemptResult> {
    const rows: Array<WebhookDeliveryRow> = await this.db.query(
      `SELECT d.id::text AS id, d.status, d.attempts, d.message_id, d.body, s.id::text AS subscription_id, s.url, s.secret, s.enabled
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.id = $1`,
      [deliveryId],
    );
    const d = rows[0];
    if (!d) return { outcome: 'skipped', reason: `delivery ${deliveryId} not found` };
    if (d.status === 'succeeded' || d.status === 'failed') return { outcome: 'skipped', reason: `delivery ${deliveryId} is already ${d.status}` };
    if (expectedAttempt !== undefined && expectedAttempt !== d.attempts + 1) return { outcome: 'skipped', reason: `attempt ${expectedAttempt} of delivery ${deliveryId} already made` };
    if (!d.enabled) {
      await this.db.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = $2, next_attempt_at = NULL, finished_at = clock_timestamp() WHERE id = $1`, [d.id, 'webhook disabled before delivery']);
      return { outcome: 'skipped', reason: 'webhook disabled' };
    }
    const { maxAttempts, retryBaseMs, timeoutMs, allowPrivateUrls } = this.config.webhooks;
    const attempt = d.attempts + 1;
    const at = new Date();
    let result: PostResult;
    try {
      result = await postWebhook(d.url, d.body, webhookHeaders(d.secret, d.message_id, Math.floor(at.getTime() / 1000), d.body), { timeoutMs, allowPrivate: allowPrivateUrls });
    } catch (err) {
      result = { status: null, error: (err as Error).message, durationMs: Date.now() - at.getTime() };
    }
    const kind = classifyResponse(result.status);
    this.metrics?.webhookAttempts.inc({ source: 'registry', outcome: result.status === null ? 'error' : kind });
    const error = kind === 'delivered' ? null : (result.error ?? `HTTP ${result.status}${result.responseSnippet ? `: ${result.responseSnippet.slice(0, 200)}` : ''}`);
    const record: AttemptRecord = { at: at.toISOString(), status: result.status, error, durationMs: result.durationMs };
    let status: DeliveryStatus;
    let retryInMs: number | undefined;
    if (kind === 'delivered') status = 'succeeded';
    else if (kind === 'gone' || attempt >= maxAttempts) status = 'failed';
    else {
      status = 'retrying';
      retryInMs = retryDelayMs(attempt, retryBaseMs, { retryAfterMs: result.retryAfterMs });
    }
    const updated: unknown[] = await this.db.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, response_status = $4, last_error = $5, duration_ms = $6,
              attempt_log = attempt_log || $7::jsonb, last_attempt_at = $8, next_attempt_at = $9,
              finished_at = CASE WHEN $10::boolean THEN clock_timestamp() ELSE NULL END
        WHERE id = $1 AND attempts = $11 RETURNING id`,
      [d.id, status, attempt, result.status, error, result.durationMs, JSON.stringify([record]), at, retryInMs === undefined ? null : new Date(Date.now() + retryInMs), status !== 'retrying', d.attempts],
    );
    // Another worker recorded this attempt first (the same attempt queued twice): its record stands.
    if ((Array.isArray(updated[0]) ? (updated[0] as unknown[]).length : updated.length) === 0) return { outcome: 'skipped', reason: `attempt ${attempt} of delivery ${deliveryId} recorded elsewhere` };
    if (kind === 'gone') {
      // Standard Webhooks: 410 Gone retires the endpoint.
      await this.setEnabled(d.subscription_id, false, 'endpoint answered 410 Gone');
      this.logger.warn(`webhook ${d.subscription_id} disabled: ${d.url} answered 410 Gone`);
    }
    if (status === 'succeeded') return { outcome: 'delivered', status: result.status! };
    if (status === 'retrying') return { outcome: 'retry', retryInMs: retryInMs!, error: error! };
    return { outcome: 'failed', error: `${error} (attempt ${attempt} of ${maxAttempts})` };
  }

  /** One job per (delivery, attempt): the job id makes a second add of the same attempt a no-op. */
  private async enqueue(items: Array<{ id: string; attempt: number }>): Promise<void> {
    if (items.length === 0) return;
    await this.queue.addBulk(
      items.map(({ id, attempt }) => ({
        name: 'deliver',
        data: { deliveryId: id, attempt },
        opts: { jobId: `delivery-${id}-${attempt}`, attempts: 1, removeOnComplete: { age: 86400, count: 5000 }, removeOnFail: { age: 7 * 86400, count: 5000 } },
      })),
    );
  }

  private subscriptions() {
    return this.db.getRepository(WebhookSubscriptionEntity).createQueryBuilder('s').addSelect('s.secret');
  }
}

interface WebhookDeliveryRow {
  id: string;
  status: DeliveryStatus;
  attempts: number;
  message_id: string;
  body: string;
  subscription_id: string;
  url: string;
  secret: string;
  enabled: boolean;
}

function withHint(s: WebhookSubscriptionEntity): WebhookView {
  const { secret, ...rest } = s;
  return { ...rest, secretHint: `${secret.slice(0, 10)}…` };
}

/** The payload every subscription receives for an event: `{ type, timestamp, data }` (Standard Webhooks). */
export function deliveryBody(event: RegistryEvent): string {
  const { id, type, at, ...data } = event;
  return JSON.stringify({ type, timestamp: at, data: { eventId: id, ...data } });
}
