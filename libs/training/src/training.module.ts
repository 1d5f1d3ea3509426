import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MarketCoreModule } from '@app/market';
import { RegistryCoreModule } from '@app/registry';
import { ModelServing } from './serving.service.js';
import { SnapshotService } from './snapshot.service.js';
import { TrainingJobEntity } from './training-job.entity.js';
import { RecommendResolver, TrainingResolver } from './training.resolver.js';
import { TrainingService } from './training.service.js';

export const trainingResolvers = [TrainingResolver, RecommendResolver];

/** Training, search and serving services (worker, CLI, API). The `training` queue comes from QueueModule. */
@Module({
  imports: [TypeOrmModule.forFeature([TrainingJobEntity]), RegistryCoreModule, MarketCoreModule],
  providers: [SnapshotService, TrainingService, ModelServing],
  exports: [SnapshotService, TrainingService, ModelServing, RegistryCoreModule],
})
export class TrainingCoreModule {}

@Module({ imports: [TrainingCoreModule], providers: trainingResolvers, exports: [TrainingCoreModule] })
export class TrainingModule {}
