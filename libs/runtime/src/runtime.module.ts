import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PiiCipher } from '@app/pii';
import { DbModule } from '@app/db';
import { KvModule } from '@app/kv';
import { QueueModule } from '@app/queue';
import type { Runtime } from './runtime.js';

/** Config, PII cipher, database, key-value store and queue connection for one process. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const { config, endpoint } = runtime;
    return {
      module: RuntimeModule,
      imports: [DbModule.forRoot(endpoint), KvModule.forRoot(config, endpoint), QueueModule.forRoot(config, endpoint)],
      providers: [{ provide: AppConfig, useValue: config }, { provide: PiiCipher, useValue: PiiCipher.install(config) }],
      exports: [AppConfig, PiiCipher, DbModule, KvModule, QueueModule],
    };
  }
}
