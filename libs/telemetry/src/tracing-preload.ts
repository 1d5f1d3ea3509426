// Preload for optional tracing: `node --import ./dist/libs/telemetry/src/tracing-preload.js dist/apps/api/src/main.js`.
// Starts the OpenTelemetry SDK before the app's modules load when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; otherwise imports nothing and returns. A malformed OTEL_* variable
// stops the process with one line naming it.
if (process.env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim() || process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim()) {
  try {
    const { startTracing } = await import('./tracing.js');
    await startTracing(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
export {};
