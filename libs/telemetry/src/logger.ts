import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';

/** One JSON logger per process; Nest's own messages go through it too. `destination`: tests capture lines. */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const opts = { level, name, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(opts, destination) : pino(opts);
}

/** A message given as an object (`{ msg, ...fields }`) is logged with its fields as JSON properties. */
function split(message: unknown): [Record<string, unknown>, string] {
  if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
    const { msg, ...fields } = message as Record<string, unknown>;
    return [fields, typeof msg === 'string' ? msg : ''];
  }
  return [{}, String(message)];
}

export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    const [fields, msg] = split(message);
    this.logger.info({ context, ...fields }, msg);
  }
  error(message: unknown, trace?: string, context?: string) {
    const [fields, msg] = split(message);
    this.logger.error({ context, trace, ...fields }, msg);
  }
  warn(message: unknown, context?: string) {
    const [fields, msg] = split(message);
    this.logger.warn({ context, ...fields }, msg);
  }
  debug(message: unknown, context?: string) {
    const [fields, msg] = split(message);
    this.logger.debug({ context, ...fields }, msg);
  }
  verbose(message: unknown, context?: string) {
    const [fields, msg] = split(message);
    this.logger.trace({ context, ...fields }, msg);
  }
}
