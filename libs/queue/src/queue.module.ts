import { BullModule } from '@nestjs/bullmq';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '@app/config';
import type { DatabaseEndpoint } from '@app/db';
import { createPostgresBackend, setDefaultBackendFactory, type QueueOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueInstrumentation } from './queue-instrumentation.js';
import { QueueNames } from './queue-names.js';

/** Which backend BullMQ runs on, for health checks and logs. */
export class QueueBackendInfo {
  constructor(readonly backend: 'redis' | 'postgres') {}
}

/**
 * BullMQ on Redis when REDIS_URL is set; otherwise on BullMQ's own PostgreSQL backend (the same
 * processors, no Redis). A separate queue database (always so on embedded PGlite, which cannot give each
 * connection its own search_path) keeps BullMQ's tables in `public`; a shared one gets its own schema.
 */
export function queueConnectionOptions(config: AppConfig, endpoint: DatabaseEndpoint): QueueOptions {
  if (config.redisUrl) {
    return { connection: new Redis(config.redisUrl, { maxRetriesPerRequest: null }), prefix: config.queuePrefix };
  }
  setDefaultBackendFactory(createPostgresBackend as never);
  const connection = {
    connectionString: endpoint.queueUrl,
    schema: endpoint.separateQueueDatabase ? 'public' : `${config.queuePrefix.replace(/-/g, '_')}_queue`,
    migrate: true,
    max: endpoint.embedded ? 1 : 6,
  };
  return { connection: connection as never };
}

@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig, endpoint: DatabaseEndpoint): DynamicModule {
    // Every process can enqueue on every queue; only the worker module adds processors.
    const queues = BullModule.registerQueue(...Object.values(QueueNames).map((name) => ({ name })));
    return {
      module: QueueModule,
      imports: [
        DiscoveryModule,
        BullModule.forRoot(queueConnectionOptions(config, endpoint)),
        queues,
      ],
      providers: [{ provide: QueueBackendInfo, useValue: new QueueBackendInfo(config.redisUrl ? 'redis' : 'postgres') }, QueueInstrumentation],
      exports: [QueueBackendInfo, queues],
    };
  }
}
