import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { IsArray, IsBoolean, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

@InputType()
export class PromotionGateInput {
  @Field({ nullable: true, defaultValue: 'ndcg@10' })
  @IsOptional() @IsString() @MaxLength(40)
  metric?: string;

  @Field(() => Float, { nullable: true, defaultValue: 0.01 })
  @IsOptional() @IsNumber() @Min(0) @Max(1)
  maxDrop?: number;

  @Field({ nullable: true, defaultValue: true })
  @IsOptional() @IsBoolean()
  allowExperimentOverride?: boolean;

  @Field(() => [String], { nullable: true, defaultValue: ['champion'] })
  @IsOptional() @IsArray() @IsString({ each: true })
  protectedAliases?: string[];
}

@InputType()
export class RegisterModelInput {
  @Field()
  @IsString() @MaxLength(100)
  name!: string;

  @Field()
  @IsString() @MaxLength(40)
  strategy!: string;

  @Field({ nullable: true })
  @IsOptional() @IsString() @MaxLength(2000)
  description?: string;

  @Field(() => PromotionGateInput, { nullable: true })
  @IsOptional()
  gate?: PromotionGateInput;
}

@InputType()
export class SetAliasInput {
  @Field()
  @IsString()
  model!: string;

  @Field()
  @IsString()
  alias!: string;

  @Field(() => Int)
  @IsInt() @Min(1)
  version!: number;

  @Field({ nullable: true })
  @IsOptional() @IsString() @MaxLength(2000)
  reason?: string;
}
