import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { AlertsModule } from '@app/alerts';
import { AuthModule } from '@app/auth';
import { ConnectorsModule } from '@app/connectors';
import { IngestModule } from '@app/ingest';
import { EvaluationModule } from '@app/evaluation';
import { ExperimentsModule } from '@app/experiments';
import { StatisticsModule } from '@app/statistics';
import { FairnessModule } from '@app/fairness';
import { FeaturesModule } from '@app/features';
import { EvaluationJobsModule } from '@app/evaluation-jobs';
import { MarketModule } from '@app/market';
import { PrivacyModule } from '@app/privacy';
import { RankingModule } from '@app/ranking';
import { RegistryModule } from '@app/registry';
import { RetrainingModule } from '@app/retraining';
import { RuntimeModule, type Runtime } from '@app/runtime';
import { TrainingModule } from '@app/training';
import { WebhooksModule } from '@app/webhooks';
import { PlatformMetrics, TelemetryModule } from '@app/telemetry';
import { WorkerModule } from '../../worker/src/worker.module.js';
import { FirstRun } from './first-run.js';
import { formatGraphqlError } from './graphql-errors.js';
import { graphqlMetricsPlugin } from './graphql-metrics.plugin.js';
import { HealthController } from './health.controller.js';
import { complexityLimitPlugin, depthLimitRule, pageSizeCapPlugin } from './security/graphql-limits.js';
import { MAX_PAGE_SIZE } from '@app/pagination';
import { hardenDateTimeScalar } from './security/strict-date-time.scalar.js';

export interface ApiOptions {
  /** Also run the queue processors in this process (embedded `npm start`). */
  withWorker: boolean;
  /** Where to write the generated schema; false keeps it in memory. */
  schemaFile: string | false;
}

/** The API's domain modules; each brings its resolvers. */
export const apiDomainModules = [AuthModule, MarketModule, RegistryModule, IngestModule, EvaluationModule, EvaluationJobsModule, TrainingModule, WebhooksModule, FeaturesModule, AlertsModule, ExperimentsModule, StatisticsModule, RankingModule, RetrainingModule, FairnessModule, PrivacyModule, ConnectorsModule];

@Module({})
export class ApiModule {
  static forRoot(runtime: Runtime, options: ApiOptions): DynamicModule {
    const production = runtime.config.env === 'production';
    // Dates that do not parse are refused with the input, not passed on as Invalid Date (security/strict-date-time.scalar.ts).
    hardenDateTimeScalar();
    return {
      module: ApiModule,
      imports: [
        RuntimeModule.forRoot(runtime),
        TelemetryModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [PlatformMetrics],
          useFactory: (metrics: PlatformMetrics) => ({
            autoSchemaFile: options.schemaFile === false ? true : options.schemaFile,
            sortSchema: true,
            path: '/graphql',
            graphiql: !production,
            introspection: !production,
            includeStacktraceInErrorResponses: false,
            formatError: formatGraphqlError,
            // Request-shape limits (apps/api/src/security): typed QUERY_TOO_DEEP / QUERY_TOO_COMPLEX before anything runs.
            validationRules: [depthLimitRule(runtime.config.security.graphqlMaxDepth)],
            plugins: [graphqlMetricsPlugin(metrics), complexityLimitPlugin(runtime.config.security.graphqlMaxComplexity), pageSizeCapPlugin(MAX_PAGE_SIZE)],
            context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
          }),
        }),
        ...apiDomainModules,
        ...(options.withWorker ? [WorkerModule.register()] : []),
      ],
      controllers: [HealthController],
      providers: [
        FirstRun,
        { provide: APP_PIPE, useValue: new ValidationPipe({ transform: true, forbidUnknownValues: false }) },
      ],
    };
  }
}
