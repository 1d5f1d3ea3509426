import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseEndpoint } from './database-endpoint.js';

/** TypeORM over `pg` against the resolved endpoint (real Postgres or embedded PGlite). Entities come from
 *  each domain module's `TypeOrmModule.forFeature`; the schema comes only from migrations/. */
@Global()
@Module({})
export class DbModule {
  static forRoot(endpoint: DatabaseEndpoint): DynamicModule {
    return {
      module: DbModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: endpoint.url,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false,
          logging: false,
          extra: { max: endpoint.poolSize, connectionTimeoutMillis: 10000 },
        }),
      ],
      providers: [{ provide: DatabaseEndpoint, useValue: endpoint }],
      exports: [DatabaseEndpoint],
    };
  }
}
