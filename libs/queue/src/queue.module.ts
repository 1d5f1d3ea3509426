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

/** The longest an idle worker on the PostgreSQL backend sleeps before it looks for new jobs itself, in seconds. */
export const POSTGRES_MAX_BLOCK_SECONDS = 3;

/**
 * BullMQ's PostgreSQL backend, with idle workers that never sleep longer than POSTGRES_MAX_BLOCK_SECONDS. BullMQ
 * wakes a worker by NOTIFY and otherwise lets it sleep until its queue's next delayed job, up to an hour. On
 * embedded PGlite every socket shares one session and the NOTIFY does not reach the worker, so a queue with an
 * hourly schedule (feature drift) held every new job for up to an hour. A few cheap queries every 3 s are the price.
 */
export const pollingPostgresBackend: typeof createPostgresBackend = (name, opts, factoryOpts) => {
  const backend = createPostgresBackend(name, opts, factoryOpts);
  Object.defineProperty(backend, 'maximumBlockTimeout', { value: POSTGRES_MAX_BLOCK_SECONDS });
  return backend;
};

/**
 * BullMQ on Redis when REDIS_URL is set; otherwise on BullMQ's own PostgreSQL backend (the same
 * processors, no Redis). A separate queue database (always so on embedded PGlite, which cannot give each
 * connection its own search_path) keeps BullMQ's tables in `public`; a shared one gets its own schema.
 */
export function queueConnectionOptions(config: AppConfig, endpoint: DatabaseEndpoint): QueueOptions {
  if (config.redisUrl) {
    return { connection: new Redis(config.redisUrl, { maxRetriesPerRequest: null }), prefix: config.queuePrefix };
  }
  setDefaultBackendFactory(pollingPostgresBackend as never);
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
