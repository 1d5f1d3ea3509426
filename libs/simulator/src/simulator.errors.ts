export type SimulatorErrorCode = 'INVALID_INPUT' | 'CONFLICT' | 'NOT_FOUND';

export class SimulatorError extends Error {
  constructor(readonly code: SimulatorErrorCode, message: string) {
    super(message);
    this.name = 'SimulatorError';
  }
}
