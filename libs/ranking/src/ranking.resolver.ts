import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { RankingDebugModel, RankingPipelineModel } from './ranking.model.js';
import { RankingService, type NamedPipeline } from './ranking.service.js';

const toPipelineModel = (p: NamedPipeline): RankingPipelineModel => ({ name: p.name, config: JSON.stringify(p.config), experimentKey: p.experimentKey, variant: p.variant, updatedBy: p.updatedBy, updatedAt: p.updatedAt });

/** The ranking pipeline's debug view and its named configurations. */
@Resolver(() => RankingDebugModel)
export class RankingResolver {
  constructor(@Inject(RankingService) private readonly ranking: RankingService) {}

  @RequirePermission('models:read')
  @Query(() => RankingDebugModel, { description: "One served list (rankedJobs or alert) stage by stage: items in and out, position changes and score deltas, and each job's reasons." })
  async rankingDebug(@Args('rankingId') rankingId: string): Promise<RankingDebugModel> {
    const d = await this.ranking.debug(rankingId);
    return {
      rankingId: d.rankingId, candidateId: d.candidateId, channel: d.channel, modelRef: d.modelRef, modelVersion: d.modelVersion, experimentKey: d.experimentKey, variant: d.variant,
      pipeline: d.pipeline, config: JSON.stringify(d.config), createdAt: d.createdAt, stages: d.effects, items: d.items,
    };
  }

  @RequirePermission('models:read')
  @Query(() => [RankingPipelineModel], { description: 'Named ranking pipelines (the built-in default when none is stored under "default").' })
  async rankingPipelines(): Promise<RankingPipelineModel[]> {
    return (await this.ranking.listPipelines()).map(toPipelineModel);
  }

  @RequirePermission('models:write')
  @Mutation(() => RankingPipelineModel, { description: 'Validate and store a named pipeline (JSON: { stages: [{ stage, ...params }] }); with experimentKey and variant, that variant ranks with it. "default" replaces the built-in default.' })
  async saveRankingPipeline(
    @Args('name') name: string,
    @Args('config', { description: 'Pipeline JSON.' }) config: string,
    @CurrentPrincipal() who: Principal,
    @Args('experimentKey', { type: () => String, nullable: true }) experimentKey?: string | null,
    @Args('variant', { type: () => String, nullable: true }) variant?: string | null,
  ): Promise<RankingPipelineModel> {
    return toPipelineModel(await this.ranking.savePipeline(name, config, { experimentKey, variant }, who.label));
  }
}
