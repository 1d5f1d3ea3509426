import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertFilters } from './compose.js';
import type { Frequency } from './schedule.js';

export type SubscriptionStatus = 'active' | 'paused' | 'unsubscribed';
export type AlertChannel = 'email' | 'webhook';
export type AlertDeliveryStatus = 'pending' | 'retrying' | 'sent' | 'empty' | 'suppressed' | 'failed';

@Entity({ name: 'alert_subscriptions' })
export class AlertSubscriptionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'candidate_id', type: 'bigint' }) candidateId!: string;
  @Column({ type: 'varchar', length: 10 }) channel!: AlertChannel;
  /** Legacy plaintext address of a row written before AlertEmailEncryption1764201000000 (until `matchlab pii encrypt-existing`); null otherwise. */
  @Column({ name: 'email', type: 'varchar', length: 320, nullable: true }) legacyEmail!: string | null;
  /** The address as an envelope (libs/pii, context `alert_subscriptions.email:<id>`). */
  @Column({ name: 'email_enc', type: 'text', nullable: true }) emailEnc!: string | null;
  /** Keyed blind index of the address (matches the suppression list). */
  @Column({ name: 'email_index', type: 'char', length: 64, nullable: true }) emailIndex!: string | null;
  /**
   * The address in the clear: not a column. Filled by {@link withSubscriptionEmail} where the address is needed
   * (AlertsService.get / subscriptionsOf); undefined on rows loaded without decrypting (reports).
   */
  email?: string | null;
  @Column({ name: 'webhook_url', type: 'text', nullable: true }) webhookUrl!: string | null;
  /** `whsec_…`, never returned by the API after creation. */
  @Column({ name: 'webhook_secret', type: 'text', nullable: true, select: false }) webhookSecret!: string | null;
  /** The secret being rotated out: attempts carry both signatures until the rotation ends. */
  @Column({ name: 'webhook_previous_secret', type: 'text', nullable: true, select: false }) webhookPreviousSecret!: string | null;
  @Column({ type: 'varchar', length: 10 }) frequency!: Frequency;
  @Column({ name: 'send_hour', type: 'smallint' }) sendHour!: number;
  @Column({ name: 'send_weekday', type: 'smallint', nullable: true }) sendWeekday!: number | null;
  @Column({ name: 'time_zone', type: 'varchar', length: 64 }) timeZone!: string;
  @Column({ name: 'quiet_start', type: 'smallint', nullable: true }) quietStart!: number | null;
  @Column({ name: 'quiet_end', type: 'smallint', nullable: true }) quietEnd!: number | null;
  @Column({ type: 'jsonb' }) filters!: AlertFilters;
  @Column({ name: 'model_ref', type: 'varchar', length: 200, nullable: true }) modelRef!: string | null;
  @Column({ name: 'top_k', type: 'smallint' }) topK!: number;
  @Column({ type: 'varchar', length: 14 }) status!: SubscriptionStatus;
  @Column({ name: 'status_reason', type: 'text', nullable: true }) statusReason!: string | null;
  @Column({ name: 'last_sent_at', type: 'timestamptz', nullable: true }) lastSentAt!: Date | null;
  @Column({ name: 'next_due_at', type: 'timestamptz', nullable: true }) nextDueAt!: Date | null;
  @Column({ name: 'created_by', type: 'varchar', length: 320 }) createdBy!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  /** When the owner (the creator) was last told that the subscription was paused by delivery failures. */
  @Column({ name: 'owner_notified_at', type: 'timestamptz', nullable: true }) ownerNotifiedAt!: Date | null;
}

export interface AlertItem {
  jobId: string;
  position: number;
  score: number;
  title: string;
  company: string | null;
  location: string | null;
  /** Why the job is recommended (libs/ranking); absent on alerts composed before the ranking pipeline. */
  reasons?: Array<{ code: string; text: string; detail: string | null }>;
}

export interface AlertAttempt {
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** The process died after handing this attempt to the channel and before recording its outcome (it may have been accepted). */
  interrupted?: boolean;
}

@Entity({ name: 'alert_deliveries' })
export class AlertDeliveryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'subscription_id', type: 'bigint' }) subscriptionId!: string;
  @Column({ name: 'candidate_id', type: 'bigint' }) candidateId!: string;
  @Column({ type: 'varchar', length: 10 }) channel!: AlertChannel;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt!: Date;
  @Column({ name: 'window_start', type: 'timestamptz' }) windowStart!: Date;
  @Column({ name: 'window_end', type: 'timestamptz' }) windowEnd!: Date;
  @Column({ type: 'varchar', length: 12 }) status!: AlertDeliveryStatus;
  /** The `webhook-id` / Message-ID seed: the same on every attempt. */
  @Column({ name: 'message_id', type: 'varchar', length: 60 }) messageId!: string;
  @Column({ name: 'ranking_id', type: 'varchar', length: 64, nullable: true }) rankingId!: string | null;
  @Column({ name: 'model_ref', type: 'varchar', length: 200, nullable: true }) modelRef!: string | null;
  @Column({ name: 'model_version', type: 'integer', nullable: true }) modelVersion!: number | null;
  @Column({ name: 'experiment_key', type: 'varchar', length: 100, nullable: true }) experimentKey!: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) variant!: string | null;
  @Column({ type: 'jsonb' }) items!: AlertItem[];
  @Column({ type: 'text', nullable: true, select: false }) body!: string | null;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ name: 'attempt_log', type: 'jsonb' }) attemptLog!: AlertAttempt[];
  @Column({ name: 'response_status', type: 'integer', nullable: true }) responseStatus!: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true }) nextAttemptAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt!: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  /** Set while an attempt is in the channel's hands (see the migration 1764200400000). */
  @Column({ name: 'sending_at', type: 'timestamptz', nullable: true }) sendingAt!: Date | null;
  @Column({ name: 'interrupted_attempts', type: 'integer' }) interruptedAttempts!: number;
  @Column({ name: 'retry_base', type: 'integer' }) retryBase!: number;
  @Column({ type: 'integer' }) replays!: number;
  @Column({ name: 'last_replayed_at', type: 'timestamptz', nullable: true }) lastReplayedAt!: Date | null;
  @Column({ name: 'last_replayed_by', type: 'varchar', length: 320, nullable: true }) lastReplayedBy!: string | null;
}

export type OwnerNoticeStatus = 'pending' | 'sent' | 'no_recipient' | 'failed';

/** A notice to a subscription's owner (its creator) that the subscription was paused by delivery failures. */
@Entity({ name: 'alert_owner_notices' })
export class AlertOwnerNoticeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'subscription_id', type: 'bigint' }) subscriptionId!: string;
  @Column({ name: 'delivery_id', type: 'bigint', nullable: true }) deliveryId!: string | null;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: 'varchar', length: 12 }) status!: OwnerNoticeStatus;
  @Column({ type: 'varchar', length: 320, nullable: true }) recipient!: string | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'message_id', type: 'varchar', length: 100, nullable: true }) messageId!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt!: Date | null;
}
