import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ExperimentVariant')
export class ExperimentVariantModel {
  @Field()
  key!: string;

  @Field(() => Float)
  weight!: number;

  @Field(() => String, { nullable: true, description: 'Registry model served by this variant, e.g. jobs-als@challenger.' })
  modelRef!: string | null;

  @Field(() => String, { nullable: true, description: 'Strategy config served by this variant, as JSON ({"name": …, "params": …}).' })
  strategy!: string | null;

  @Field({ description: 'Killed mid-test: its units get the control experience and are not analysed; other arms keep their units.' })
  killed!: boolean;
}

@ObjectType('TargetingRule')
export class TargetingRuleModel {
  @Field()
  attribute!: string;

  @Field({ description: 'eq | neq | in | nin | gt | gte | lt | lte | exists' })
  op!: string;

  @Field(() => String, { nullable: true, description: 'Value as JSON.' })
  value!: string | null;
}

@ObjectType('NamespaceRange')
export class NamespaceRangeModel {
  @Field()
  name!: string;

  @Field(() => Int)
  start!: number;

  @Field(() => Int)
  end!: number;
}

@ObjectType('ExperimentPhase')
export class ExperimentPhaseModel {
  @Field(() => Int)
  phase!: number;

  @Field()
  seed!: string;

  @Field(() => Float)
  coverage!: number;

  @Field()
  reason!: string;

  @Field()
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;
}

@ObjectType('BanditSettings')
export class BanditSettingsModel {
  @Field(() => Float, { description: 'Minimum share of traffic every live arm keeps.' })
  explorationFloor!: number;

  @Field({ description: 'click | apply | save' })
  reward!: string;

  @Field(() => Int)
  refreshMinutes!: number;

  @Field(() => Int)
  samples!: number;
}

@ObjectType('Experiment')
export class ExperimentModel {
  @Field(() => ID)
  id!: string;

  @Field()
  key!: string;

  @Field()
  hypothesis!: string;

  @Field()
  owner!: string;

  @Field({ description: 'Randomisation unit (candidate).' })
  unit!: string;

  @Field({ description: 'draft | running | paused | stopped | concluded' })
  status!: string;

  @Field({ description: 'ab | interleaving | bandit' })
  type!: string;

  @Field(() => BanditSettingsModel, { nullable: true, description: 'Bandit experiments: Thompson-sampling settings.' })
  bandit!: BanditSettingsModel | null;

  @Field(() => [ExperimentVariantModel])
  variants!: ExperimentVariantModel[];

  @Field(() => Float, { description: 'Share of eligible traffic in the experiment.' })
  coverage!: number;

  @Field(() => NamespaceRangeModel, { nullable: true })
  namespace!: NamespaceRangeModel | null;

  @Field(() => [TargetingRuleModel])
  targeting!: TargetingRuleModel[];

  @Field()
  sticky!: boolean;

  @Field()
  primaryMetric!: string;

  @Field(() => [String])
  secondaryMetrics!: string[];

  @Field(() => [String])
  guardrailMetrics!: string[];

  @Field(() => Int, { nullable: true })
  plannedDays!: number | null;

  @Field(() => Int, { nullable: true })
  plannedSampleSize!: number | null;

  @Field(() => Int, { description: 'Current phase (0 before the start).' })
  phase!: number;

  @Field(() => String, { nullable: true, description: 'ship | rollback | inconclusive' })
  decision!: string | null;

  @Field(() => String, { nullable: true })
  decisionVariant!: string | null;

  @Field(() => String, { nullable: true })
  decisionNote!: string | null;

  @Field(() => String, { nullable: true, description: 'model/version promoted to champion from this experiment.' })
  promotedVersion!: string | null;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  stoppedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  concludedAt!: Date | null;

  @Field()
  createdAt!: Date;
}

@ObjectType('ExperimentAssignment')
export class ExperimentAssignmentModel {
  @Field()
  experimentKey!: string;

  @Field()
  unitId!: string;

  @Field()
  inExperiment!: boolean;

  @Field(() => String, { nullable: true, description: 'Variant the unit is analysed under (null when not enrolled).' })
  variant!: string | null;

  @Field({ description: 'Variant whose experience to serve (control when not enrolled).' })
  serve!: string;

  @Field(() => Int, { description: '0..9999, or -1 when no bucket was computed.' })
  bucket!: number;

  @Field({ description: 'assigned | forced | sticky | holdout | targeting | namespace | coverage | killed | not_running' })
  reason!: string;

  @Field(() => Int)
  phase!: number;

  @Field(() => Float, { nullable: true, description: 'Bandits: the probability with which this arm was drawn (logged with every list served).' })
  propensity!: number | null;

  @Field(() => Int, { nullable: true, description: 'Bandits: the allocation epoch of the draw (pass it to logRanking).' })
  allocationEpoch!: number | null;
}

@ObjectType('BanditArm')
export class BanditArmModel {
  @Field()
  variant!: string;

  @Field(() => Float, { description: 'Serving probability in this epoch (0 for a killed arm).' })
  probability!: number;

  @Field(() => Float, { nullable: true, description: 'Monte Carlo probability that this arm is best, before the exploration floor (null in epoch 0).' })
  probabilityBest!: number | null;

  @Field(() => Int, { description: 'Lists served by this arm (with a logged propensity) when the epoch was computed.' })
  trials!: number;

  @Field(() => Int, { description: 'Of those, lists with at least one reward interaction.' })
  successes!: number;

  @Field(() => Float, { description: 'Beta posterior α (prior 1 + successes).' })
  alpha!: number;

