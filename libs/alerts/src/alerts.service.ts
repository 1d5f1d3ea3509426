import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { lookup } from 'node:dns/promises';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@app/config';
import { PiiCipher, piiContext } from '@app/pii';
import { QueueNames } from '@app/queue';
import { PlatformMetrics } from '@app/telemetry';
import { classifyResponse, generateSecret, postWebhook, sign, type PostResult } from '@app/webhooks';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ALERT_MAX_ATTEMPTS, alertRetryDelayMs } from './alert-retry.js';
import { AlertDeliveryEntity, AlertOwnerNoticeEntity, AlertSubscriptionEntity, type AlertAttempt, type AlertDeliveryStatus, type AlertItem, type SubscriptionStatus } from './alert.entity.js';
import { AlertRanker, windowRankJob } from './alert-ranker.js';
import { AlertError } from './alerts.errors.js';
import { eligibleJobs, rankTop, type AlertFilters, type WindowJob } from './compose.js';
import { renderAlertEmail } from './email-template.js';
import { AlertMailer } from './mailer.js';
import { renderOwnerNotice } from './owner-notice.js';
import { alertWindow, nextDueAt, type ScheduleSpec } from './schedule.js';
import { openToken, sealToken } from './tokens.js';
import { redactAddress, revealSubscriptionEmail, withSubscriptionEmail } from './subscription-email.js';
import { checkAlertWebhookUrl, isValidEmail, validateSubscription, type SubscriptionInput } from './validation.js';

export type SubscriptionPatch = Partial<Omit<SubscriptionInput, 'candidateId' | 'channel'>> & { status?: 'active' | 'paused' };

export type RunResult =
  | { outcome: 'sent'; deliveryId: string; items: number }
  | { outcome: 'empty' | 'suppressed' | 'skipped'; deliveryId?: string; reason: string }
  | { outcome: 'retry'; deliveryId: string; retryInMs: number; error: string }
  | { outcome: 'failed'; deliveryId: string; error: string };

/** The attempt-log entry of an attempt whose process died after handing the alert to the channel. */
const INTERRUPTED = 'interrupted: the process stopped after handing this attempt to the channel and before recording the outcome; it may have been accepted. Sent again with the same Message-ID / webhook-id';

/** Jobs considered per alert: the newest in the window (an alert shows at most 50). */
const WINDOW_POOL = 1000;
/** Window job lists are shared by the alerts of subscriptions due at the same time, for this long. */
const WINDOW_CACHE_MS = 30_000;

interface DeliveryRow {
  id: string;
  subscription_id: string;
  candidate_id: string;
  channel: 'email' | 'webhook';
  status: AlertDeliveryStatus;
  attempts: number;
  retry_base: number;
  message_id: string;
  ranking_id: string | null;
  items: AlertItem[];
  body: string | null;
  window_start: Date;
  window_end: Date;
  variant: string | null;
  experiment_key: string | null;
  model_version: number | null;
  sub_status: SubscriptionStatus;
  /** The address: an envelope (decrypted only when the mail is sent), or the legacy plaintext of a row not yet encrypted. */
  email_enc: string | null;
  legacy_email: string | null;
  email_index: string | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  webhook_previous_secret: string | null;
  frequency: 'instant' | 'daily' | 'weekly';
  filters: AlertFilters;
  model_ref: string | null;
  top_k: number;
  /** Legacy plaintext name, else null: the name is the envelope `candidate_name_enc` (decrypted when the mail is composed). */
  candidate_name: string | null;
  candidate_name_enc: string | null;
  candidate_source: string | null;
  candidate_external_id: string | null;
  /** The candidate's consent_alerts (false when the candidate is gone). */
  consent_alerts: boolean;
  suppressed: boolean;
}

