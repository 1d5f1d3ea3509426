export type RetrainErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'NO_POLICY'
  | 'TRAINING_FAILED'
  | 'EVALUATION_FAILED'
  | 'GATE_FAILED'
  | 'CANCELLED';

/** The one error class of continuous learning; `details.field` names the offending policy field where there is one. */
export class RetrainError extends Error {
  constructor(readonly code: RetrainErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'RetrainError';
  }
}
