import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsDate, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

@InputType()
export class StartTrainingInput {
  @Field()
  @IsString() @MaxLength(100)
  model!: string;

  @Field({ nullable: true, description: "Default: the model's strategy." })
  @IsOptional() @IsString() @MaxLength(40)
  strategy?: string;

  @Field({ nullable: true, description: 'Hyperparameters as a JSON object.' })
  @IsOptional() @IsString() @MaxLength(20000)
  params?: string;

  @Field({ nullable: true, description: 'Interactions before this time are used; default: now.' })
  @IsOptional() @IsDate()
  cutoff?: Date;

  @Field(() => Float, { nullable: true, description: 'Last share of the time range held out for validation metrics; default 0.1, 0 = none.' })
  @IsOptional() @IsNumber() @Min(0) @Max(0.9)
  validationFraction?: number;

  @Field(() => Int, { nullable: true, description: 'Stop the job after this long; default 1800.' })
  @IsOptional() @IsInt() @Min(1) @Max(86400)
  timeoutSeconds?: number;

  @Field({ nullable: true, description: 'Use impressions as weak positives (weight 0.25); default false.' })
  @IsOptional() @IsBoolean()
  includeImpressions?: boolean;
}

@InputType()
export class StartHyperparameterSearchInput extends StartTrainingInput {
  @Field({ description: 'grid | random' })
  @IsIn(['grid', 'random'])
  method!: 'grid' | 'random';

  @Field({ description: 'JSON object: parameter → list of values, or { "min", "max", "log"?, "integer"? } for random search.' })
  @IsString() @MaxLength(20000)
  space!: string;

  @Field(() => Int, { nullable: true, description: 'Random search: number of trials (default 10); grid: cap.' })
  @IsOptional() @IsInt() @Min(1) @Max(200)
  trials?: number;

  @Field(() => Int, { nullable: true, description: 'Random search seed; default 1.' })
  @IsOptional() @IsInt()
  seed?: number;

  @Field({ nullable: true, description: 'Validation metric to maximise; default ndcg@10.' })
  @IsOptional() @IsString() @MaxLength(40)
  metric?: string;
}
