import { Inject } from '@nestjs/common';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '@app/auth';
import { ExperimentAnalysisModel } from './experiment-results.model.js';
import { ExperimentResultsService } from './experiment-results.service.js';

@Resolver(() => ExperimentAnalysisModel)
export class ExperimentResultsResolver {
  constructor(@Inject(ExperimentResultsService) private readonly results: ExperimentResultsService) {}

  @RequirePermission('evaluations:read')
  @Query(() => ExperimentAnalysisModel, { description: 'Statistics of an experiment phase (default: current): lifts with CIs, CUPED, sequential intervals, chance to win, Holm, guardrails, SRM, daily lift. Cached; refresh: true recomputes now.' })
  async experimentAnalysis(
    @Args('key') key: string,
    @Args('phase', { type: () => Int, nullable: true }) phase?: number,
    @Args('refresh', { type: () => Boolean, defaultValue: false }) refresh?: boolean,
  ): Promise<ExperimentAnalysisModel> {
    const r = await this.results.analysis(key, { phase: phase ?? undefined, refresh: refresh ?? false });
    return { experimentKey: r.experimentKey, phase: r.phase, computedAt: r.computedAt, durationMs: r.durationMs, variants: r.variants, ...r.analysis, interleaving: r.interleaving ?? null };
  }
}
