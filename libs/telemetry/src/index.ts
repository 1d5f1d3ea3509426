export { createLogger, PinoNestLogger } from './logger.js';
export { PlatformMetrics } from './metrics.js';
export { startMetricsServer } from './metrics-server.js';
export { acceptRequestId, currentRequestId, requestContext, type RequestContext } from './request-context.js';
export { TelemetryModule } from './telemetry.module.js';
export { dashboardMetricNames, exportedMetricNames } from './dashboard-metrics.js';
export { currentTraceCarrier, flushTracing, runJobInTrace, startTracing, tracingConfig, tracingEnabled, type TracingConfig } from './tracing.js';
