export type PiiErrorCode = 'INVALID_INPUT' | 'UNKNOWN_KEY' | 'DECRYPT_FAILED';

/** Typed failure of PII encryption: a malformed key list, an envelope naming a key not in the ring, or one that does not decrypt. */
export class PiiError extends Error {
  constructor(readonly code: PiiErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'PiiError';
  }
}
