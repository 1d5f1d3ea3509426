export { WebhooksModule, WebhooksCoreModule, webhooksResolvers } from './webhooks.module.js';
export { WebhooksService, deliveryBody, type WebhookView, type CreateWebhook, type AttemptResult } from './webhooks.service.js';
export { WebhookError, type WebhookErrorCode } from './webhooks.errors.js';
export { WebhookSubscriptionEntity, WebhookDeliveryEntity, type DeliveryStatus, type AttemptRecord } from './webhook.entity.js';
export { generateSecret, sign, verifySignature, webhookHeaders, SECRET_PREFIX } from './signing.js';
export { retryDelayMs, classifyResponse, parseRetryAfter, MAX_RETRY_DELAY_MS } from './retry.js';
export { checkWebhookUrl, isPrivateAddress } from './address-guard.js';
export { postWebhook, guardedLookup, type PostResult } from './http-delivery.js';
