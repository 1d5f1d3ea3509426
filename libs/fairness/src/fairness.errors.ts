export type FairnessErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  /** A protected attribute offered without the candidate's explicit consent to store it. */
  | 'CONSENT_REQUIRED';

/** The one error class of the fairness domain; apps/api/src/graphql-errors.ts maps its codes. */
export class FairnessError extends Error {
  constructor(readonly code: FairnessErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'FairnessError';
  }
}
