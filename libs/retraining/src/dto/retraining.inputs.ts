import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsNumber, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

@InputType('RetrainScheduleInput')
export class RetrainScheduleInput {
  @Field({ nullable: true, description: 'Cron pattern in UTC (5 or 6 fields), e.g. "0 3 * * 1".' })
  @IsOptional() @IsString() @MaxLength(100)
  cron?: string;

  @Field(() => Int, { nullable: true, description: 'Or a fixed interval in minutes.' })
  @IsOptional() @IsInt()
  intervalMinutes?: number;
}

@InputType('RetrainEvaluationInput')
export class RetrainEvaluationInput {
  @Field(() => Float, { nullable: true, description: 'Days before the run held out for the evaluation (the new version trains before them); default 7.' })
  @IsOptional() @IsNumber()
  holdoutDays?: number;

  @Field({ nullable: true, description: 'Metric the gate compares, e.g. "ndcg@10" (default).' })
  @IsOptional() @IsString() @MaxLength(40)
  metric?: string;
}

@InputType('RetrainGateInput')
export class RetrainGateInput {
  @Field(() => Float, { nullable: true, description: "Allowed drop vs the champion (absolute); default: the model's gate." })
  @IsOptional() @IsNumber()
  maxDrop?: number;
}

@InputType('RetrainDriftInput')
export class RetrainDriftInput {
  @Field({ description: 'Feature service whose drift runs trigger a retrain.' })
  @IsString() @MaxLength(100)
  service!: string;

  @Field(() => [String], { nullable: true, description: 'Features ("view.feature") that count; default: all of the service.' })
  @IsOptional() @IsArray() @IsString({ each: true })
  features?: string[];
}

@InputType('SetRetrainPolicyInput')
export class SetRetrainPolicyInput {
  @Field()
  @IsString() @MaxLength(100)
  model!: string;

  @Field({ nullable: true, description: 'Default true; false removes the schedule (manual and drift triggers still need enabled).' })
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @Field(() => RetrainScheduleInput)
  @ValidateNested() @Type(() => RetrainScheduleInput)
  schedule!: RetrainScheduleInput;

  @Field({ nullable: true, description: "Strategy of the new versions; default: the model's." })
  @IsOptional() @IsString() @MaxLength(40)
  strategy?: string;

  @Field({ nullable: true, description: 'Hyperparameters as a JSON object.' })
  @IsOptional() @IsString() @MaxLength(20000)
  params?: string;

  @Field(() => Int, { nullable: true, description: 'Train on this many days before the cut-off; default: all history.' })
  @IsOptional() @IsInt()
  trainingWindowDays?: number;

  @Field(() => RetrainEvaluationInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => RetrainEvaluationInput)
  evaluation?: RetrainEvaluationInput;

  @Field(() => RetrainGateInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => RetrainGateInput)
  gate?: RetrainGateInput;

  @Field(() => RetrainDriftInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => RetrainDriftInput)
  drift?: RetrainDriftInput;
}
