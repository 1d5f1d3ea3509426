export { createLogger, PinoNestLogger } from './logger.js';
export { PlatformMetrics } from './metrics.js';
export { TelemetryModule } from './telemetry.module.js';
