import { ArgsType, Field, InputType, registerEnumType } from '@nestjs/graphql';
import { PageArgs } from '@app/pagination';
import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { SortDirection } from '../shared/graphql-enums.js';

export enum CandidateSortField {
  CREATED_AT = 'created_at',
  YEARS_EXPERIENCE = 'years_experience',
  ID = 'id',
}
registerEnumType(CandidateSortField, { name: 'CandidateSortField' });

@InputType()
export class CandidateFilter {
  @Field({ nullable: true, description: 'Matches desired titles (case-insensitive substring).' })
  @IsOptional() @IsString() @MaxLength(200)
  search?: string;

  @Field({ nullable: true })
  @IsOptional() @IsString() @Length(2, 2)
  country?: string;

  @Field({ nullable: true })
  @IsOptional() @IsString() @MaxLength(120)
  city?: string;

  @Field(() => [String], { nullable: true, description: 'Candidates having any of these skills.' })
  @IsOptional() @IsArray() @IsString({ each: true })
  skills?: string[];

  @Field({ nullable: true })
  @IsOptional() @IsString()
  source?: string;
}

@InputType()
export class CandidateSort {
  @Field(() => CandidateSortField)
  @IsEnum(CandidateSortField)
  field!: CandidateSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  @IsEnum(SortDirection)
  direction!: SortDirection;
}

@ArgsType()
export class CandidateListArgs extends PageArgs {
  @Field(() => CandidateFilter, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => CandidateFilter)
  filter?: CandidateFilter;

  @Field(() => CandidateSort, { nullable: true, description: 'Default: by id ascending.' })
  @IsOptional() @ValidateNested() @Type(() => CandidateSort)
  sort?: CandidateSort;
}