/** Subscriptions, the composition and delivery of each alert, and the links in them. */
@Injectable()
export class AlertsService implements OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private mailerInstance?: AlertMailer;
  private readonly windowCache = new Map<string, { at: number; jobs: Promise<WindowJob[]> }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(AlertRanker) readonly ranker: AlertRanker,
    @InjectQueue(QueueNames.alerts) private readonly queue: Queue,
    @Optional() @Inject(PlatformMetrics) private readonly metrics?: PlatformMetrics,
  ) {}

  onModuleDestroy(): void {
    this.mailerInstance?.close();
  }

  private get pii(): PiiCipher {
    return PiiCipher.forConfig(this.config);
  }

  /** The stored form of an address: envelope bound to the subscription, and the keyed blind index. */
  private sealEmail(subscriptionId: string, email: string | null): { enc: string | null; index: string | null } {
    return { enc: this.pii.encrypt(email, piiContext.subscriptionEmail(subscriptionId)), index: this.pii.emailIndex(email) };
  }

  private get mailer(): AlertMailer {
    return (this.mailerInstance ??= new AlertMailer(this.config.alerts.smtp));
  }

  // ---------------------------------------------------------------- subscriptions

  async subscribe(input: SubscriptionInput, actor: string): Promise<{ subscription: AlertSubscriptionEntity; secret: string | null }> {
    const v = validateSubscription(input);
    let webhookUrl: string | null = null;
    let secret: string | null = null;
    if (v.channel === 'webhook') {
      webhookUrl = await this.checkUrl(v.webhookUrl!);
      secret = input.webhookSecret ?? generateSecret();
      try {
        sign(secret, 'probe', 0, '');
      } catch (err) {
        throw new AlertError('INVALID_INPUT', `webhookSecret: ${(err as Error).message}`);
      }
    }
    await this.assertCandidate(v.candidateId);
    const due = nextDueAt(v, Date.now());
    // The id first: the address's envelope is bound to it. Then one statement: a subscription is created whole or not at all.
    const id = String((await this.db.query(`SELECT nextval(pg_get_serial_sequence('alert_subscriptions', 'id'))::text AS id`))[0].id);
    const email = this.sealEmail(id, v.email);
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO alert_subscriptions (id, candidate_id, channel, email_enc, email_index, webhook_url, webhook_secret, frequency, send_hour, send_weekday, time_zone, quiet_start, quiet_end, filters, model_ref, top_k, status, next_due_at, created_by)
       VALUES ($17,$1,$2,$3,$18,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,'active',$15,$16) RETURNING id::text AS id`,
      [v.candidateId, v.channel, email.enc, webhookUrl, secret, v.frequency, v.sendHour, v.sendWeekday, v.timeZone, v.quietStart, v.quietEnd, JSON.stringify(v.filters), v.modelRef, v.topK, new Date(due), actor.slice(0, 320), id, email.index],
    );
    return { subscription: await this.get(rows[0]!.id), secret };
  }

  async update(id: string, patch: SubscriptionPatch): Promise<AlertSubscriptionEntity> {
    const cur = await this.get(id);
    if (cur.status === 'unsubscribed') throw new AlertError('CONFLICT', `subscription ${id} is unsubscribed; create a new one`);
    const merged: SubscriptionInput = {
      candidateId: cur.candidateId,
      channel: cur.channel,
      email: patch.email !== undefined ? patch.email : cur.email,
      webhookUrl: patch.webhookUrl !== undefined ? patch.webhookUrl : cur.webhookUrl,
      frequency: patch.frequency ?? cur.frequency,
      sendHour: patch.sendHour ?? cur.sendHour,
      sendWeekday: patch.sendWeekday !== undefined ? patch.sendWeekday : cur.sendWeekday,
      timeZone: patch.timeZone ?? cur.timeZone,
      quietStart: patch.quietStart !== undefined ? patch.quietStart : cur.quietStart,
      quietEnd: patch.quietEnd !== undefined ? patch.quietEnd : cur.quietEnd,
      filters: patch.filters !== undefined ? patch.filters : cur.filters,
      modelRef: patch.modelRef !== undefined ? patch.modelRef : cur.modelRef,
      topK: patch.topK ?? cur.topK,
    };
    const v = validateSubscription(merged);
    const webhookUrl = v.channel === 'webhook' && v.webhookUrl !== cur.webhookUrl ? await this.checkUrl(v.webhookUrl!) : cur.webhookUrl;
    const status = patch.status ?? cur.status;
    if (status !== 'active' && status !== 'paused') throw new AlertError('INVALID_INPUT', `status must be active or paused, got "${status}"`);
    const due = nextDueAt(v, Date.now());
    const email = this.sealEmail(id, v.email);
    await this.db.query(
      `UPDATE alert_subscriptions SET email=NULL, email_enc=$2, email_index=$15, webhook_url=$3, frequency=$4, send_hour=$5, send_weekday=$6, time_zone=$7, quiet_start=$8, quiet_end=$9, filters=$10, model_ref=$11, top_k=$12,
              status=$13::text, status_reason = CASE WHEN $13::text = status THEN status_reason ELSE NULL END, next_due_at=$14, updated_at=clock_timestamp() WHERE id=$1`,
      [id, email.enc, webhookUrl, v.frequency, v.sendHour, v.sendWeekday, v.timeZone, v.quietStart, v.quietEnd, JSON.stringify(v.filters), v.modelRef, v.topK, status, new Date(due), email.index],
    );
    return this.get(id);
  }

  /** Starts a secret rotation: new attempts are signed with the new and the previous secret until `finishRotation`. */
  async rotateSecret(id: string): Promise<{ subscription: AlertSubscriptionEntity; secret: string }> {
    const cur = await this.get(id);
    if (cur.channel !== 'webhook') throw new AlertError('INVALID_INPUT', `subscription ${id} is not a webhook subscription`);
    const secret = generateSecret();
    await this.db.query(`UPDATE alert_subscriptions SET webhook_previous_secret = webhook_secret, webhook_secret = $2, updated_at = clock_timestamp() WHERE id = $1`, [id, secret]);
    return { subscription: await this.get(id), secret };
  }

  async unsubscribe(id: string, reason = 'unsubscribed'): Promise<AlertSubscriptionEntity> {
    await this.get(id);
    await this.db.query(`UPDATE alert_subscriptions SET status = 'unsubscribed', status_reason = $2, next_due_at = NULL, updated_at = clock_timestamp() WHERE id = $1`, [id, reason.slice(0, 500)]);
    return this.get(id);
  }

  async get(id: string): Promise<AlertSubscriptionEntity> {
    if (!/^\d{1,18}$/.test(id)) throw new AlertError('NOT_FOUND', `alert subscription ${id} not found`);
    const row = await this.db.getRepository(AlertSubscriptionEntity).findOne({ where: { id } });
    if (!row) throw new AlertError('NOT_FOUND', `alert subscription ${id} not found`);
    return withSubscriptionEmail(this.pii, row);
  }

  async subscriptionsOf(candidateId: string): Promise<AlertSubscriptionEntity[]> {
    if (!/^\d{1,18}$/.test(candidateId)) throw new AlertError('INVALID_INPUT', `candidateId must be a numeric id, got "${candidateId}"`);
    return (await this.db.getRepository(AlertSubscriptionEntity).find({ where: { candidateId }, order: { id: 'ASC' } })).map((s) => withSubscriptionEmail(this.pii, s));
  }

  async history(candidateId: string, limit = 50): Promise<AlertDeliveryEntity[]> {
    if (!/^\d{1,18}$/.test(candidateId)) throw new AlertError('INVALID_INPUT', `candidateId must be a numeric id, got "${candidateId}"`);
    return this.db.getRepository(AlertDeliveryEntity).find({ where: { candidateId }, order: { id: 'DESC' }, take: Math.min(Math.max(limit, 1), 500) });
  }

  async deliveries(filter: { subscriptionId?: string; candidateId?: string; status?: string; channel?: string; limit?: number }): Promise<AlertDeliveryEntity[]> {
    const statuses = ['pending', 'retrying', 'sent', 'empty', 'suppressed', 'failed'];
    if (filter.status && !statuses.includes(filter.status)) throw new AlertError('INVALID_INPUT', `status must be one of ${statuses.join(', ')}, got "${filter.status}"`);
    if (filter.channel && !['email', 'webhook'].includes(filter.channel)) throw new AlertError('INVALID_INPUT', `channel must be email or webhook, got "${filter.channel}"`);
    for (const [k, v] of [['subscriptionId', filter.subscriptionId], ['candidateId', filter.candidateId]] as const) {
      if (v !== undefined && !/^\d{1,18}$/.test(v)) throw new AlertError('INVALID_INPUT', `${k} must be a numeric id, got "${v}"`);
    }
    return this.db.getRepository(AlertDeliveryEntity).find({
      where: {
        ...(filter.subscriptionId ? { subscriptionId: filter.subscriptionId } : {}),
        ...(filter.candidateId ? { candidateId: filter.candidateId } : {}),
        ...(filter.status ? { status: filter.status as AlertDeliveryStatus } : {}),
        ...(filter.channel ? { channel: filter.channel as 'email' | 'webhook' } : {}),
      },
      order: { id: 'DESC' },
      take: Math.min(Math.max(filter.limit ?? 50, 1), 500),
    });
  }

  /**
   * Puts an address on the suppression list, keyed by its blind index (the address itself only as an envelope bound
   * to that index). `detail` must not quote the address (see {@link redactAddress}).
   */
  async suppress(email: string, reason: 'hard_bounce' | 'complaint' | 'unsubscribe' | 'manual', detail?: string): Promise<void> {
    const address = email.trim().toLowerCase();
    const index = this.pii.emailIndex(address)!;
    await this.db.query(
      `INSERT INTO alert_suppressions (email_index, email_enc, reason, detail) VALUES ($1, $2, $3, $4) ON CONFLICT (email_index) DO NOTHING`,
      [index, this.pii.encrypt(address, piiContext.suppressionEmail(index)), reason, detail === undefined ? null : redactAddress(detail, address)],
    );
  }

  /** Whether an address (by its blind index, or a legacy plaintext entry) is on the suppression list. */
  async isSuppressed(email: string): Promise<boolean> {
    const address = email.trim().toLowerCase();
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM alert_suppressions WHERE email_index = $1 OR email = $2 LIMIT 1`, [this.pii.emailIndex(address), address]);
    return rows.length > 0;
  }

  // ---------------------------------------------------------------- scheduling

  /**
   * Queues one `alert` job per due active subscription, in keyset batches. The job id is the idempotency key
   * (subscription, due time): re-enqueueing while a job exists is a no-op, and the delivery row's unique
   * (subscription, due_at) makes a late duplicate a no-op too.
   */
  async enqueueDue(now?: Date): Promise<number> {
    const batch = this.config.alerts.batchSize;
    // "Now" is the database's clock by default: a JS Date is whole milliseconds, so a subscription made due by
    // `now()` within the same millisecond would not yet count as due. The keyset cursor keeps the database's
    // microseconds (a JS Date would truncate them and revisit rows). The order is by the bigint id, like the keyset
    // comparison (a bare `id` would sort by the text alias: batches then skipped ids until the next tick).
    let after: { at: string; id: string } | null = null;
    let total = 0;
    for (;;) {
      const rows: Array<{ id: string; due: Date; due_exact: string }> = await this.db.query(
        `SELECT id::text AS id, next_due_at AS due, next_due_at::text AS due_exact FROM alert_subscriptions
          WHERE status = 'active' AND next_due_at <= COALESCE($1::timestamptz, clock_timestamp()) ${after ? 'AND (next_due_at, id) > ($3::timestamptz, $4::bigint)' : ''}
          ORDER BY next_due_at, alert_subscriptions.id LIMIT $2`,
        after ? [now ?? null, batch, after.at, after.id] : [now ?? null, batch],
      );
      if (rows.length === 0) break;
      await this.queue.addBulk(
        rows.map((r) => ({
          name: 'alert',
          data: { subscriptionId: r.id, dueAt: r.due.getTime() },
          opts: { jobId: `alert-${r.id}-${r.due.getTime()}`, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 3600, count: 200_000 }, removeOnFail: { age: 7 * 86400 } },
        })),
      );
      total += rows.length;
      const last = rows[rows.length - 1]!;
      after = { at: last.due_exact, id: last.id };
      if (rows.length < batch) break;
    }
    return total;
  }

  /**
   * Queues the next attempt of deliveries whose retry is due, and deliveries a crash left unfinished: pending for
   * 2 minutes without being handed to the channel, or handed to it (`sending_at`) longer ago than the send lease.
   * Owner notices a crash left unsent are sent too.
   */
  async enqueueRetries(): Promise<number> {
    const rows: Array<{ id: string; attempts: number; marker: string | null }> = await this.db.query(
      `SELECT id::text AS id, attempts, (extract(epoch FROM sending_at) * 1000000)::bigint::text AS marker FROM alert_deliveries
        WHERE (status = 'retrying' AND next_attempt_at <= clock_timestamp() AND (sending_at IS NULL OR sending_at < clock_timestamp() - $1::int * interval '1 millisecond'))
           OR (status = 'pending' AND sending_at IS NULL AND created_at < clock_timestamp() - interval '2 minutes')
           OR (status = 'pending' AND sending_at < clock_timestamp() - $1::int * interval '1 millisecond')
        ORDER BY id LIMIT 1000`,
      [this.config.alerts.sendLeaseMs],
    );
    await this.resendOwnerNotices();
    if (rows.length === 0) return 0;
    await this.queue.addBulk(
      rows.map((r) => this.attemptJob(r.id, r.attempts + 1, r.marker)),
    );
    return rows.length;
  }

  /**
   * The queued job of one delivery attempt; its id makes a second enqueue of the same attempt a no-op. Taking over an
   * attempt whose run died mid-send gets an id of its own (the stale marker's time): the dead run's job may have been
   * re-run by BullMQ already and completed without sending (the marker was still within its lease then).
   */
  private attemptJob(deliveryId: string, attempt: number, staleMarker: string | null = null) {
    return { name: 'attempt', data: { deliveryId, attempt }, opts: { jobId: `alert-attempt-${deliveryId}-${attempt}${staleMarker ? `-taken-${staleMarker}` : ''}`, attempts: 1, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 86400 } } };
  }

  get retryPollMs(): number {
    return Math.min(1000, Math.max(50, Math.floor((5000 * this.config.alerts.retryScale) / 2)));
  }

  /**
   * One alert: claims the (subscription, due time) window — creating its delivery row and moving the schedule on
   * in one transaction — then composes and delivers it. A second run of the same window finds the row and only
   * resumes what is unfinished.
   */
  async processAlert(subscriptionId: string, dueAtMs: number): Promise<RunResult> {
    const claimed = await this.db.transaction(async (tx) => {
      const subs: Array<{ status: SubscriptionStatus; next_due_at: Date | null; last_sent_at: Date | null; candidate_id: string; channel: 'email' | 'webhook' } & ScheduleSpec & Record<string, unknown>> = await tx.query(
        `SELECT status, next_due_at, last_sent_at, candidate_id::text AS candidate_id, channel, frequency, time_zone AS "timeZone", send_hour AS "sendHour", send_weekday AS "sendWeekday", quiet_start AS "quietStart", quiet_end AS "quietEnd"
           FROM alert_subscriptions WHERE id = $1 FOR UPDATE`,
        [subscriptionId],
      );
      const s = subs[0];
      const existing: Array<{ id: string }> = await tx.query(`SELECT id::text AS id FROM alert_deliveries WHERE subscription_id = $1 AND due_at = $2`, [subscriptionId, new Date(dueAtMs)]);
      if (existing[0]) return { deliveryId: existing[0].id };
      if (!s || s.status !== 'active' || !s.next_due_at || s.next_due_at.getTime() !== dueAtMs) return { skip: 'not due (changed, paused or already handled)' };
      const now = Date.now();
      // The window ends at the due time, so it depends only on (last successful send, due time): a rerun of the
      // same window composes the same jobs, and subscriptions due together share one window query.
      const w = alertWindow(s.frequency, s.last_sent_at ? s.last_sent_at.getTime() : null, dueAtMs);
      const rows: Array<{ id: string }> = await tx.query(
        `INSERT INTO alert_deliveries (subscription_id, candidate_id, channel, due_at, window_start, window_end, status, message_id)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id::text AS id`,
        [subscriptionId, s.candidate_id, s.channel, new Date(dueAtMs), new Date(w.since), new Date(w.until), `msg_alert_${subscriptionId}_${dueAtMs}`],
      );
      await tx.query(`UPDATE alert_subscriptions SET next_due_at = $2 WHERE id = $1`, [subscriptionId, new Date(nextDueAt(s, Math.max(now, dueAtMs)))]);
      return { deliveryId: rows[0]!.id };
    });
    if ('skip' in claimed) return { outcome: 'skipped', reason: claimed.skip! };
    return this.run(claimed.deliveryId);
  }

  /** Composes (once) and attempts a delivery. `expectedAttempt` makes a duplicated attempt job a no-op. */
  async run(deliveryId: string, expectedAttempt?: number): Promise<RunResult> {
    let d: DeliveryRow | null = await this.loadDelivery(deliveryId);
    if (!d) return { outcome: 'skipped', reason: `alert delivery ${deliveryId} not found` };
    if (d.status !== 'pending' && d.status !== 'retrying') return { outcome: 'skipped', deliveryId, reason: `already ${d.status}` };
    if (expectedAttempt !== undefined && expectedAttempt !== d.attempts + 1) return { outcome: 'skipped', deliveryId, reason: `attempt ${expectedAttempt} already made` };
    if (d.sub_status !== 'active') return this.finish(d, 'suppressed', `subscription is ${d.sub_status}`);
    // Consent (privacy): no alert without the candidate's consent_alerts; recorded on the delivery as the reason.
    if (!d.consent_alerts) return this.finish(d, 'suppressed', 'no consent: the candidate has not consented to alerts (consent_alerts = false)');
    if (d.channel === 'email' && d.suppressed) return this.finish(d, 'suppressed', 'the address is on the suppression list');
    if (d.ranking_id === null) {
      const composed = await this.compose(d);
      if (composed === 'empty') return this.finish(d, 'empty', 'no new jobs in the window');
      d = { ...d, ...composed };
    }
    const result = d.channel === 'email' ? await this.sendEmail(d) : await this.sendWebhook(d);
    this.metrics?.alertSends.inc({ channel: d.channel, outcome: result.outcome });
    return result;
  }

  private async compose(d: DeliveryRow): Promise<Pick<DeliveryRow, 'ranking_id' | 'items' | 'body' | 'model_version' | 'variant' | 'experiment_key'> | 'empty'> {
    const f = d.filters ?? {};
    const [jobs, sent] = await Promise.all([this.windowJobs(d.window_start, d.window_end), this.sentJobs(d.candidate_id, d.window_start)]);
    const live = eligibleJobs(jobs, { nowMs: Date.now(), alreadySent: sent, filters: f });
    if (live.length === 0) return 'empty';
    const assignment = await this.ranker.assignment(d.candidate_id, { modelRef: d.model_ref });
    const scored = await this.ranker.score(d.candidate_id, assignment.modelRef, live);
    // Near-duplicates collapsed first, then the ranking pipeline (libs/ranking) re-ranks the window and explains each job.
    const deduped = rankTop(live, (j) => scored.scores.get(j.id) ?? 0, live.length).map((t) => windowRankJob(t.job));
    const rankingId = randomUUID();
    const ranked = await this.ranker.ranking.rank({
      candidateId: d.candidate_id, limit: d.top_k, channel: 'alert', modelRef: scored.modelRef, experimentKey: assignment.experimentKey, variant: assignment.variant, rankingId,
      pool: { jobs: deduped, scores: scored.scores, known: scored.known, modelVersion: scored.modelVersion },
    });
    if (ranked.items.length === 0) return 'empty';
    const items: AlertItem[] = ranked.items.map((t) => ({ jobId: t.jobId, position: t.position, score: t.score, title: t.job.title, company: t.job.companyName ?? null, location: [t.job.city, t.job.region, t.job.country].filter(Boolean).join(', ') || null, reasons: t.reasons }));
    const body =
      d.channel === 'webhook'
        ? JSON.stringify({
            type: 'alert.ready',
            timestamp: new Date().toISOString(),
            data: {
              alertId: d.id, subscriptionId: d.subscription_id, candidateId: d.candidate_id, rankingId, modelRef: scored.modelRef, modelVersion: scored.modelVersion, experimentKey: assignment.experimentKey, variant: assignment.variant,
              window: { since: d.window_start.toISOString(), until: d.window_end.toISOString() },
              jobs: items.map((i) => ({ ...i, url: this.clickUrl(d.id, i.jobId, i.position) })),
            },
          })
        : null;
    await this.db.query(
      `UPDATE alert_deliveries SET ranking_id = $2, model_ref = $3, model_version = $4, experiment_key = $5, variant = $6, items = $7, body = $8 WHERE id = $1 AND ranking_id IS NULL`,
      [d.id, rankingId, scored.modelRef, scored.modelVersion, assignment.experimentKey, assignment.variant, JSON.stringify(items), body],
    );
    return { ranking_id: rankingId, items, body, model_version: scored.modelVersion, variant: assignment.variant, experiment_key: assignment.experimentKey };
  }

  /** Jobs of the window already sent to this candidate (the ledger), to leave out. */
  private async sentJobs(candidateId: string, since: Date): Promise<Set<string>> {
    const rows: Array<{ job: string }> = await this.db.query(
      `SELECT s.job_id::text AS job FROM alert_sent_jobs s JOIN jobs j ON j.id = s.job_id WHERE s.candidate_id = $1 AND j.posted_at > $2`,
      [candidateId, since],
    );
    return new Set(rows.map((r) => r.job));
  }

  /**
   * The newest live jobs posted in the window (shared, briefly cached: every subscription due at the same time
   * with the same cursor has the same window). Per-candidate exclusions and filters are applied by the caller.
   */
  private windowJobs(since: Date, until: Date): Promise<WindowJob[]> {
    const key = `${since.getTime()}|${until.getTime()}`;
    const now = Date.now();
    const hit = this.windowCache.get(key);
    if (hit && now - hit.at < WINDOW_CACHE_MS) return hit.jobs;
    if (this.windowCache.size > 200) for (const [k, v] of this.windowCache) if (now - v.at >= WINDOW_CACHE_MS) this.windowCache.delete(k);
    const jobs = this.queryWindowJobs(since, until);
    this.windowCache.set(key, { at: now, jobs });
    jobs.catch(() => this.windowCache.delete(key));
    return jobs;
  }

  private async queryWindowJobs(since: Date, until: Date): Promise<WindowJob[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT j.id::text AS id, j.title, j.company_id::text AS company_id, c.name AS company_name, j.city, j.region, j.country, j.remote, j.skills, j.description,
              j.salary_annual_min, j.salary_annual_max, j.posted_at, j.expires_at, j.status
         FROM jobs j LEFT JOIN companies c ON c.id = j.company_id
        WHERE j.posted_at > $1 AND j.posted_at <= $2 AND j.status = 'active' AND (j.expires_at IS NULL OR j.expires_at > now())
        ORDER BY j.posted_at DESC, j.id DESC LIMIT $3`,
      [since, until, WINDOW_POOL],
    );
    return rows.map((r) => ({
      id: r['id'] as string, title: r['title'] as string, companyId: (r['company_id'] as string | null) ?? null, companyName: (r['company_name'] as string | null) ?? null,
      city: r['city'] as string | null, region: r['region'] as string | null, country: r['country'] as string | null, remote: r['remote'] as boolean, skills: (r['skills'] as string[]) ?? [],
      description: (r['description'] as string) ?? '', salaryAnnualMin: r['salary_annual_min'] as number | null, salaryAnnualMax: r['salary_annual_max'] as number | null,
      postedAt: (r['posted_at'] as Date).getTime(), expiresAt: r['expires_at'] ? (r['expires_at'] as Date).getTime() : null, status: r['status'] as string,
    }));
  }

  private async sendEmail(d: DeliveryRow): Promise<RunResult> {
    const to = revealSubscriptionEmail(this.pii, { id: d.subscription_id, emailEnc: d.email_enc, legacyEmail: d.legacy_email });
    if (!to) return this.finish(d, 'suppressed', 'the subscription has no address');
    const unsubscribeUrl = this.unsubscribeUrl(d.subscription_id);
    const jobs = d.items.map((i) => ({ title: i.title, company: i.company, location: i.location, remote: false, salary: null, clickUrl: this.clickUrl(d.id, i.jobId, i.position), reasons: (i.reasons ?? []).map((r) => r.text) }));
    const recipientName = this.pii.reveal(d.candidate_name_enc, d.candidate_name, piiContext.candidateName(d.candidate_source!, d.candidate_external_id!));
    const mail = renderAlertEmail({ recipientName, jobs, unsubscribeUrl, frequency: d.frequency });
    let started = Date.now();
    const r = await this.mailer.send(
      {
        from: this.config.alerts.from, to, subject: mail.subject, html: mail.html, text: mail.text, messageId: `<${d.message_id}@matchlab.alerts>`,
        headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Matchlab-Ranking-Id': d.ranking_id ?? '' },
      },
      async () => {
        started = Date.now();
        return this.claimAttempt(d);
      },
    );
    if (r.outcome === 'aborted') return { outcome: 'skipped', deliveryId: d.id, reason: r.reason };
    // The server's error text may quote the recipient: stored without the address.
    const error = r.outcome === 'accepted' ? null : redactAddress(r.error, to);
    const attempt: AlertAttempt = { at: new Date(started).toISOString(), status: r.outcome === 'accepted' ? 250 : r.code, error, durationMs: Date.now() - started };
    if (r.outcome === 'accepted') return this.markSent(d, attempt, 250);
    if (r.permanent) {
      await this.suppress(to, 'hard_bounce', error ?? undefined);
      return this.recordFailure(d, attempt, null, true);
    }
    return this.recordFailure(d, attempt, null, false);
  }

  private async sendWebhook(d: DeliveryRow): Promise<RunResult> {
    const busy = await this.claimAttempt(d);
    if (busy !== null) return { outcome: 'skipped', deliveryId: d.id, reason: busy };
    const at = new Date();
    const ts = Math.floor(at.getTime() / 1000);
    const body = d.body!;
    // Standard Webhooks: space-separated signatures, one per active secret (two during a rotation).
    const signature = [d.webhook_secret!, d.webhook_previous_secret].filter((s): s is string => !!s).map((s) => sign(s, d.message_id, ts, body)).join(' ');
    let res: PostResult;
    try {
      res = await postWebhook(d.webhook_url!, body, { 'webhook-id': d.message_id, 'webhook-timestamp': String(ts), 'webhook-signature': signature, 'user-agent': 'Matchlab-Alerts/1.0' }, { timeoutMs: this.config.alerts.webhookTimeoutMs, allowPrivate: this.config.webhooks.allowPrivateUrls });
    } catch (err) {
      res = { status: null, error: (err as Error).message, durationMs: Date.now() - at.getTime() };
    }
    const kind = classifyResponse(res.status);
    this.metrics?.webhookAttempts.inc({ source: 'alerts', outcome: res.status === null ? 'error' : kind });
    const attempt: AlertAttempt = { at: at.toISOString(), status: res.status, error: kind === 'delivered' ? null : (res.error ?? `HTTP ${res.status}`), durationMs: res.durationMs };
    if (kind === 'delivered') return this.markSent(d, attempt, res.status!);
    if (kind === 'gone') {
      const result = await this.recordFailure(d, attempt, res.status, true);
      if (result.outcome === 'failed') await this.pauseForFailures(d, 'endpoint answered 410 Gone');
      return result;
    }
    return this.recordFailure(d, attempt, res.status, false, res.retryAfterMs);
  }

  /**
   * The channel accepted: in one transaction the delivery is marked sent, its jobs enter the sent-jobs ledger,
   * each shown job is logged as an impression (ranking id, position, variant) and the cursor advances.
   */
  private async markSent(d: DeliveryRow, attempt: AlertAttempt, status: number): Promise<RunResult> {
    // One statement, so one atomic step (and one round trip): every part runs only if the delivery row was updated.
    const rows: Array<{ n: number }> = await this.db.query(
      `WITH upd AS (
         UPDATE alert_deliveries SET status = 'sent', attempts = attempts + 1, attempt_log = attempt_log || $2::jsonb, response_status = $3, last_error = NULL, next_attempt_at = NULL,
                sent_at = clock_timestamp(), finished_at = clock_timestamp(), sending_at = NULL
          WHERE id = $1 AND attempts = $4 AND status IN ('pending','retrying') RETURNING id),
       items AS (SELECT j, p FROM unnest($6::bigint[], $7::int[]) AS t(j, p)),
       ledger AS (INSERT INTO alert_sent_jobs (candidate_id, job_id, delivery_id, position) SELECT $5, j, $1, p FROM items WHERE EXISTS (SELECT 1 FROM upd) ON CONFLICT DO NOTHING),
       exposure AS (
         INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at, ranking_id, experiment_key, variant, position, source)
         SELECT 'alert:' || $1 || ':' || j, $5, j, 'impression', clock_timestamp(), $8, $9, $10, p, 'alert' FROM items WHERE EXISTS (SELECT 1 FROM upd) ON CONFLICT (event_id) DO NOTHING),
       cursor AS (UPDATE alert_subscriptions SET last_sent_at = GREATEST(COALESCE(last_sent_at, $12::timestamptz), $12::timestamptz) WHERE id = $11 AND EXISTS (SELECT 1 FROM upd))
       SELECT count(*)::int AS n FROM upd`,
      [d.id, JSON.stringify([attempt]), status, d.attempts, d.candidate_id, d.items.map((i) => i.jobId), d.items.map((i) => i.position), d.ranking_id, d.experiment_key, d.variant, d.subscription_id, d.window_end],
    );
    if (rows[0]!.n === 0) return { outcome: 'skipped', deliveryId: d.id, reason: 'attempt recorded elsewhere' };
    if (d.experiment_key && d.variant) {
      await this.ranker.logExposure({ modelRef: d.model_ref ?? '', experimentKey: d.experiment_key, variant: d.variant }, d.candidate_id, d.ranking_id!, d.items, null);
    }
    return { outcome: 'sent', deliveryId: d.id, items: d.items.length };
  }

  private async recordFailure(d: DeliveryRow, attempt: AlertAttempt, status: number | null, permanent: boolean, retryAfterMs?: number): Promise<RunResult> {
    const made = d.attempts + 1;
    // A replay starts the schedule again: attempts before it do not count.
    const delay = permanent ? null : alertRetryDelayMs(made - d.retry_base, this.config.alerts.retryScale, { retryAfterMs });
    const final = delay === null;
    const updated: unknown[] = await this.db.query(
      `UPDATE alert_deliveries SET status = $2, attempts = $3, attempt_log = attempt_log || $4::jsonb, response_status = $5, last_error = $6, next_attempt_at = $7,
              finished_at = CASE WHEN $8::boolean THEN clock_timestamp() ELSE NULL END, sending_at = NULL
        WHERE id = $1 AND attempts = $9 RETURNING id`,
      [d.id, final ? 'failed' : 'retrying', made, JSON.stringify([attempt]), status, attempt.error, final ? null : new Date(Date.now() + delay), final, d.attempts],
    );
    if (rowCount(updated) === 0) return { outcome: 'skipped', deliveryId: d.id, reason: 'attempt recorded elsewhere' };
    if (final && !permanent && d.channel === 'webhook') {
      // Every attempt of an alert failed (about 27.6 h): the endpoint is paused and its owner notified.
      await this.pauseForFailures(d, `paused after ${ALERT_MAX_ATTEMPTS} failed attempts of alert ${d.id}: ${attempt.error}`);
    }
    if (final) return { outcome: 'failed', deliveryId: d.id, error: `${attempt.error} (attempt ${made})` };
    return { outcome: 'retry', deliveryId: d.id, retryInMs: delay, error: attempt.error ?? 'failed' };
  }

  private async finish(d: DeliveryRow, status: 'empty' | 'suppressed', reason: string): Promise<RunResult> {
    await this.db.query(`UPDATE alert_deliveries SET status = $2, last_error = $3, next_attempt_at = NULL, finished_at = clock_timestamp(), sending_at = NULL WHERE id = $1 AND status IN ('pending','retrying')`, [d.id, status, status === 'empty' ? null : reason]);
    this.metrics?.alertSends.inc({ channel: d.channel, outcome: status });
    return { outcome: status, deliveryId: d.id, reason };
  }

  private async loadDelivery(id: string): Promise<DeliveryRow | null> {
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT d.id::text AS id, d.subscription_id::text AS subscription_id, d.candidate_id::text AS candidate_id, d.channel, d.status, d.attempts, d.retry_base, d.message_id, d.ranking_id, d.items, d.body,
              d.window_start, d.window_end, d.variant, d.experiment_key, d.model_version,
              s.status AS sub_status, s.email AS legacy_email, s.email_enc, s.email_index, s.webhook_url, s.webhook_secret, s.webhook_previous_secret, s.frequency, s.filters, s.model_ref, s.top_k, c.name AS candidate_name, c.name_enc AS candidate_name_enc, c.source AS candidate_source, c.external_id AS candidate_external_id, COALESCE(c.consent_alerts, false) AS consent_alerts,
              EXISTS (SELECT 1 FROM alert_suppressions x WHERE x.email_index = s.email_index OR x.email = lower(s.email)) AS suppressed
         FROM alert_deliveries d JOIN alert_subscriptions s ON s.id = d.subscription_id LEFT JOIN candidates c ON c.id = d.candidate_id WHERE d.id = $1`,
      [id],
    );
    const d = rows[0];
    if (!d) return null;
    // A legacy row (plaintext, no index yet) against a suppression keyed by index: matched by computing its index.
    if (d.channel === 'email' && !d.suppressed && d.email_index === null && d.legacy_email !== null) d.suppressed = await this.isSuppressed(d.legacy_email);
    return d;
  }

  // ---------------------------------------------------------------- in-flight marker, replay, owner notices

  /**
   * Marks the attempt as handed to the channel (`sending_at`), compare-and-set on the attempt number. Answers null
   * when this run may send, else why not (another run is sending it, or the attempt is recorded already).
   * A marker older than the send lease is a run that died after handing the alert to the channel and before
   * recording the outcome, so the channel may have accepted it: that attempt is logged as interrupted and the alert
   * goes out again with the same Message-ID / webhook-id (SMTP has no idempotency; receivers dedupe on the id).
   */
  private async claimAttempt(d: DeliveryRow): Promise<string | null> {
    const claimed = returned<{ previous: Date | null }>(
      await this.db.query(
        `UPDATE alert_deliveries d
            SET sending_at = clock_timestamp(),
                interrupted_attempts = d.interrupted_attempts + CASE WHEN p.sending_at IS NULL THEN 0 ELSE 1 END,
                attempt_log = CASE WHEN p.sending_at IS NULL THEN d.attempt_log
                                   ELSE d.attempt_log || jsonb_build_array(jsonb_build_object('at', p.sending_at, 'status', NULL, 'error', $4::text, 'durationMs', 0, 'interrupted', true)) END
           FROM (SELECT id, sending_at FROM alert_deliveries WHERE id = $1 FOR UPDATE) p
          WHERE d.id = p.id AND d.attempts = $2 AND d.status IN ('pending','retrying')
            AND (p.sending_at IS NULL OR p.sending_at < clock_timestamp() - $3::int * interval '1 millisecond')
          RETURNING p.sending_at AS previous`,
        [d.id, d.attempts, this.config.alerts.sendLeaseMs, INTERRUPTED],
      ),
    );
    if (claimed[0]) {
      if (claimed[0].previous) this.logger.warn(`alert ${d.id}: attempt ${d.attempts + 1} was interrupted (handed to the channel at ${claimed[0].previous.toISOString()}, outcome unknown); sending again as ${d.message_id}`);
      return null;
    }
    const cur: Array<{ status: string; attempts: number; sending_at: Date | null }> = await this.db.query(`SELECT status, attempts, sending_at FROM alert_deliveries WHERE id = $1`, [d.id]);
    const c = cur[0];
    if (!c || c.attempts !== d.attempts || (c.status !== 'pending' && c.status !== 'retrying')) return `attempt ${d.attempts + 1} recorded elsewhere`;
    return `another run has been sending this alert since ${c.sending_at?.toISOString()}`;
  }

  /**
   * Queues a failed delivery again: the same message (Message-ID / webhook-id, body, items), a new round of the
   * retry schedule, attempts appended to the same log. The subscription must be active: a subscription paused by
   * failures is resumed by its owner first (a replay re-activates nothing by itself); an address on the
   * suppression list is not mailed again.
   */
  async replay(deliveryId: string, actor: string): Promise<AlertDeliveryEntity> {
    if (!/^\d{1,18}$/.test(deliveryId)) throw new AlertError('NOT_FOUND', `alert delivery ${deliveryId} not found`);
    const d = await this.loadDelivery(deliveryId);
    if (!d) throw new AlertError('NOT_FOUND', `alert delivery ${deliveryId} not found`);
    if (d.status !== 'failed') throw new AlertError('NOT_REPLAYABLE', `alert delivery ${deliveryId} is ${d.status}; only failed deliveries can be replayed`, { status: d.status });
    if (d.sub_status !== 'active') {
      throw new AlertError('NOT_REPLAYABLE', `alert delivery ${deliveryId}: subscription ${d.subscription_id} is ${d.sub_status}; resume it first (matchlab alerts resume ${d.subscription_id})`, { subscriptionStatus: d.sub_status });
    }
    if (d.channel === 'email' && d.suppressed) throw new AlertError('NOT_REPLAYABLE', `alert delivery ${deliveryId}: the address of subscription ${d.subscription_id} is on the suppression list`);
    const rows = returned<{ attempts: number }>(
      await this.db.query(
        `UPDATE alert_deliveries SET status = 'retrying', next_attempt_at = clock_timestamp(), finished_at = NULL, sending_at = NULL, retry_base = attempts,
                replays = replays + 1, last_replayed_at = clock_timestamp(), last_replayed_by = $2
          WHERE id = $1 AND status = 'failed' RETURNING attempts`,
        [deliveryId, actor.slice(0, 320)],
      ),
    );
    if (!rows[0]) throw new AlertError('NOT_REPLAYABLE', `alert delivery ${deliveryId} is no longer failed (replayed concurrently)`);
    const job = this.attemptJob(deliveryId, rows[0].attempts + 1);
    await this.queue.add(job.name, job.data, job.opts);
    this.logger.log(`alert delivery ${deliveryId} replayed by ${actor}`);
    return this.delivery(deliveryId);
  }

  async delivery(id: string): Promise<AlertDeliveryEntity> {
    if (!/^\d{1,18}$/.test(id)) throw new AlertError('NOT_FOUND', `alert delivery ${id} not found`);
    const row = await this.db.getRepository(AlertDeliveryEntity).findOne({ where: { id } });
    if (!row) throw new AlertError('NOT_FOUND', `alert delivery ${id} not found`);
    return row;
  }

  /** Pauses a webhook subscription whose alert failed for good (every attempt, or a 410) and notifies its owner. */
  private async pauseForFailures(d: DeliveryRow, reason: string): Promise<void> {
    const rows: Array<{ id: string }> = await this.db.query(
      `WITH paused AS (UPDATE alert_subscriptions SET status = 'paused', status_reason = $2, next_due_at = NULL, updated_at = clock_timestamp() WHERE id = $1 AND status = 'active' RETURNING id)
       INSERT INTO alert_owner_notices (subscription_id, delivery_id, reason) SELECT id, $3, $2 FROM paused RETURNING id::text AS id`,
      [d.subscription_id, reason.slice(0, 2000), d.id],
    );
    if (!rows[0]) return;
    this.logger.warn(`alert subscription ${d.subscription_id} paused: ${reason}`);
    await this.notifyOwner(rows[0].id).catch((err: unknown) => this.logger.warn(`owner notice ${rows[0]!.id}: ${(err as Error).message} (retried later)`));
  }

  /**
   * Sends one owner notice by email through the alert mailer, or records why it cannot: the owner is the
   * subscription's creator — a user (by email) or an API key's user. Claimed with `attempted_at`, so concurrent
   * sweeps do not both send it; a transient SMTP failure leaves it pending for the retry sweep.
   */
  async notifyOwner(noticeId: string): Promise<AlertOwnerNoticeEntity> {
    const claimed = returned<{ reason: string; delivery_id: string | null; subscription_id: string; created_by: string; channel: 'email' | 'webhook'; webhook_url: string | null; legacy_email: string | null; email_enc: string | null; candidate_id: string }>(
      await this.db.query(
        `UPDATE alert_owner_notices n SET attempted_at = clock_timestamp() FROM alert_subscriptions s
          WHERE n.id = $1 AND s.id = n.subscription_id AND n.status = 'pending' AND (n.attempted_at IS NULL OR n.attempted_at < clock_timestamp() - interval '2 minutes')
          RETURNING n.reason, n.delivery_id::text AS delivery_id, s.id::text AS subscription_id, s.created_by, s.channel, s.webhook_url, s.email AS legacy_email, s.email_enc, s.candidate_id::text AS candidate_id`,
        [noticeId],
      ),
    );
    const n = claimed[0];
    if (n) {
      const to = await this.ownerEmail(n.created_by);
      if (!to) {
        const error = `no email address is known for the subscription's creator "${n.created_by}"`;
        await this.db.query(`UPDATE alert_owner_notices SET status = 'no_recipient', error = $2 WHERE id = $1`, [noticeId, error]);
        this.logger.warn(`owner of alert subscription ${n.subscription_id} not notified: ${error}`);
      } else {
        const mail = renderOwnerNotice({ subscriptionId: n.subscription_id, candidateId: n.candidate_id, channel: n.channel, endpoint: n.channel === 'webhook' ? n.webhook_url : revealSubscriptionEmail(this.pii, { id: n.subscription_id, emailEnc: n.email_enc, legacyEmail: n.legacy_email }), reason: n.reason, deliveryId: n.delivery_id });
        const messageId = `owner-notice-${noticeId}@matchlab.alerts`;
        const r = await this.mailer.send({ from: this.config.alerts.from, to, subject: mail.subject, html: mail.html, text: mail.text, headers: { 'X-Matchlab-Alert-Subscription': n.subscription_id }, messageId: `<${messageId}>` });
        if (r.outcome === 'accepted') {
          await this.db.query(
            `WITH n AS (UPDATE alert_owner_notices SET status = 'sent', recipient = $2, message_id = $3, error = NULL, sent_at = clock_timestamp() WHERE id = $1 RETURNING subscription_id)
             UPDATE alert_subscriptions SET owner_notified_at = clock_timestamp() WHERE id = (SELECT subscription_id FROM n)`,
            [noticeId, to, messageId],
          );
        } else {
          const error = r.outcome === 'rejected' ? r.error : r.reason;
          const permanent = r.outcome === 'rejected' && r.permanent;
          await this.db.query(`UPDATE alert_owner_notices SET status = $2, recipient = $3, error = $4 WHERE id = $1`, [noticeId, permanent ? 'failed' : 'pending', to, error]);
          this.logger.warn(`owner notice ${noticeId} to ${to} not accepted: ${error}`);
        }
      }
    }
    const row = await this.db.getRepository(AlertOwnerNoticeEntity).findOne({ where: { id: noticeId } });
    if (!row) throw new AlertError('NOT_FOUND', `owner notice ${noticeId} not found`);
    return row;
  }

  async ownerNotices(subscriptionId: string): Promise<AlertOwnerNoticeEntity[]> {
    await this.get(subscriptionId);
    return this.db.getRepository(AlertOwnerNoticeEntity).find({ where: { subscriptionId }, order: { id: 'DESC' }, take: 100 });
  }

  /** The email of a subscription's creator: a signed-in user (label = email), or the user an API key belongs to. */
  private async ownerEmail(createdBy: string): Promise<string | null> {
    const key = /^key (\S+) \(/.exec(createdBy);
    if (key) {
      const rows: Array<{ email: string }> = await this.db.query(`SELECT u.email FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.prefix = $1`, [key[1]]);
      return rows[0]?.email ?? null;
    }
    if (!isValidEmail(createdBy)) return null;
    const rows: Array<{ email: string }> = await this.db.query(`SELECT email FROM users WHERE lower(email) = lower($1)`, [createdBy]);
    return rows[0]?.email ?? null;
  }

  /** Owner notices a crash or a transient SMTP failure left pending for 2 minutes. */
  private async resendOwnerNotices(): Promise<void> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id::text AS id FROM alert_owner_notices WHERE status = 'pending' AND created_at < clock_timestamp() - interval '2 minutes'
          AND (attempted_at IS NULL OR attempted_at < clock_timestamp() - interval '2 minutes') ORDER BY id LIMIT 20`,
    );
    for (const r of rows) await this.notifyOwner(r.id).catch((err: unknown) => this.logger.warn(`owner notice ${r.id}: ${(err as Error).message}`));
  }

  // ---------------------------------------------------------------- links

  unsubscribeUrl(subscriptionId: string): string {
    return `${this.config.alerts.publicUrl}/alerts/u/${sealToken(this.config.authSecret, { k: 'u', s: subscriptionId })}`;
  }

  clickUrl(deliveryId: string, jobId: string, position: number): string {
    return `${this.config.alerts.publicUrl}/alerts/c/${sealToken(this.config.authSecret, { k: 'c', d: deliveryId, j: jobId, p: position })}`;
  }

  /** The subscription an unsubscribe token names (GET shows it; only POST acts). */
  async subscriptionForToken(token: string): Promise<AlertSubscriptionEntity> {
    const p = openToken(this.config.authSecret, token);
    if (!p || p.k !== 'u') throw new AlertError('INVALID_TOKEN', 'this unsubscribe link is not valid');
    return this.get(p.s);
  }

  async unsubscribeByToken(token: string): Promise<AlertSubscriptionEntity> {
    const sub = await this.subscriptionForToken(token);
    if (sub.status === 'unsubscribed') return sub;
    return this.unsubscribe(sub.id, 'one-click unsubscribe');
  }

  /** Records a click with the alert's ranking id, position and variant; returns where to send the reader. */
  async click(token: string): Promise<string> {
    const p = openToken(this.config.authSecret, token);
    if (!p || p.k !== 'c') throw new AlertError('INVALID_TOKEN', 'this link is not valid');
    const rows: Array<{ candidate_id: string; ranking_id: string | null; experiment_key: string | null; variant: string | null }> = await this.db.query(
      `SELECT candidate_id::text AS candidate_id, ranking_id, experiment_key, variant FROM alert_deliveries WHERE id = $1`,
      [p.d],
    );
    const d = rows[0];
    if (!d) throw new AlertError('NOT_FOUND', 'this alert no longer exists');
    await this.db.query(
      `INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at, ranking_id, experiment_key, variant, position, source)
       SELECT $1, $2, j.id, 'click', clock_timestamp(), $4, $5, $6, $7, 'alert' FROM jobs j WHERE j.id = $3`,
      [`alert-click:${randomUUID()}`, d.candidate_id, p.j, d.ranking_id, d.experiment_key, d.variant, p.p],
    );
    return this.config.alerts.jobUrl.replace('{id}', encodeURIComponent(p.j));
  }

  // ---------------------------------------------------------------- helpers

  private async checkUrl(raw: string): Promise<string> {
    return checkAlertWebhookUrl(raw, {
      production: this.config.env === 'production',
      allowPrivate: this.config.env === 'production' ? this.config.webhooks.allowPrivateUrls : true,
      resolve: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
    });
  }

  private async assertCandidate(id: string): Promise<void> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM candidates WHERE id = $1`, [id]);
    if (rows.length === 0) throw new AlertError('NOT_FOUND', `candidate ${id} not found`);
  }
}

/** Rows of an UPDATE … RETURNING (TypeORM answers [rows, count] for UPDATE/DELETE, rows otherwise). */
function returned<T>(result: unknown[]): T[] {
  return (Array.isArray(result[0]) ? result[0] : result) as T[];
}

function rowCount(result: unknown[]): number {
  return Array.isArray(result[0]) ? (result[0] as unknown[]).length : result.length;
}
