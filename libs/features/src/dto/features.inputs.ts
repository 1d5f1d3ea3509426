import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

@InputType()
export class ComputeFeaturesInput {
  @Field(() => [String], { nullable: true, description: 'Views to compute; default every view defined in code.' })
  @IsOptional() @IsArray() @IsString({ each: true }) @ArrayMaxSize(100)
  views?: string[];

  @Field({ nullable: true, description: 'Compute as of this time; default now.' })
  @IsOptional() @IsDate()
  asOf?: Date;

  @Field(() => Int, { nullable: true, description: 'Views whose event time is the as-of time get a row per step over this many days back.' })
  @IsOptional() @IsInt() @Min(0) @Max(400)
  backfillDays?: number;

  @Field(() => Float, { nullable: true, description: 'Backfill step in hours; default 24.' })
  @IsOptional() @IsNumber() @Min(1) @Max(24 * 30)
  stepHours?: number;

  @Field({ nullable: true, description: 'Fit the text vocabulary again (a new vocabulary version).' })
  @IsOptional() @IsBoolean()
  refitVocabulary?: boolean;
}

@InputType()
export class MaterializeFeaturesInput {
  @Field(() => [String], { nullable: true, description: 'View refs ("name" or "name/3").' })
  @IsOptional() @IsArray() @IsString({ each: true }) @ArrayMaxSize(100)
  views?: string[];

  @Field({ nullable: true, description: 'Every view of this service ref; neither views nor service: every view in code.' })
  @IsOptional() @IsString() @MaxLength(120)
  service?: string;

  @Field({ nullable: true, description: 'full (default) | incremental' })
  @IsOptional() @IsIn(['full', 'incremental'])
  mode?: 'full' | 'incremental';
}

@InputType()
export class LabelRowInput {
  @Field(() => ID, { nullable: true })
  @IsOptional() @IsString() @MaxLength(40)
  candidateId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional() @IsString() @MaxLength(40)
  jobId?: string;

  @Field({ nullable: true, description: 'When the label was observed (required: features are taken as of this time).' })
  @IsOptional() @IsDate()
  timestamp?: Date;

  @Field(() => Float, { nullable: true })
  @IsOptional() @IsNumber()
  label?: number;
}

@InputType()
export class InteractionLabelsInput {
  @Field({ description: 'Impressions from this time…' })
  @IsDate()
  from!: Date;

  @Field({ description: '…until this time (exclusive).' })
  @IsDate()
  to!: Date;

  @Field(() => [String], { nullable: true, description: 'Events that make an impression positive; default click, apply.' })
  @IsOptional() @IsArray() @IsIn(['click', 'save', 'apply'], { each: true })
  positive?: string[];

  @Field(() => Int, { nullable: true, description: 'How long after the impression a positive event counts; default 168 h.' })
  @IsOptional() @IsInt() @Min(1) @Max(24 * 90)
  windowHours?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  limit?: number;
}

@InputType()
export class ExportTrainingSetInput {
  @Field({ description: 'Feature service ref: "name" or "name/2".' })
  @IsString() @MaxLength(120)
  service!: string;

  @Field({ nullable: true, description: 'jsonl (default) | csv' })
  @IsOptional() @IsIn(['jsonl', 'csv'])
  format?: 'jsonl' | 'csv';

  @Field(() => [LabelRowInput], { nullable: true, description: 'Label rows (entity ids + timestamp); or use interactions.' })
  @IsOptional() @IsArray() @ArrayMaxSize(50_000) @ValidateNested({ each: true }) @Type(() => LabelRowInput)
  rows?: LabelRowInput[];

  @Field(() => InteractionLabelsInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => InteractionLabelsInput)
  interactions?: InteractionLabelsInput;

  @Field({ nullable: true, description: 'Store this set’s statistics with the service version (default true).' })
  @IsOptional() @IsBoolean()
  recordStatistics?: boolean;
}

@InputType()
export class FeatureRankingInput {
  @Field()
  @IsString() @MaxLength(120)
  service!: string;

  @Field(() => InteractionLabelsInput)
  @ValidateNested() @Type(() => InteractionLabelsInput)
  interactions!: InteractionLabelsInput;
}
