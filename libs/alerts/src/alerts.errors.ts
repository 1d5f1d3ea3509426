export type AlertErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'INVALID_EMAIL'
  | 'INVALID_WEBHOOK_URL'
  | 'PRIVATE_ADDRESS'
  | 'UNKNOWN_TIME_ZONE'
  | 'INVALID_SEND_HOUR'
  | 'INVALID_TOKEN'
  | 'CONFLICT'
  | 'NOT_REPLAYABLE'
  | 'IDEMPOTENCY_KEY_REUSED';

/** The alert domain's one error class; codes are mapped to GraphQL in apps/api/src/graphql-errors.ts. */
export class AlertError extends Error {
  constructor(readonly code: AlertErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'AlertError';
  }
}
