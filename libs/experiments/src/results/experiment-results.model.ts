import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { ExperimentVariantResultModel } from '../experiment.model.js';

@ObjectType('ExperimentInterval')
export class ExperimentIntervalModel {
  @Field(() => Float)
  estimate!: number;

  @Field(() => Float, { description: '95% CI (fixed horizon).' })
  ciLow!: number;

  @Field(() => Float)
  ciHigh!: number;

  @Field(() => Float, { description: 'Two-sided Welch p-value.' })
  p!: number;
}

@ObjectType('ExperimentBounds')
export class ExperimentBoundsModel {
  @Field(() => Float)
  ciLow!: number;

  @Field(() => Float)
  ciHigh!: number;
}

@ObjectType('ExperimentNonInferiority')
export class ExperimentNonInferiorityModel {
  @Field(() => Float, { description: 'Relative margin: the guardrail may not worsen by more than this.' })
  margin!: number;

  @Field({ description: 'increase | decrease: the direction that hurts.' })
  harmful!: string;

  @Field(() => Float, { description: 'Relative lift.' })
  estimate!: number;

  @Field(() => Float, { description: 'One-sided 95% bound of the relative lift.' })
  bound!: number;

  @Field(() => Float)
  p!: number;

  @Field({ description: 'True when "worse than the margin" is rejected at alpha 0.05.' })
  nonInferior!: boolean;
}

@ObjectType('ExperimentMetricComparison')
export class ExperimentMetricComparisonModel {
  @Field()
  variant!: string;

  @Field()
  metric!: string;

  @Field({ description: 'primary | secondary | guardrail | diagnostic (online NDCG@10 and MRR, always reported)' })
  role!: string;

  @Field({ description: 'mean | proportion | ratio (delta method)' })
  kind!: string;

  @Field(() => Int)
  controlUnits!: number;

  @Field(() => Int)
  treatmentUnits!: number;

  @Field(() => Float, { nullable: true })
  controlMean!: number | null;

  @Field(() => Float, { nullable: true })
  treatmentMean!: number | null;

  @Field(() => ExperimentIntervalModel, { nullable: true, description: 'Absolute lift (CUPED-adjusted when cuped).' })
  absolute!: ExperimentIntervalModel | null;

  @Field(() => ExperimentIntervalModel, { nullable: true, description: 'Relative lift (CUPED-adjusted when cuped).' })
  relative!: ExperimentIntervalModel | null;

  @Field(() => Float, { nullable: true, description: 'Unadjusted Welch p-value.' })
  welchP!: number | null;

  @Field(() => Float, { nullable: true, description: 'Holm-adjusted p over treatment arms × goal metrics (primary, secondary).' })
  adjustedP!: number | null;

  @Field()
  cuped!: boolean;

  @Field(() => Float, { nullable: true })
  cupedTheta!: number | null;

  @Field(() => ExperimentBoundsModel, { nullable: true, description: 'Always-valid 95% interval of the absolute lift (safe to peek at).' })
  sequentialAbsolute!: ExperimentBoundsModel | null;

  @Field(() => ExperimentBoundsModel, { nullable: true })
  sequentialRelative!: ExperimentBoundsModel | null;

  @Field(() => Boolean, { nullable: true })
  sequentialSignificant!: boolean | null;

  @Field(() => Float, { nullable: true, description: 'Bayesian P(relative lift > 0), prior N(0, 0.3²).' })
  chanceToBeatControl!: number | null;

  @Field(() => ExperimentNonInferiorityModel, { nullable: true, description: 'Guardrail metrics only.' })
  nonInferiority!: ExperimentNonInferiorityModel | null;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType('ExperimentSrm')
export class ExperimentSrmModel {
  @Field(() => Float)
  chi2!: number;

  @Field(() => Int)
  df!: number;

  @Field(() => Float)
  p!: number;

  @Field({ description: 'Sample-ratio mismatch: p < 0.001. Do not trust the lifts.' })
  flagged!: boolean;

  @Field(() => [Float])
  expected!: number[];
}

@ObjectType('ExperimentArmUnits')
export class ExperimentArmUnitsModel {
  @Field()
  variant!: string;

  @Field(() => Int)
  units!: number;

