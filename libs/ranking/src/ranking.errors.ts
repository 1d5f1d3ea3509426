export type RankingErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'UNKNOWN_STAGE'
  | 'UNKNOWN_FEATURE'
  | 'UNKNOWN_SOURCE'
  | 'WEIGHT_OUT_OF_RANGE'
  | 'UNKNOWN_PIPELINE'
  | 'UNKNOWN_RANKING';

/** The one error class of the ranking domain; apps/api/src/graphql-errors.ts maps its codes. */
export class RankingError extends Error {
  constructor(readonly code: RankingErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'RankingError';
  }
}
