export type TrainingErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'UNKNOWN_STRATEGY'
  | 'INVALID_PARAMS'
  | 'EMPTY_TRAINING_SET'
  | 'CANCELLED'
  | 'TIMEOUT'
  | 'UNKNOWN_CANDIDATE'
  | 'TRAINING_FAILED';

/** The one error class of the training and serving domain; recsys errors are carried over with their code. */
export class TrainingError extends Error {
  constructor(readonly code: TrainingErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'TrainingError';
  }
}
