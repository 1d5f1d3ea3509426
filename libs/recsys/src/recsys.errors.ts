export type RecsysErrorCode =
  | 'INVALID_PARAMS'
  | 'EMPTY_TRAINING_SET'
  | 'UNKNOWN_STRATEGY'
  | 'INVALID_INPUT'
  | 'ARTIFACT_STRATEGY_MISMATCH'
  | 'ARTIFACT_VERSION_MISMATCH'
  | 'ARTIFACT_CORRUPT'
  | 'UNKNOWN_CANDIDATE'
  | 'UNSUPPORTED';

/** The one error class of the recsys domain; `details` names the offending field or value where there is one. */
export class RecsysError extends Error {
  constructor(readonly code: RecsysErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'RecsysError';
  }
}
