import { ArgsType, Field, Float, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { PageArgs } from '@app/pagination';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsDate, IsEnum, IsIn, IsNumber, IsOptional, IsString, Length, MaxLength, Min, ValidateNested } from 'class-validator';
import { EMPLOYMENT_TYPES, JOB_STATUSES, SENIORITIES, type EmploymentType, type JobStatus, type Seniority } from '../shared/enums.js';
import { EmploymentTypeEnum, JobStatusEnum, SeniorityEnum, SortDirection } from '../shared/graphql-enums.js';

export enum JobSortField {
  POSTED_AT = 'posted_at',
  TITLE = 'title',
  SALARY = 'salary_annual_max',
  ID = 'id',
}
registerEnumType(JobSortField, { name: 'JobSortField' });

@InputType()
export class JobFilter {
  @Field({ nullable: true, description: 'Words that must all appear in the title or description (case-insensitive).' })
  @IsOptional() @IsString() @MaxLength(200)
  search?: string;

  @Field(() => [JobStatusEnum], { nullable: true })
  @IsOptional() @IsArray() @IsIn(JOB_STATUSES, { each: true })
  status?: JobStatus[];

  @Field(() => ID, { nullable: true })
  @IsOptional() @IsString()
  companyId?: string;

  @Field({ nullable: true, description: 'ISO 3166-1 alpha-2.' })
  @IsOptional() @IsString() @Length(2, 2)
  country?: string;

  @Field({ nullable: true })
  @IsOptional() @IsString() @MaxLength(120)
  city?: string;

  @Field({ nullable: true })
  @IsOptional() @IsBoolean()
  remote?: boolean;

  @Field(() => [String], { nullable: true, description: 'Jobs having any of these canonical skills.' })
  @IsOptional() @IsArray() @IsString({ each: true })
  skills?: string[];

  @Field(() => [SeniorityEnum], { nullable: true })
  @IsOptional() @IsArray() @IsIn(SENIORITIES, { each: true })
  seniority?: Seniority[];

  @Field(() => [EmploymentTypeEnum], { nullable: true })
  @IsOptional() @IsArray() @IsIn(EMPLOYMENT_TYPES, { each: true })
  employmentType?: EmploymentType[];

  @Field(() => Float, { nullable: true, description: 'Annual salary (base currency) the posting reaches at least.' })
  @IsOptional() @IsNumber() @Min(0)
  minAnnualSalary?: number;

  @Field({ nullable: true })
  @IsOptional() @IsDate() @Type(() => Date)
  postedAfter?: Date;

  @Field({ nullable: true })
  @IsOptional() @IsDate() @Type(() => Date)
  postedBefore?: Date;
}

@InputType()
export class JobSort {
  @Field(() => JobSortField)
  @IsEnum(JobSortField)
  field!: JobSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  @IsEnum(SortDirection)
  direction!: SortDirection;
}

@ArgsType()
export class JobListArgs extends PageArgs {
  @Field(() => JobFilter, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => JobFilter)
  filter?: JobFilter;

  @Field(() => JobSort, { nullable: true, description: 'Default: newest first.' })
  @IsOptional() @ValidateNested() @Type(() => JobSort)
  sort?: JobSort;
}