  @Field(() => Float, { description: 'Beta posterior β (prior 1 + failures).' })
  beta!: number;
}

@ObjectType('BanditAllocation')
export class BanditAllocationModel {
  @Field()
  experimentKey!: string;

  @Field(() => Int)
  phase!: number;

  @Field(() => Int)
  epoch!: number;

  @Field()
  reason!: string;

  @Field()
  computedAt!: Date;

  @Field(() => [BanditArmModel])
  arms!: BanditArmModel[];
}

@ObjectType('OffPolicyInterval')
export class OffPolicyIntervalModel {
  @Field(() => Float)
  estimate!: number;

  @Field(() => Float, { nullable: true, description: 'Cluster-robust (per unit) standard error.' })
  se!: number | null;

  @Field(() => Float, { nullable: true })
  ciLow!: number | null;

  @Field(() => Float, { nullable: true })
  ciHigh!: number | null;

  @Field(() => Float, { nullable: true, description: 'Percentile bootstrap over units (when asked for).' })
  bootstrapLow!: number | null;

  @Field(() => Float, { nullable: true })
  bootstrapHigh!: number | null;
}

@ObjectType('OffPolicyEstimate')
export class OffPolicyEstimateModel {
  @Field()
  experimentKey!: string;

  @Field(() => Int, { nullable: true, description: 'null: every phase.' })
  phase!: number | null;

  @Field({ description: 'The target policy: a variant key, or a distribution over variants as JSON.' })
  target!: string;

  @Field({ description: 'click | apply | save: a list with at least one is a success.' })
  reward!: string;

  @Field(() => Int, { description: 'Logged lists with a serving probability.' })
  n!: number;

  @Field(() => Int, { description: 'Distinct units (the clusters of the standard errors).' })
  clusters!: number;

  @Field(() => Int, { description: 'Lists with a non-zero importance weight (for a variant: the lists it served).' })
  matched!: number;

  @Field(() => OffPolicyIntervalModel, { description: 'Inverse propensity scoring: (1/n) Σ w·r.' })
  ips!: OffPolicyIntervalModel;

  @Field(() => OffPolicyIntervalModel, { nullable: true, description: 'Self-normalised IPS: Σ w·r / Σ w (null when no list matches).' })
  snips!: OffPolicyIntervalModel | null;

  @Field(() => Float, { description: 'Kish effective sample size (Σw)²/Σw².' })
  effectiveSampleSize!: number;

  @Field(() => Float, { description: '(1/n) Σ w; near 1 for a full policy when propensities are right.' })
  meanWeight!: number;

  @Field(() => Float)
  maxWeight!: number;

  @Field(() => Int, { description: 'Weights cut down to the clip value.' })
  clipped!: number;

  @Field(() => Float)
  alpha!: number;

  @Field(() => Float, { nullable: true, description: 'Target = one variant: the plain mean reward of the lists it served (not reweighted).' })
  servedRate!: number | null;
}

@ObjectType('LoggedRanking')
export class LoggedRankingModel {
  @Field()
  rankingId!: string;

  @Field()
  variant!: string;

  @Field(() => Int)
  phase!: number;

  @Field(() => Float, { nullable: true, description: 'Bandits: the serving probability logged with the list.' })
  propensity!: number | null;

  @Field(() => Int, { nullable: true })
  allocationEpoch!: number | null;
}

@ObjectType('InterleavedItem')
export class InterleavedItemModel {
  @Field(() => Int, { description: '0-based.' })
  position!: number;

  @Field()
  jobId!: string;

  @Field({ description: 'The variant (team) that contributed this item; engagement on it is credited to that variant.' })
  team!: string;
}

@ObjectType('InterleavedList')
export class InterleavedListModel {
  @Field()
  experimentKey!: string;

  @Field()
  unitId!: string;

  @Field({ description: 'False: the unit is outside the experiment; items are the control ranking, not logged.' })
  inExperiment!: boolean;

  @Field(() => String, { nullable: true })
  rankingId!: string | null;

  @Field(() => Int)
  phase!: number;

  @Field(() => [InterleavedItemModel])
  items!: InterleavedItemModel[];
}

@ObjectType('RecordedInteractions')
export class RecordedInteractionsModel {
  @Field(() => Int)
  recorded!: number;

  @Field(() => Int, { description: 'Events whose id was already recorded (ignored).' })
  duplicates!: number;
}

@ObjectType('ExperimentMetricValue')
export class ExperimentMetricValueModel {
  @Field()
  metric!: string;

  @Field({ description: 'primary | secondary | guardrail' })
  role!: string;

  @Field(() => Float, { nullable: true })
  value!: number | null;
}

@ObjectType('ExperimentVariantResult')
export class ExperimentVariantResultModel {
  @Field()
  variant!: string;

  @Field(() => Int)
  units!: number;

  @Field(() => Int)
  rankings!: number;

  @Field(() => Int, { description: 'Ranked items exposed.' })
  items!: number;

  @Field(() => Int)
  impressions!: number;

  @Field(() => Int)
  clicks!: number;

  @Field(() => Int)
  saves!: number;

  @Field(() => Int)
  applies!: number;

  @Field(() => Int)
  dismisses!: number;

  @Field(() => [ExperimentMetricValueModel])
  metrics!: ExperimentMetricValueModel[];
}

@ObjectType('PromotedExperiment')
export class PromotedExperimentModel {
  @Field(() => ExperimentModel)
  experiment!: ExperimentModel;

  @Field()
  model!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  gateReason!: string;
}
