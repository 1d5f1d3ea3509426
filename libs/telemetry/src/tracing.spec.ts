import { describe, expect, it } from '@jest/globals';
import { currentTraceCarrier, runJobInTrace, tracingConfig, tracingEnabled } from './tracing.js';

describe('tracingConfig (OTEL_* variables)', () => {
  it('is off without an endpoint, with OTEL_SDK_DISABLED=true and with OTEL_TRACES_EXPORTER=none', () => {
    expect(tracingConfig({})).toBeUndefined();
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('appends /v1/traces to the base endpoint, uses the traces endpoint as is, and names the service by process role', () => {
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, '/app/dist/apps/worker/src/main.js')).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces', serviceName: 'matchlab-worker', headers: {},
    });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c/otlp/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_SERVICE_NAME: 'edge-api', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t,x-team=ml' }, '/app/dist/apps/api/src/main.js')).toEqual({
      tracesUrl: 'https://c/otlp/traces', serviceName: 'edge-api', headers: { authorization: 'Bearer t', 'x-team': 'ml' },
    });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, '/app/dist/apps/api/src/main.js')?.serviceName).toBe('matchlab-api');
  });

  it('refuses a malformed endpoint and a protocol other than http/json with one line naming the variable', () => {
    expect(() => tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow('config: OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (got "collector:4318")');
    expect(() => tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL: only http/json is supported (got "grpc")');
  });

  it('when off, jobs run unwrapped and carry no trace context', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(currentTraceCarrier()).toBeUndefined();
    await expect(runJobInTrace('q', { id: '1', name: 'n', data: { traceContext: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } } }, async () => 42)).resolves.toBe(42);
  });
});
