import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsNumber, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';

@InputType()
export class ExperimentVariantInput {
  @Field()
  @IsString() @MaxLength(64)
  key!: string;

  @Field(() => Float)
  @IsNumber()
  weight!: number;

  @Field({ nullable: true, description: 'Registry model reference: name@alias or name/<version>.' })
  @IsOptional() @IsString() @MaxLength(140)
  modelRef?: string;

  @Field({ nullable: true, description: 'Strategy config as JSON: {"name": "popularity", "params": {…}}.' })
  @IsOptional() @IsString() @MaxLength(10_000)
  strategy?: string;
}

@InputType()
export class TargetingRuleInput {
  @Field()
  @IsString() @MaxLength(100)
  attribute!: string;

  @Field({ description: 'eq | neq | in | nin | gt | gte | lt | lte | exists' })
  @IsString() @MaxLength(10)
  op!: string;

  @Field({ nullable: true, description: 'Value as JSON, e.g. "\\"FR\\"", "[\\"FR\\",\\"DE\\"]", "5".' })
  @IsOptional() @IsString() @MaxLength(10_000)
  value?: string;
}

@InputType()
export class NamespaceRangeInput {
  @Field()
  @IsString() @MaxLength(100)
  name!: string;

  @Field(() => Int, { description: 'First bucket (0..9999).' })
  @IsInt()
  start!: number;

  @Field(() => Int, { description: 'End bucket, exclusive (1..10000).' })
  @IsInt()
  end!: number;
}

@InputType()
export class ForcedVariantInput {
  @Field()
  @IsString() @MaxLength(100)
  unitId!: string;

  @Field()
  @IsString() @MaxLength(64)
  variant!: string;
}

@InputType()
export class BanditSettingsInput {
  @Field(() => Float, { nullable: true, description: 'Required for a bandit: the minimum share of traffic every arm keeps, in (0, 1/arms), e.g. 0.05.' })
  @IsOptional() @IsNumber()
  explorationFloor?: number;

  @Field({ nullable: true, description: 'click (default) | apply | save: the interaction that makes a served list a success.' })
  @IsOptional() @IsString() @MaxLength(12)
  reward?: string;

  @Field(() => Int, { nullable: true, description: 'The worker recomputes the allocation when the latest epoch is this many minutes old (default 60).' })
  @IsOptional() @IsInt()
  refreshMinutes?: number;

  @Field(() => Int, { nullable: true, description: 'Monte Carlo draws for the probability that each arm is best (default 10000).' })
  @IsOptional() @IsInt()
  samples?: number;
}

@InputType()
export class ExperimentChangesInput {
  @Field({ nullable: true })
  @IsOptional() @IsString() @MaxLength(10_000)
  hypothesis?: string;

  @Field(() => [ExperimentVariantInput], { nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ExperimentVariantInput)
  variants?: ExperimentVariantInput[];

  @Field(() => Float, { nullable: true })
  @IsOptional() @IsNumber()
  coverage?: number;

  @Field(() => NamespaceRangeInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => NamespaceRangeInput)
  namespace?: NamespaceRangeInput;

  @Field(() => [TargetingRuleInput], { nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => TargetingRuleInput)
  targeting?: TargetingRuleInput[];

  @Field(() => [ForcedVariantInput], { nullable: true, description: 'Forced variants for QA units.' })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => ForcedVariantInput)
  forced?: ForcedVariantInput[];

  @Field({ nullable: true, description: 'Keep a unit in its variant across phases.' })
  @IsOptional() @IsBoolean()
  sticky?: boolean;

  @Field({ nullable: true })
  @IsOptional() @IsString() @MaxLength(64)
  primaryMetric?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true })
  secondaryMetrics?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true })
  guardrailMetrics?: string[];

  @Field(() => Int, { nullable: true })
  @IsOptional() @IsInt()
  plannedDays?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional() @IsInt()
  plannedSampleSize?: number;

  @Field(() => BanditSettingsInput, { nullable: true, description: 'Bandit experiments: Thompson-sampling settings (explorationFloor is required).' })
  @IsOptional() @ValidateNested() @Type(() => BanditSettingsInput)
  bandit?: BanditSettingsInput;
}

