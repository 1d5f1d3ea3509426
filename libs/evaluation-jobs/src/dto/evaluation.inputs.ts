import { ArgsType, Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { InteractionTypeEnum } from '@app/market';
import { PageArgs } from '@app/pagination';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsNumber, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { EvaluationModeEnum, NdcgGainEnum, SplitKindEnum } from '../evaluation-jobs.model.js';

// Ranges are checked by the service (normalizeRequest) so that the GraphQL API, the CLI and the worker all
// give the same typed errors; these decorators only guard shapes.

@InputType()
export class EvaluationSplitInput {
  @Field(() => SplitKindEnum, { nullable: true, description: 'Default temporal.' })
  @IsOptional() @IsIn(Object.values(SplitKindEnum))
  kind?: 'temporal' | 'leave_last_n' | 'random_ratio';

  @Field({ nullable: true, description: "temporal: default the version's training cut-off (so the artifact has seen none of the test period)." })
  @IsOptional() @IsDate()
  cutoff?: Date;

  @Field(() => Int, { nullable: true, description: 'leave_last_n: default 1.' })
  @IsOptional() @IsInt()
  n?: number;

  @Field(() => Float, { nullable: true, description: 'random_ratio: default 0.2.' })
  @IsOptional() @IsNumber()
  testRatio?: number;

  @Field(() => Int, { nullable: true, description: 'random_ratio: default 42.' })
  @IsOptional() @IsInt()
  seed?: number;
}

@InputType()
export class InteractionGradeInput {
  @Field(() => InteractionTypeEnum)
  @IsString()
  type!: string;

  @Field(() => Float)
  @IsNumber()
  grade!: number;
}

@InputType()
export class RelevanceInput {
  @Field(() => [InteractionGradeInput], { nullable: true, description: 'Default apply 3, save 2, click 1 (impressions and dismissals 0).' })
  @IsOptional() @IsArray() @ArrayMaxSize(5) @ValidateNested({ each: true }) @Type(() => InteractionGradeInput)
  grades?: InteractionGradeInput[];

  @Field(() => Float, { nullable: true, description: 'Relevant when the best grade is at least this; default 1.' })
  @IsOptional() @IsNumber()
  threshold?: number;
}

@InputType()
export class StartEvaluationInput {
  @Field({ description: '"name@alias" or "name/3"; resolved to a version when the evaluation starts.' })
  @IsString() @MaxLength(200)
  modelRef!: string;

  @Field(() => EvaluationSplitInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => EvaluationSplitInput)
  split?: EvaluationSplitInput;

  @Field({ nullable: true, description: 'Read interactions before this time; default now (recorded).' })
  @IsOptional() @IsDate()
  asOf?: Date;

  @Field(() => [Int], { nullable: true, description: 'Cut-offs; default [5, 10, 20].' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsInt({ each: true })
  k?: number[];

  @Field(() => [String], { nullable: true, description: 'precision, recall, map, ndcg, mrr, hit_rate, novelty, coverage; default all but novelty.' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true })
  metrics?: string[];

  @Field(() => RelevanceInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => RelevanceInput)
  relevance?: RelevanceInput;

  @Field(() => NdcgGainEnum, { nullable: true, description: 'Default linear (the grades as gains, as the training validation metrics).' })
  @IsOptional() @IsIn(Object.values(NdcgGainEnum))
  gain?: 'binary' | 'linear' | 'exponential';

  @Field({ nullable: true, description: "Keep each user's training items out of the ranking and the targets; default true." })
  @IsOptional() @IsBoolean()
  excludeTraining?: boolean;

  @Field(() => EvaluationModeEnum, { nullable: true, description: 'Default artifact for a temporal split, refit otherwise.' })
  @IsOptional() @IsIn(Object.values(EvaluationModeEnum))
  mode?: 'artifact' | 'refit';

  @Field(() => Int, { nullable: true, description: 'Shards by user id, each a queue job (1–64); default 1. The result does not depend on it.' })
  @IsOptional() @IsInt()
  shards?: number;

  @Field(() => Int, { nullable: true, description: 'Stop after this long; default 3600.' })
  @IsOptional() @IsInt()
  timeoutSeconds?: number;

  @Field({ nullable: true, description: "Write ndcg/map/recall@k to the version's offline metrics (the promotion gate reads them); default true, artifact mode only." })
  @IsOptional() @IsBoolean()
  attachToVersion?: boolean;

  @Field(() => Int, { nullable: true, description: 'Bootstrap seed of the intervals; default 42.' })
  @IsOptional() @IsInt()
  bootstrapSeed?: number;
}

@InputType()
export class EvaluationFilterInput {
  @Field({ nullable: true })
  @IsOptional() @IsString() @MaxLength(100)
  model?: string;

  @Field(() => Int, { nullable: true })
  @IsOptional() @IsInt()
  version?: number;

  @Field({ nullable: true, description: 'Dataset fingerprint or a prefix of it: evaluations on the same data.' })
  @IsOptional() @IsString() @MaxLength(64)
  dataset?: string;

  @Field({ nullable: true, description: 'queued | running | completed | failed | cancelled' })
  @IsOptional() @IsIn(['queued', 'running', 'completed', 'failed', 'cancelled'])
  status?: string;
}

@ArgsType()
export class EvaluationListArgs extends PageArgs {
  @Field(() => EvaluationFilterInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => EvaluationFilterInput)
  filter?: EvaluationFilterInput;
}

@ArgsType()
export class CompareEvaluationsArgs {
  @Field(() => ID)
  @IsString()
  a!: string;

  @Field(() => ID)
  @IsString()
  b!: string;

  @Field(() => [String], { nullable: true, description: 'Metrics to compare (e.g. ndcg@10); default every per-user metric both have.' })
  @IsOptional() @IsArray() @IsString({ each: true })
  metrics?: string[];
}
