export type EvaluationErrorCode =
  | 'INVALID_INPUT'
  | 'DUPLICATE_ID'
  | 'VALIDATION_FAILED'
  | 'CANCELLED'
  /** Evaluation jobs: */
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TIMEOUT'
  /** The held-out side of the split has no user with a relevant item. */
  | 'EMPTY_TEST_SET'
  /** The model version was trained on interactions the split holds out (details: counts and times). */
  | 'LEAKAGE'
  /** compareEvaluations: not the same split, protocol, dataset or users (details: the differences). */
  | 'INCOMPARABLE'
  /** compareEvaluations: an evaluation has not completed. */
  | 'NOT_COMPLETED'
  | 'EVALUATION_FAILED';

/**
 * The one error class of the evaluation domain (metrics and evaluation jobs). `DUPLICATE_ID` carries
 * `{ user, item }` in `details`.
 */
export class EvaluationError extends Error {
  constructor(readonly code: EvaluationErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'EvaluationError';
  }
}

export function duplicateIdError(user: string, item: string): EvaluationError {
  return new EvaluationError('DUPLICATE_ID', `user ${user}: item ${item} appears more than once in the ranking`, { user, item });
}