@InputType()
export class CreateExperimentInput extends ExperimentChangesInput {
  @Field({ description: 'Unique key, lowercase letters, digits, ".", "-" or "_".' })
  @IsString() @MaxLength(100)
  key!: string;

  @Field({ nullable: true, defaultValue: 'candidate' })
  @IsOptional() @IsString() @MaxLength(40)
  unit?: string;

  @Field({ nullable: true, defaultValue: 'ab', description: 'ab (default), interleaving (2 variants, team draft; 3–4 = multileaving) or bandit (Thompson sampling with an exploration floor). Fixed at creation.' })
  @IsOptional() @IsString() @MaxLength(16)
  type?: string;
}

@InputType()
export class UpdateExperimentInput extends ExperimentChangesInput {
  @Field(() => [String], { nullable: true, description: 'Arms to kill (their units get control; other arms keep their units).' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true })
  killed?: string[];
}

@InputType()
export class LogRankingInput {
  @Field()
  @IsString() @MaxLength(100)
  experimentKey!: string;

  @Field()
  @IsString() @MaxLength(100)
  unitId!: string;

  @Field(() => [String])
  @IsArray() @ArrayMaxSize(1000) @IsString({ each: true })
  jobIds!: string[];

  @Field(() => [Float])
  @IsArray() @ArrayMaxSize(1000) @IsNumber({}, { each: true })
  scores!: number[];

  @Field({ nullable: true, description: 'Default: the unit\'s assigned variant.' })
  @IsOptional() @IsString() @MaxLength(64)
  variant?: string;

  @Field({ nullable: true })
  @IsOptional() @IsString() @MaxLength(140)
  modelVersion?: string;

  @Field({ nullable: true, description: 'Client-chosen ranking id (the event id; repeats are ignored).' })
  @IsOptional() @IsString() @MaxLength(64)
  rankingId?: string;

  @Field(() => Int, { nullable: true, description: 'Bandits: the allocation epoch the unit was assigned in (from assignment); default the current one.' })
  @IsOptional() @IsInt()
  allocationEpoch?: number;
}

@InputType()
export class ArmShareInput {
  @Field()
  @IsString() @MaxLength(64)
  variant!: string;

  @Field(() => Float)
  @IsNumber()
  probability!: number;
}

@InputType()
export class VariantRankingInput {
  @Field()
  @IsString() @MaxLength(64)
  variant!: string;

  @Field(() => [String], { description: 'Job ids, best first.' })
  @IsArray() @ArrayMaxSize(1000) @IsString({ each: true })
  jobIds!: string[];
}

@InputType()
export class ComposeInterleavedInput {
  @Field()
  @IsString() @MaxLength(100)
  experimentKey!: string;

  @Field()
  @IsString() @MaxLength(100)
  unitId!: string;

  @Field(() => [VariantRankingInput], { description: 'One ranking per variant of the experiment.' })
  @IsArray() @ArrayMaxSize(4) @ValidateNested({ each: true }) @Type(() => VariantRankingInput)
  rankings!: VariantRankingInput[];

  @Field(() => Int, { description: 'Length of the interleaved list.' })
  @IsInt()
  k!: number;

  @Field({ nullable: true, description: 'Client-chosen ranking id; seeds the draft order (default: the UTC day).' })
  @IsOptional() @IsString() @MaxLength(64)
  rankingId?: string;
}

@InputType()
export class ExperimentInteractionInput {
  @Field({ description: 'Client event id; a repeated id is ignored.' })
  @IsString() @MaxLength(100)
  eventId!: string;

  @Field()
  @IsString() @MaxLength(64)
  rankingId!: string;

  @Field()
  @IsString() @MaxLength(20)
  jobId!: string;

  @Field({ description: 'impression | click | save | apply | dismiss | unsubscribe' })
  @IsString() @MaxLength(12)
  type!: string;

  @Field({ nullable: true })
  @IsOptional()
  occurredAt?: Date;
}
