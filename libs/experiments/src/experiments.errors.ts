export type ExperimentErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'WEIGHTS_NOT_SUMMING_TO_ONE'
  | 'NAMESPACE_OVERLAP'
  | 'RESHUFFLE_REQUIRES_NEW_PHASE'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_RANKING'
  | 'INVALID_TRANSITION';

/** The one error class of the experiments domain; apps/api/src/graphql-errors.ts maps its codes. */
export class ExperimentError extends Error {
  constructor(readonly code: ExperimentErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'ExperimentError';
  }
}
