import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DbModule } from '@app/db';
import { KvModule } from '@app/kv';
import { QueueModule } from '@app/queue';
import type { Runtime } from './runtime.js';

/** Config, database, key-value store and queue connection for one process. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const { config, endpoint } = runtime;
    return {
      module: RuntimeModule,
      imports: [DbModule.forRoot(endpoint), KvModule.forRoot(config, endpoint), QueueModule.forRoot(config, endpoint)],
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig, DbModule, KvModule, QueueModule],
    };
  }
}
