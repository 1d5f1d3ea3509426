import type { AlertDeliveryEntity, AlertOwnerNoticeEntity, AlertSubscriptionEntity } from './alert.entity.js';
import type { AlertDeliveryModel, AlertOwnerNoticeModel, AlertSubscriptionModel } from './alert.model.js';

export function toSubscriptionModel(s: AlertSubscriptionEntity): AlertSubscriptionModel {
  const f = s.filters ?? {};
  return {
    id: s.id, candidateId: s.candidateId, channel: s.channel, email: s.email ?? null, webhookUrl: s.webhookUrl, frequency: s.frequency, sendHour: s.sendHour, sendWeekday: s.sendWeekday, timeZone: s.timeZone,
    quietStart: s.quietStart, quietEnd: s.quietEnd, filters: { keywords: f.keywords ?? [], location: f.location ?? null, remote: f.remote ?? null, minSalary: f.minSalary ?? null },
    modelRef: s.modelRef, topK: s.topK, status: s.status, statusReason: s.statusReason, lastSentAt: s.lastSentAt, nextDueAt: s.nextDueAt, createdAt: s.createdAt, ownerNotifiedAt: s.ownerNotifiedAt ?? null,
  };
}

export function toAlertDeliveryModel(d: AlertDeliveryEntity): AlertDeliveryModel {
  return {
    id: d.id, subscriptionId: d.subscriptionId, candidateId: d.candidateId, channel: d.channel, status: d.status, messageId: d.messageId, dueAt: d.dueAt, windowStart: d.windowStart, windowEnd: d.windowEnd,
    rankingId: d.rankingId, modelRef: d.modelRef, modelVersion: d.modelVersion, experimentKey: d.experimentKey, variant: d.variant, items: d.items, attempts: d.attempts,
    attemptLog: d.attemptLog.map((a) => ({ at: new Date(a.at), responseStatus: a.status, error: a.error, durationMs: a.durationMs, interrupted: a.interrupted === true })), lastError: d.lastError, nextAttemptAt: d.nextAttemptAt, createdAt: d.createdAt, sentAt: d.sentAt,
    interruptedAttempts: d.interruptedAttempts ?? 0, replays: d.replays ?? 0, lastReplayedAt: d.lastReplayedAt ?? null, lastReplayedBy: d.lastReplayedBy ?? null,
  };
}

export function toOwnerNoticeModel(n: AlertOwnerNoticeEntity): AlertOwnerNoticeModel {
  return { id: n.id, subscriptionId: n.subscriptionId, deliveryId: n.deliveryId, reason: n.reason, status: n.status, recipient: n.recipient, error: n.error, messageId: n.messageId, createdAt: n.createdAt, sentAt: n.sentAt };
}
