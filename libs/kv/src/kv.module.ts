import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { DatabaseEndpoint } from '@app/db';
import { KeyValueStore } from './key-value-store.js';
import { PostgresKeyValueStore } from './postgres-key-value-store.js';
import { RedisKeyValueStore } from './redis-key-value-store.js';

export function createKeyValueStore(config: AppConfig, endpoint: DatabaseEndpoint): KeyValueStore {
  return config.redisUrl ? RedisKeyValueStore.connect(config.redisUrl, config.queuePrefix) : PostgresKeyValueStore.connect(endpoint.url);
}

@Global()
@Module({})
export class KvModule implements OnApplicationShutdown {
  constructor(@Inject(KeyValueStore) private readonly store: KeyValueStore) {}

  static forRoot(config: AppConfig, endpoint: DatabaseEndpoint): DynamicModule {
    return {
      module: KvModule,
      providers: [{ provide: KeyValueStore, useFactory: () => createKeyValueStore(config, endpoint) }],
      exports: [KeyValueStore],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
