import type { ApolloServerPlugin } from '@apollo/server';
import type { PlatformMetrics } from '@app/telemetry';
import { formatGraphqlError } from './graphql-errors.js';

/** Latency per GraphQL operation and error counts per code. */
export function graphqlMetricsPlugin(metrics: PlatformMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const start = performance.now();
      return {
        async willSendResponse(ctx) {
          const operation = ctx.operationName ?? 'anonymous';
          const type = ctx.operation?.operation ?? 'unknown';
          metrics.graphqlDuration.observe({ operation, type }, (performance.now() - start) / 1000);
          for (const e of ctx.errors ?? []) {
            // Raw errors here: classify them exactly as the client sees them.
            const code = formatGraphqlError({ message: e.message, extensions: e.extensions }, e).extensions?.['code'];
            metrics.graphqlErrors.inc({ operation, code: String(code ?? 'INTERNAL_SERVER_ERROR') });
          }
        },
      };
    },
  };
}
