import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { StartHyperparameterSearchInput, StartTrainingInput } from './dto/training.inputs.js';
import { ModelServing } from './serving.service.js';
import { parseJsonObject, toRecommendationModel, toTrainingJobModel } from './training.mapper.js';
import { RecommendationModel, TrainingJobModel } from './training.model.js';
import { TrainingService, type SearchRequest } from './training.service.js';

@Resolver(() => TrainingJobModel)
export class TrainingResolver {
  constructor(@Inject(TrainingService) private readonly training: TrainingService) {}

  @RequirePermission('training:run')
  @Mutation(() => TrainingJobModel, { description: 'Queue a training job; it registers a version when it completes.' })
  async startTraining(@Args('input') input: StartTrainingInput, @CurrentPrincipal() who: Principal): Promise<TrainingJobModel> {
    const { params, ...rest } = input;
    return toTrainingJobModel(await this.training.startTraining({ ...rest, params: parseJsonObject('params', params) }, who.label));
  }

  @RequirePermission('training:run')
  @Mutation(() => TrainingJobModel, { description: 'Queue a grid or random search; every trial is registered (tag search=<job id>), the best is reported.' })
  async startHyperparameterSearch(@Args('input') input: StartHyperparameterSearchInput, @CurrentPrincipal() who: Principal): Promise<TrainingJobModel> {
    const { params, space, ...rest } = input;
    const req: SearchRequest = { ...rest, params: parseJsonObject('params', params), space: parseJsonObject('space', space) as SearchRequest['space'] };
    return toTrainingJobModel(await this.training.startSearch(req, who.label));
  }

  @RequirePermission('training:run')
  @Mutation(() => TrainingJobModel, { description: 'Cancel a queued or running job; nothing is registered.' })
  async cancelTraining(@Args('id', { type: () => ID }) id: string): Promise<TrainingJobModel> {
    return toTrainingJobModel(await this.training.cancel(id));
  }

  @RequirePermission('models:read')
  @Query(() => TrainingJobModel)
  async trainingJob(@Args('id', { type: () => ID }) id: string, @Args('logLines', { type: () => Int, defaultValue: 20 }) logLines: number): Promise<TrainingJobModel> {
    return toTrainingJobModel(await this.training.get(id), logLines);
  }

  @RequirePermission('models:read')
  @Query(() => [TrainingJobModel], { description: 'Training jobs, newest first.' })
  async trainingJobs(@Args('model', { nullable: true }) model?: string, @Args('limit', { type: () => Int, defaultValue: 50 }) limit?: number): Promise<TrainingJobModel[]> {
    return (await this.training.list({ model, limit })).map((j) => toTrainingJobModel(j, 0));
  }
}

@Resolver(() => RecommendationModel)
export class RecommendResolver {
  constructor(@Inject(ModelServing) private readonly serving: ModelServing) {}

  @RequirePermission('recommend:read')
  @Query(() => RecommendationModel, { description: 'Top-k jobs for a candidate from a registry version: modelRef "name@alias" or "name/3".' })
  async recommend(
    @Args('candidateId', { type: () => ID }) candidateId: string,
    @Args('modelRef') modelRef: string,
    @Args('k', { type: () => Int, defaultValue: 10 }) k: number,
  ): Promise<RecommendationModel> {
    return toRecommendationModel(candidateId, await this.serving.recommend(candidateId, k, modelRef));
  }
}
