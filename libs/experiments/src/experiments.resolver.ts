import { Inject } from '@nestjs/common';
import { Args, Float, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { ArmShareInput, ComposeInterleavedInput, CreateExperimentInput, ExperimentChangesInput, ExperimentInteractionInput, LogRankingInput, UpdateExperimentInput } from './dto/experiment.inputs.js';
import { BanditAllocationModel, OffPolicyEstimateModel, ExperimentAssignmentModel, ExperimentModel, InterleavedListModel, ExperimentPhaseModel, ExperimentVariantResultModel, LoggedRankingModel, PromotedExperimentModel, RecordedInteractionsModel } from './experiment.model.js';
import { ExperimentError } from './experiments.errors.js';
import { toExperimentModel, toPhaseModel } from './experiments.mapper.js';
import { ExperimentsService, type ExperimentDefinition, type ExperimentPatch, type OffPolicyReport } from './experiments.service.js';
import type { BanditReward } from './bandit.js';

const finite = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

function toOffPolicyModel(r: OffPolicyReport): OffPolicyEstimateModel {
  const interval = (i: OffPolicyReport['ips']) => ({ estimate: i.estimate, se: finite(i.se), ciLow: finite(i.ciLow), ciHigh: finite(i.ciHigh), bootstrapLow: finite(i.bootstrapLow), bootstrapHigh: finite(i.bootstrapHigh) });
  return {
    experimentKey: r.experimentKey, phase: r.phase, target: r.target, reward: r.reward, n: r.n, clusters: r.clusters, matched: r.matched,
    ips: interval(r.ips), snips: r.snips ? interval(r.snips) : null, effectiveSampleSize: r.effectiveSampleSize, meanWeight: r.meanWeight, maxWeight: r.maxWeight,
    clipped: r.clipped, alpha: r.alpha, servedRate: r.servedRate,
  };
}

function json(value: string, what: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new ExperimentError('INVALID_INPUT', `${what} is not valid JSON: ${value.slice(0, 80)}`);
  }
}

/** GraphQL input → service patch (JSON-encoded strategy configs and targeting values parsed here). */
function toPatch(input: ExperimentChangesInput & { killed?: string[] }): ExperimentPatch {
  const patch: ExperimentPatch = {};
  if (input.hypothesis !== undefined) patch.hypothesis = input.hypothesis;
  if (input.variants) {
    patch.variants = input.variants.map((v) => ({ key: v.key, weight: v.weight, modelRef: v.modelRef ?? null, strategy: v.strategy ? (json(v.strategy, `strategy of variant ${v.key}`) as { name: string }) : null }));
  }
  if (input.coverage !== undefined) patch.coverage = input.coverage;
  if (input.namespace !== undefined) patch.namespace = input.namespace ? { ...input.namespace } : null;
  if (input.targeting) patch.targeting = input.targeting.map((t) => ({ attribute: t.attribute, op: t.op as never, ...(t.value !== undefined ? { value: json(t.value, `targeting value of ${t.attribute}`) } : {}) }));
  if (input.forced) patch.forced = Object.fromEntries(input.forced.map((f) => [f.unitId, f.variant]));
  if (input.sticky !== undefined) patch.sticky = input.sticky;
  if (input.primaryMetric !== undefined) patch.primaryMetric = input.primaryMetric;
  if (input.secondaryMetrics) patch.secondaryMetrics = input.secondaryMetrics;
  if (input.guardrailMetrics) patch.guardrailMetrics = input.guardrailMetrics;
  if (input.plannedDays !== undefined) patch.plannedDays = input.plannedDays;
  if (input.plannedSampleSize !== undefined) patch.plannedSampleSize = input.plannedSampleSize;
  if (input.killed) patch.killed = input.killed;
  if (input.bandit) {
    const b = input.bandit;
    patch.bandit = { ...(b.explorationFloor !== undefined ? { explorationFloor: b.explorationFloor } : {}), ...(b.reward !== undefined ? { reward: b.reward as BanditReward } : {}), ...(b.refreshMinutes !== undefined ? { refreshMinutes: b.refreshMinutes } : {}), ...(b.samples !== undefined ? { samples: b.samples } : {}) };
  }
  return patch;
}

@Resolver(() => ExperimentModel)
export class ExperimentsResolver {
  constructor(@Inject(ExperimentsService) private readonly service: ExperimentsService) {}

  @RequirePermission('evaluations:read')
  @Query(() => [ExperimentModel], { description: 'Experiments, newest first.' })
  async experiments(@Args('status', { type: () => String, nullable: true }) status?: string): Promise<ExperimentModel[]> {
    return (await this.service.list({ status })).map(toExperimentModel);
  }

