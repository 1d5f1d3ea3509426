import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryCoreModule } from '@app/registry';
import { ExperimentAllocationEntity, ExperimentAssignmentEntity, ExperimentEntity, ExperimentExposureEntity, ExperimentPhaseEntity, ExperimentRankingEntity } from './experiment.entity.js';
import { ExperimentsResolver } from './experiments.resolver.js';
import { ExperimentsService } from './experiments.service.js';
import { ExperimentResultsResolver } from './results/experiment-results.resolver.js';
import { ExperimentResultsService } from './results/experiment-results.service.js';
import { ExperimentExposuresResolver } from './results/exposures.resolver.js';
import { ExperimentExposuresService } from './results/exposures.service.js';
import { ExperimentSrmMetrics } from './results/srm-metrics.js';

export const experimentsResolvers = [ExperimentsResolver, ExperimentResultsResolver, ExperimentExposuresResolver];

/** Definitions, assignment and logging (API, worker, CLI). The `experiments` queue comes from QueueModule. */
@Module({
  imports: [TypeOrmModule.forFeature([ExperimentAllocationEntity, ExperimentEntity, ExperimentPhaseEntity, ExperimentAssignmentEntity, ExperimentRankingEntity, ExperimentExposureEntity]), RegistryCoreModule],
  providers: [ExperimentsService, ExperimentResultsService, ExperimentExposuresService, ExperimentSrmMetrics],
  exports: [ExperimentsService, ExperimentResultsService, ExperimentExposuresService],
})
export class ExperimentsCoreModule {}

@Module({ imports: [ExperimentsCoreModule], providers: experimentsResolvers, exports: [ExperimentsCoreModule] })
export class ExperimentsModule {}
