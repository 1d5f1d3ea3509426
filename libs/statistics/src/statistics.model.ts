import { Field, Float, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum SampleSizeMetricKind {
  PROPORTION = 'proportion',
  MEAN = 'mean',
  RATIO = 'ratio',
}
registerEnumType(SampleSizeMetricKind, { name: 'SampleSizeMetricKind', description: 'proportion (conversion), mean (per-unit value) or ratio (e.g. clicks per impression, delta method)' });

@InputType({ description: 'Planning input: the metric, its baseline and the smallest relative lift worth detecting.' })
export class SampleSizeInput {
  @Field(() => SampleSizeMetricKind)
  kind!: SampleSizeMetricKind;

  @Field(() => Float, { description: 'Relative minimum detectable effect, e.g. 0.05 for +5%.' })
  relativeMde!: number;

  @Field(() => Float, { nullable: true, description: 'Two-sided significance level (default 0.05).' })
  alpha?: number;

  @Field(() => Float, { nullable: true, description: 'Target power (default 0.8).' })
  power?: number;

  @Field(() => Float, { nullable: true, description: 'proportion: baseline rate; mean: baseline mean.' })
  baseline?: number;

  @Field(() => Float, { nullable: true, description: 'mean: per-unit standard deviation.' })
  sd?: number;

  @Field(() => Float, { nullable: true, description: 'ratio: per-unit mean of the numerator.' })
  meanNumerator?: number;

  @Field(() => Float, { nullable: true, description: 'ratio: per-unit mean of the denominator.' })
  meanDenominator?: number;

  @Field(() => Float, { nullable: true, description: 'ratio: per-unit variance of the numerator.' })
  varNumerator?: number;

  @Field(() => Float, { nullable: true, description: 'ratio: per-unit variance of the denominator.' })
  varDenominator?: number;

  @Field(() => Float, { nullable: true, description: 'ratio: per-unit covariance of numerator and denominator.' })
  covariance?: number;

  @Field(() => Int, { nullable: true, description: 'Also report the power reached with this many units per arm.' })
  unitsPerArm?: number;
}

@ObjectType('SampleSize', { description: 'Units needed for a two-arm test (two-sided z approximation, equal arms).' })
export class SampleSizeModel {
  @Field(() => Int, { description: 'Units per arm, rounded up.' })
  perArm!: number;

  @Field(() => Float)
  perArmExact!: number;

  @Field(() => Int)
  total!: number;

  @Field(() => Float, { description: 'The absolute effect the relative MDE stands for.' })
  absoluteMde!: number;

  @Field(() => Float)
  varianceControl!: number;

  @Field(() => Float)
  varianceTreatment!: number;

  @Field(() => Float)
  alpha!: number;

  @Field(() => Float)
  power!: number;

  @Field(() => Float, { nullable: true, description: 'Power with unitsPerArm units per arm (when given).' })
  powerAtUnits?: number | null;
}
