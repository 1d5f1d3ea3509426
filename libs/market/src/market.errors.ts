export type MarketErrorCode = 'NOT_FOUND' | 'INVALID_INPUT';

export class MarketError extends Error {
  constructor(readonly code: MarketErrorCode, message: string) {
    super(message);
    this.name = 'MarketError';
  }
}
