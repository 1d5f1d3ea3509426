export type StatisticsErrorCode =
  /** Bad arguments: negative counts, mismatched lengths, alpha outside (0, 1), … (details say which). */
  | 'INVALID_INPUT'
  /** Not enough data for the requested statistic (e.g. fewer than 2 units in an arm, zero control mean). */
  | 'INSUFFICIENT_DATA';

/** The one error class of the statistics domain. */
export class StatisticsError extends Error {
  constructor(readonly code: StatisticsErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'StatisticsError';
  }
}
