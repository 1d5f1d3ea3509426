export type AuthErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'INVALID_CREDENTIALS' | 'INVALID_INPUT' | 'NOT_FOUND';

export class AuthError extends Error {
  constructor(readonly code: AuthErrorCode, message: string) {
    super(message);
    this.name = 'AuthError';
  }
}
