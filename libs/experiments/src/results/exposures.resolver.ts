import { Inject } from '@nestjs/common';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '@app/auth';
import { ExperimentDayExposureModel } from './exposures.model.js';
import { ExperimentExposuresService } from './exposures.service.js';

@Resolver(() => ExperimentDayExposureModel)
export class ExperimentExposuresResolver {
  constructor(@Inject(ExperimentExposuresService) private readonly exposures: ExperimentExposuresService) {}

  @RequirePermission('evaluations:read')
  @Query(() => [ExperimentDayExposureModel], { description: 'Exposures per UTC day and variant of a phase (default: current): units, first-time units, lists and items, oldest day first.' })
  async experimentExposures(@Args('key') key: string, @Args('phase', { type: () => Int, nullable: true }) phase?: number): Promise<ExperimentDayExposureModel[]> {
    return this.exposures.daily(key, phase ?? undefined);
  }
}