  @Field(() => Float)
  weight!: number;
}

@ObjectType('ExperimentLiftPoint')
export class ExperimentLiftPointModel {
  @Field({ description: 'UTC day (YYYY-MM-DD); figures are cumulative up to its end.' })
  day!: string;

  @Field()
  variant!: string;

  @Field(() => Int)
  controlUnits!: number;

  @Field(() => Int)
  treatmentUnits!: number;

  @Field(() => Float, { nullable: true })
  relativeLift!: number | null;

  @Field(() => Float, { nullable: true })
  ciLow!: number | null;

  @Field(() => Float, { nullable: true })
  ciHigh!: number | null;

  @Field(() => Float, { nullable: true })
  sequentialCiLow!: number | null;

  @Field(() => Float, { nullable: true })
  sequentialCiHigh!: number | null;
}

@ObjectType('InterleavingVsControl')
export class InterleavingVsControlModel {
  @Field(() => Int, { description: 'Units where this variant or control got credit (informative units).' })
  units!: number;

  @Field(() => Int, { description: 'Units where this variant got more credit than control over all their lists.' })
  wins!: number;

  @Field(() => Int)
  ties!: number;

  @Field(() => Int)
  losses!: number;

  @Field(() => Float, { description: '(wins − losses)/units; > 0: this variant is preferred over control.' })
  preference!: number;

  @Field(() => Float, { description: '95% percentile bootstrap CI over units (seeded by the phase).' })
  ciLow!: number;

  @Field(() => Float)
  ciHigh!: number;

  @Field(() => Float, { description: 'Two-sided p (t test over the units\' +1/0/−1 outcomes).' })
  p!: number;
}

@ObjectType('InterleavingVariant')
export class InterleavingVariantModel {
  @Field()
  variant!: string;

  @Field(() => Int, { description: 'Attributed clicks on items this variant contributed.' })
  creditedClicks!: number;

  @Field(() => Int)
  creditedApplies!: number;

  @Field(() => Int, { description: 'Engaged (clicked or applied) positions credited to this variant.' })
  credit!: number;

  @Field(() => InterleavingVsControlModel, { nullable: true, description: 'Null for control.' })
  vsControl!: InterleavingVsControlModel | null;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType('InterleavingAnalysis')
export class InterleavingAnalysisModel {
  @Field()
  control!: string;

  @Field(() => Int, { description: 'Units with at least one interleaved list.' })
  units!: number;

  @Field(() => Int)
  rankings!: number;

  @Field(() => Int, { description: 'Lists with at least one credited click or apply.' })
  creditedLists!: number;

  @Field(() => [InterleavingVariantModel])
  variants!: InterleavingVariantModel[];
}

@ObjectType('ExperimentAnalysis')
export class ExperimentAnalysisModel {
  @Field()
  experimentKey!: string;

  @Field(() => Int)
  phase!: number;

  @Field({ description: 'When these figures were computed (scheduled every 10 minutes, or on refresh).' })
  computedAt!: Date;

  @Field(() => Int)
  durationMs!: number;

  @Field()
  control!: string;

  @Field()
  primaryMetric!: string;

  @Field(() => ExperimentSrmModel, { nullable: true })
  srm!: ExperimentSrmModel | null;

  @Field(() => [ExperimentArmUnitsModel])
  unitsPerVariant!: ExperimentArmUnitsModel[];

  @Field({ description: 'A pre-period covariate (clicks per unit before the phase) was available: CUPED applied to mean and proportion metrics.' })
  cupedAvailable!: boolean;

  @Field(() => [ExperimentVariantResultModel], { description: 'Per-variant counts and simple rates of the phase.' })
  variants!: ExperimentVariantResultModel[];

  @Field(() => [ExperimentMetricComparisonModel], { description: 'Each treatment arm vs control, per metric.' })
  comparisons!: ExperimentMetricComparisonModel[];

  @Field(() => [ExperimentLiftPointModel], { description: 'Primary metric: cumulative relative lift per day with its always-valid interval.' })
  timeSeries!: ExperimentLiftPointModel[];

  @Field(() => InterleavingAnalysisModel, { nullable: true, description: 'Interleaving experiments: credit per team and preference over control with a bootstrap CI (A/B figures above are empty).' })
  interleaving!: InterleavingAnalysisModel | null;
}
