import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExperimentsCoreModule } from '@app/experiments';
import { RankingCoreModule } from '@app/ranking';
import { TrainingCoreModule } from '@app/training';
import { AlertDeliveryEntity, AlertOwnerNoticeEntity, AlertSubscriptionEntity } from './alert.entity.js';
import { AlertRanker } from './alert-ranker.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsResolver } from './alerts.resolver.js';
import { AlertIdempotency } from './idempotency.js';
import { AlertsService } from './alerts.service.js';
import { RankedListCache } from './ranked-list-cache.js';
import { AlertReportsResolver } from './reports/alert-reports.resolver.js';
import { AlertReportsService } from './reports/alert-reports.service.js';

export const alertsResolvers = [AlertsResolver, AlertReportsResolver];

/** Subscriptions, composition, delivery (worker, CLI, API). The `alerts` queue comes from QueueModule. */
@Module({
  imports: [TypeOrmModule.forFeature([AlertSubscriptionEntity, AlertDeliveryEntity, AlertOwnerNoticeEntity]), TrainingCoreModule, ExperimentsCoreModule, RankingCoreModule],
  providers: [AlertsService, AlertRanker, AlertReportsService, RankedListCache],
  exports: [AlertsService, AlertRanker, AlertReportsService, RankedListCache],
})
export class AlertsCoreModule {}

/** The API side: GraphQL resolvers and the unsubscribe / click-tracking HTTP routes. */
@Module({ imports: [AlertsCoreModule], providers: [...alertsResolvers, AlertIdempotency], controllers: [AlertsController], exports: [AlertsCoreModule] })
export class AlertsModule {}
