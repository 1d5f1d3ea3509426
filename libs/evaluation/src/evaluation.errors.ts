export type EvaluationErrorCode = 'INVALID_INPUT' | 'DUPLICATE_ID' | 'VALIDATION_FAILED' | 'CANCELLED';

/** The one error class of the evaluation domain. `DUPLICATE_ID` carries `{ user, item }` in `details`. */
export class EvaluationError extends Error {
  constructor(readonly code: EvaluationErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'EvaluationError';
  }
}

export function duplicateIdError(user: string, item: string): EvaluationError {
  return new EvaluationError('DUPLICATE_ID', `user ${user}: item ${item} appears more than once in the ranking`, { user, item });
}
