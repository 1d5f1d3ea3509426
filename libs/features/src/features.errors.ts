export type FeatureErrorCode =
  | 'NOT_FOUND'
  | 'UNKNOWN_FEATURE'
  | 'INVALID_INPUT'
  | 'INVALID_DEFINITION'
  | 'DUPLICATE_DEFINITION'
  | 'TYPE_MISMATCH'
  | 'MISSING_TIMESTAMP'
  | 'CONFLICT'
  | 'MATERIALIZATION_FAILED'
  | 'COMPUTE_FAILED'
  | 'NO_STATISTICS';

/** The one error class of the feature store; `details.field` names the offending field where there is one. */
export class FeatureError extends Error {
  constructor(readonly code: FeatureErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'FeatureError';
  }
}
