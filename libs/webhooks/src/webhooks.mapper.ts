import type { WebhookDeliveryEntity } from './webhook.entity.js';
import type { WebhookView } from './webhooks.service.js';
import type { WebhookDeliveryModel, WebhookModel } from './webhook.model.js';

export function toWebhookModel(s: WebhookView): WebhookModel {
  return { id: s.id, url: s.url, description: s.description, events: s.eventTypes, models: s.models, enabled: s.enabled, disabledReason: s.disabledReason, secretHint: s.secretHint, createdBy: s.createdBy, createdAt: s.createdAt, updatedAt: s.updatedAt };
}

export function toDeliveryModel(d: WebhookDeliveryEntity): WebhookDeliveryModel {
  return {
    id: d.id,
    webhookId: d.subscriptionId,
    messageId: d.messageId,
    eventType: d.eventType,
    model: d.model,
    status: d.status,
    attempts: d.attempts,
    responseStatus: d.responseStatus,
    lastError: d.lastError,
    payload: d.body,
    attemptLog: d.attemptLog.map((a) => ({ at: new Date(a.at), responseStatus: a.status, error: a.error, durationMs: a.durationMs })),
    createdAt: d.createdAt,
    lastAttemptAt: d.lastAttemptAt,
    nextAttemptAt: d.nextAttemptAt,
    finishedAt: d.finishedAt,
  };
}
