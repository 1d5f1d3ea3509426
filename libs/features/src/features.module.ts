import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { RegistryCoreModule } from '@app/registry';
import type { DataSource } from 'typeorm';
import { ComputeService } from './compute.service.js';
import { DriftService } from './drift.service.js';
import { FeatureDefinitionEntity } from './feature-definition.entity.js';
import { FeatureJobEntity } from './feature-job.entity.js';
import { FeatureJobsService } from './feature-jobs.service.js';
import { FeaturePinsService } from './feature-pins.service.js';
import { FeatureRegistryService } from './feature-registry.service.js';
import {
  FeatureJobResolver, FeatureServiceResolver, FeatureServiceVersionResolver, FeatureViewResolver, FeatureViewVersionResolver, OnlineFeaturesResolver,
} from './features.resolver.js';
import { OfflineStoreService } from './offline-store.service.js';
import { OnlineStore } from './online/online-store.js';
import { OnlineService } from './online/online.service.js';
import { PostgresOnlineStore } from './online/postgres-online-store.js';
import { PushService } from './online/push.service.js';
import { RedisOnlineStore } from './online/redis-online-store.js';
import { StatisticsService } from './statistics.service.js';
import { TrainingSetService } from './training-set.service.js';

export const featureResolvers = [FeatureViewResolver, FeatureViewVersionResolver, FeatureServiceResolver, FeatureServiceVersionResolver, OnlineFeaturesResolver, FeatureJobResolver];

/** Redis when REDIS_URL is set (keys under QUEUE_PREFIX), else the Postgres table: the same interface. */
export const onlineStoreProvider = {
  provide: OnlineStore,
  inject: [AppConfig, getDataSourceToken()],
  useFactory: (config: AppConfig, db: DataSource): OnlineStore =>
    config.redisUrl ? RedisOnlineStore.connect(config.redisUrl, config.queuePrefix) : new PostgresOnlineStore(db),
};

const services = [FeatureRegistryService, OfflineStoreService, ComputeService, StatisticsService, OnlineService, DriftService, TrainingSetService, FeatureJobsService, FeaturePinsService, PushService];

/** The feature store's services (API, worker, CLI). The `features` queue comes from QueueModule. */
@Module({
  imports: [TypeOrmModule.forFeature([FeatureDefinitionEntity, FeatureJobEntity]), RegistryCoreModule],
  providers: [onlineStoreProvider, ...services],
  exports: [OnlineStore, ...services],
})
export class FeaturesCoreModule implements OnApplicationShutdown {
  constructor(@Inject(OnlineStore) private readonly store: OnlineStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({ imports: [FeaturesCoreModule], providers: featureResolvers, exports: [FeaturesCoreModule] })
export class FeaturesModule {}
