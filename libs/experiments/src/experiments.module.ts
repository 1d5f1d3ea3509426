import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryCoreModule } from '@app/registry';
import { ExperimentAssignmentEntity, ExperimentEntity, ExperimentExposureEntity, ExperimentPhaseEntity, ExperimentRankingEntity } from './experiment.entity.js';
import { ExperimentsResolver } from './experiments.resolver.js';
import { ExperimentsService } from './experiments.service.js';

export const experimentsResolvers = [ExperimentsResolver];

/** Definitions, assignment and logging (API, worker, CLI). The `experiments` queue comes from QueueModule. */
@Module({
  imports: [TypeOrmModule.forFeature([ExperimentEntity, ExperimentPhaseEntity, ExperimentAssignmentEntity, ExperimentRankingEntity, ExperimentExposureEntity]), RegistryCoreModule],
  providers: [ExperimentsService],
  exports: [ExperimentsService],
})
export class ExperimentsCoreModule {}

@Module({ imports: [ExperimentsCoreModule], providers: experimentsResolvers, exports: [ExperimentsCoreModule] })
export class ExperimentsModule {}
