import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { PageArgs } from '@app/pagination';
import { Type } from 'class-transformer';
import { IsArray, IsDate, IsEnum, IsIn, IsOptional, IsString, ValidateNested } from 'class-validator';
import { INTERACTION_TYPES, type InteractionType } from '../shared/enums.js';
import { InteractionTypeEnum, SortDirection } from '../shared/graphql-enums.js';

@InputType()
export class InteractionFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional() @IsString()
  candidateId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional() @IsString()
  jobId?: string;

  @Field(() => [InteractionTypeEnum], { nullable: true })
  @IsOptional() @IsArray() @IsIn(INTERACTION_TYPES, { each: true })
  types?: InteractionType[];

  @Field({ nullable: true })
  @IsOptional() @IsString()
  rankingId?: string;

  @Field({ nullable: true })
  @IsOptional() @IsString()
  experimentKey?: string;

  @Field({ nullable: true })
  @IsOptional() @IsDate() @Type(() => Date)
  from?: Date;

  @Field({ nullable: true, description: 'Exclusive.' })
  @IsOptional() @IsDate() @Type(() => Date)
  to?: Date;
}

@ArgsType()
export class InteractionListArgs extends PageArgs {
  @Field(() => InteractionFilter, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => InteractionFilter)
  filter?: InteractionFilter;

  @Field(() => SortDirection, { nullable: true, description: 'By occurredAt; default newest first.' })
  @IsOptional() @IsEnum(SortDirection)
  direction?: SortDirection;
}
