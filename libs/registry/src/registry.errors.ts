export type RegistryErrorCode = 'NOT_FOUND' | 'INVALID_INPUT' | 'CONFLICT' | 'GATE_REFUSED' | 'ARCHIVED' | 'CORRUPT_ARTIFACT';

export class RegistryError extends Error {
  constructor(readonly code: RegistryErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'RegistryError';
  }
}
