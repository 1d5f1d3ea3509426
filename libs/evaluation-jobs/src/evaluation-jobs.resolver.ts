import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { pageBounds } from '@app/pagination';
import { CompareEvaluationsArgs, EvaluationListArgs, StartEvaluationInput } from './dto/evaluation.inputs.js';
import { toComparisonModel, toEvaluationJobModel, toEvaluationModel } from './evaluation-jobs.mapper.js';
import { EvaluationComparisonModel, EvaluationJobModel, EvaluationModel, EvaluationPage } from './evaluation-jobs.model.js';
import { EvaluationJobService } from './evaluation-jobs.service.js';

@Resolver(() => EvaluationModel)
export class EvaluationJobsResolver {
  constructor(@Inject(EvaluationJobService) private readonly service: EvaluationJobService) {}

  @RequirePermission('evaluations:run')
  @Mutation(() => EvaluationModel, { description: 'Queue an offline evaluation of a model version; follow it with evaluationJob(id).' })
  async startEvaluation(@Args('input') input: StartEvaluationInput, @CurrentPrincipal() who: Principal): Promise<EvaluationModel> {
    const { split, relevance, k, ...rest } = input;
    const grades = relevance?.grades ? Object.fromEntries(relevance.grades.map((g) => [g.type, g.grade])) : undefined;
    const started = await this.service.start({ ...rest, ks: k, split, relevance: relevance ? { grades, threshold: relevance.threshold } : undefined }, who.label);
    return toEvaluationModel(started);
  }

  @RequirePermission('evaluations:run')
  @Mutation(() => EvaluationModel, { description: 'Cancel a queued or running evaluation; running shards stop within a second and nothing is stored.' })
  async cancelEvaluation(@Args('id', { type: () => ID }) id: string): Promise<EvaluationModel> {
    return toEvaluationModel(await this.service.cancel(id));
  }

  @RequirePermission('evaluations:read')
  @Query(() => EvaluationPage, { description: 'Evaluations, newest first.' })
  async evaluations(@Args() args: EvaluationListArgs) {
    const f = args.filter ?? {};
    const page = await this.service.list({ model: f.model, version: f.version, datasetFingerprint: f.dataset, status: f.status }, pageBounds(args));
    return { items: page.items.map(toEvaluationModel), totalCount: page.totalCount };
  }

  @RequirePermission('evaluations:read')
  @Query(() => EvaluationModel)
  async evaluation(@Args('id', { type: () => ID }) id: string): Promise<EvaluationModel> {
    return toEvaluationModel(await this.service.get(id));
  }

  @RequirePermission('evaluations:read')
  @Query(() => EvaluationJobModel, { description: 'Progress of an evaluation job, shard by shard.' })
  async evaluationJob(@Args('id', { type: () => ID }) id: string): Promise<EvaluationJobModel> {
    const e = await this.service.get(id);
    return toEvaluationJobModel(e, await this.service.shardRows(id));
  }

  @RequirePermission('evaluations:read')
  @Query(() => EvaluationComparisonModel, {
    description: 'Per-metric difference b − a between two completed evaluations of the same users on the same split, with a paired-bootstrap 95% CI and a paired sign-flip permutation p-value. Not the same split, dataset or users: INCOMPARABLE.',
  })
  async compareEvaluations(@Args() args: CompareEvaluationsArgs): Promise<EvaluationComparisonModel> {
    return toComparisonModel(await this.service.compare(args.a, args.b, args.metrics));
  }
}
