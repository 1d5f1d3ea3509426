export type ExperimentErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'WEIGHTS_NOT_SUMMING_TO_ONE'
  | 'NAMESPACE_OVERLAP'
  | 'RESHUFFLE_REQUIRES_NEW_PHASE'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_RANKING'
  | 'INVALID_TRANSITION'
  /** A bandit experiment without an exploration floor. */
  | 'EXPLORATION_FLOOR_REQUIRED'
  /** A bandit's exploration floor outside (0, 1/arms). */
  | 'INVALID_EXPLORATION_FLOOR';

/** The one error class of the experiments domain; apps/api/src/graphql-errors.ts maps its codes. */
export class ExperimentError extends Error {
  constructor(readonly code: ExperimentErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'ExperimentError';
  }
}
