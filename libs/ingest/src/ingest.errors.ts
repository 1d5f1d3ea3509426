export type IngestErrorCode = 'NOT_FOUND' | 'INVALID_INPUT' | 'VALIDATION_FAILED' | 'FAILED';

/** Errors of the ingest domain (mapped to GraphQL codes in apps/api/src/graphql-errors.ts). */
export class IngestError extends Error {
  constructor(readonly code: IngestErrorCode, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'IngestError';
  }
}