  @RequirePermission('evaluations:read')
  @Query(() => ExperimentModel)
  async experiment(@Args('key') key: string): Promise<ExperimentModel> {
    return toExperimentModel(await this.service.get(key));
  }

  @RequirePermission('evaluations:read')
  @Query(() => [ExperimentPhaseModel])
  async experimentPhases(@Args('key') key: string): Promise<ExperimentPhaseModel[]> {
    const exp = await this.service.get(key);
    return (await this.service.phases(exp.id)).map(toPhaseModel);
  }

  @RequirePermission('evaluations:read')
  @Query(() => [ExperimentVariantResultModel], { description: 'Per-variant counts and simple rates (all phases, or one).' })
  async experimentResults(@Args('key') key: string, @Args('phase', { type: () => Int, nullable: true }) phase?: number): Promise<ExperimentVariantResultModel[]> {
    return (await this.service.results(key, phase ?? undefined)).variants;
  }

  @RequirePermission('recommend:read')
  @Query(() => ExperimentAssignmentModel, { description: 'The variant of a unit (deterministic hashing; sticky when the experiment asks).' })
  async assignment(@Args('experimentKey') experimentKey: string, @Args('unitId') unitId: string, @Args('attributes', { type: () => String, nullable: true, description: 'Unit attributes for targeting, as a JSON object.' }) attributes?: string): Promise<ExperimentAssignmentModel> {
    const attrs = attributes ? (json(attributes, 'attributes') as Record<string, unknown>) : undefined;
    const a = await this.service.assignment(experimentKey, unitId, attrs);
    return { experimentKey, unitId, inExperiment: a.inExperiment, variant: a.variant, serve: a.serve, bucket: a.bucket, reason: a.reason, phase: a.phase, propensity: a.propensity ?? null, allocationEpoch: a.allocationEpoch ?? null };
  }

  @RequirePermission('evaluations:read')
  @Query(() => [BanditAllocationModel], { description: "A bandit's allocation epochs (serving probabilities with the posterior counts behind them), newest first; default the current phase." })
  async banditAllocations(@Args('key') key: string, @Args('phase', { type: () => Int, nullable: true }) phase?: number, @Args('limit', { type: () => Int, defaultValue: 100 }) limit?: number): Promise<BanditAllocationModel[]> {
    return this.service.allocations(key, phase ?? undefined, limit);
  }

  @RequirePermission('models:write')
  @Mutation(() => BanditAllocationModel, { description: "Recomputes a bandit's allocation now from its logged lists and rewards (Thompson sampling, floored): a new epoch." })
  async refreshBanditAllocation(@Args('key') key: string): Promise<BanditAllocationModel> {
    return this.service.refreshAllocation(key, 'on demand');
  }

  @RequirePermission('evaluations:read')
  @Query(() => OffPolicyEstimateModel, {
    description: "Off-policy estimate (IPS and self-normalised IPS, cluster-robust 95% CIs) of a target policy's reward rate per served list, from a bandit's logged lists and serving probabilities. Target: one variant, or a distribution over variants.",
  })
  async offPolicyEstimate(
    @Args('experimentKey') experimentKey: string,
    @Args('targetVariant', { type: () => String, nullable: true }) targetVariant?: string,
    @Args('targetAllocation', { type: () => [ArmShareInput], nullable: true }) targetAllocation?: ArmShareInput[],
    @Args('phase', { type: () => Int, nullable: true, description: 'Default: every phase.' }) phase?: number,
    @Args('reward', { type: () => String, nullable: true, description: "click | apply | save; default the bandit's reward." }) reward?: string,
    @Args('clip', { type: () => Float, nullable: true, description: 'Clip importance weights at this value.' }) clip?: number,
    @Args('alpha', { type: () => Float, nullable: true }) alpha?: number,
    @Args('bootstrap', { type: () => Int, nullable: true, description: 'Bootstrap resamples over units (100–100000) for percentile intervals.' }) bootstrap?: number,
  ): Promise<OffPolicyEstimateModel> {
    const allocation = targetAllocation ? Object.fromEntries(targetAllocation.map((a) => [a.variant, a.probability])) : undefined;
    return toOffPolicyModel(await this.service.offPolicy(experimentKey, { ...(targetVariant !== undefined && targetVariant !== null ? { variant: targetVariant } : {}), ...(allocation ? { allocation } : {}) }, { phase: phase ?? undefined, reward: reward ?? undefined, clip: clip ?? null, alpha: alpha ?? undefined, bootstrap: bootstrap ?? undefined }));
  }

