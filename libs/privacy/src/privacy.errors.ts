export type PrivacyErrorCode = 'NOT_FOUND' | 'INVALID_INPUT' | 'UNKNOWN_KEY' | 'DECRYPT_FAILED';

export class PrivacyError extends Error {
  constructor(readonly code: PrivacyErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'PrivacyError';
  }
}
