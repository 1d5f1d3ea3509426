export type WebhookErrorCode = 'NOT_FOUND' | 'INVALID_INPUT' | 'CONFLICT';

export class WebhookError extends Error {
  constructor(readonly code: WebhookErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'WebhookError';
  }
}