  @RequirePermission('models:write')
  @Mutation(() => ExperimentModel, { description: 'A draft experiment.' })
  async createExperiment(@Args('input') input: CreateExperimentInput, @CurrentPrincipal() who: Principal): Promise<ExperimentModel> {
    const patch = toPatch(input);
    if (!patch.variants) throw new ExperimentError('INVALID_INPUT', 'variants are required');
    if (!patch.primaryMetric) throw new ExperimentError('INVALID_INPUT', 'primaryMetric is required');
    return toExperimentModel(await this.service.create({ ...patch, key: input.key, unit: input.unit, type: input.type as ExperimentDefinition['type'], variants: patch.variants, primaryMetric: patch.primaryMetric }, who.label));
  }

  @RequirePermission('models:write')
  @Mutation(() => ExperimentModel, { description: 'Changes an experiment; a change that would move enrolled units needs newPhase: true (new seed).' })
  async updateExperiment(
    @Args('key') key: string,
    @Args('input') input: UpdateExperimentInput,
    @Args('newPhase', { type: () => Boolean, defaultValue: false }) newPhase: boolean,
    @Args('reason', { type: () => String, nullable: true }) reason?: string,
  ): Promise<ExperimentModel> {
    return toExperimentModel(await this.service.update(key, toPatch(input), { newPhase, reason }));
  }

  @RequirePermission('models:write')
  @Mutation(() => ExperimentModel)
  async startExperiment(@Args('key') key: string): Promise<ExperimentModel> {
    return toExperimentModel(await this.service.start(key));
  }

  @RequirePermission('models:write')
  @Mutation(() => ExperimentModel)
  async pauseExperiment(@Args('key') key: string): Promise<ExperimentModel> {
    return toExperimentModel(await this.service.pause(key));
  }

  @RequirePermission('models:write')
  @Mutation(() => ExperimentModel)
  async stopExperiment(@Args('key') key: string): Promise<ExperimentModel> {
    return toExperimentModel(await this.service.stop(key));
  }

  @RequirePermission('models:write')
  @Mutation(() => ExperimentModel, { description: 'Records the decision: ship (with the variant), rollback or inconclusive.' })
  async concludeExperiment(@Args('key') key: string, @Args('decision') decision: string, @Args('variant', { type: () => String, nullable: true }) variant?: string, @Args('note', { type: () => String, nullable: true }) note?: string): Promise<ExperimentModel> {
    return toExperimentModel(await this.service.conclude(key, decision as never, { variant, note }));
  }

  @RequirePermission('models:promote')
  @Mutation(() => PromotedExperimentModel, { description: "Moves champion to the shipped variant's model version through the registry gate, recording the experiment." })
  async promoteExperiment(@Args('key') key: string, @CurrentPrincipal() who: Principal): Promise<PromotedExperimentModel> {
    const r = await this.service.promote(key, who.label);
    return { ...r, experiment: toExperimentModel(r.experiment) };
  }

  @RequirePermission('interactions:write')
  @Mutation(() => LoggedRankingModel, { description: 'Logs a served ranked list at item level (queued, batched, deduplicated by ranking id).' })
  async logRanking(@Args('input') input: LogRankingInput): Promise<LoggedRankingModel> {
    return this.service.logRanking(input);
  }

  @RequirePermission('interactions:write')
  @Mutation(() => InterleavedListModel, { description: 'Interleaving experiments: team-draft interleaves (multileaves for 3–4) the variants\' rankings for a unit, seeded by (phase seed, unit, ranking id or day), and logs the list with the team of every item.' })
  async composeInterleaved(@Args('input') input: ComposeInterleavedInput): Promise<InterleavedListModel> {
    const byVariant: Record<string, string[]> = {};
    for (const r of input.rankings) {
      if (byVariant[r.variant]) throw new ExperimentError('INVALID_INPUT', `two rankings for variant "${r.variant}"`);
      byVariant[r.variant] = r.jobIds;
    }
    return this.service.composeInterleaved(input.experimentKey, input.unitId, byVariant, input.k, input.rankingId ? { rankingId: input.rankingId } : {});
  }

  @RequirePermission('interactions:write')
  @Mutation(() => RecordedInteractionsModel, { description: 'One interaction attributed to a logged ranking.' })
  async recordInteraction(@Args('input') input: ExperimentInteractionInput): Promise<RecordedInteractionsModel> {
    return this.service.recordInteractions([input]);
  }

  @RequirePermission('interactions:write')
  @Mutation(() => RecordedInteractionsModel, { description: 'Interactions attributed to logged rankings; all or nothing.' })
  async recordInteractions(@Args('inputs', { type: () => [ExperimentInteractionInput] }) inputs: ExperimentInteractionInput[]): Promise<RecordedInteractionsModel> {
    return this.service.recordInteractions(inputs);
  }
}
