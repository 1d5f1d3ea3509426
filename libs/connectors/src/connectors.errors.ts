export type ConnectorErrorCode = 'NOT_FOUND' | 'INVALID_INPUT' | 'BLOCKED_URL' | 'FETCH_FAILED' | 'TOO_LARGE' | 'CONFLICT';

/** Errors of the connectors domain (mapped to GraphQL codes in apps/api/src/graphql-errors.ts). */
export class ConnectorError extends Error {
  constructor(readonly code: ConnectorErrorCode, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'ConnectorError';
  }
}
