import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import type { EmploymentType, JobStatus, SalaryPeriod, Seniority } from '../shared/enums.js';
import { EmploymentTypeEnum, JobStatusEnum, SalaryPeriodEnum, SeniorityEnum } from '../shared/graphql-enums.js';

@ObjectType('Company')
export class CompanyModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;
}

@ObjectType('Salary')
export class SalaryModel {
  @Field(() => Float, { nullable: true })
  min!: number | null;

  @Field(() => Float, { nullable: true })
  max!: number | null;

  @Field(() => String, { nullable: true })
  currency!: string | null;

  @Field(() => SalaryPeriodEnum, { nullable: true })
  period!: SalaryPeriod | null;

  @Field(() => Float, { nullable: true, description: 'Annualised minimum in the base currency.' })
  annualMin!: number | null;

  @Field(() => Float, { nullable: true, description: 'Annualised maximum in the base currency.' })
  annualMax!: number | null;
}

@ObjectType('Location')
export class LocationModel {
  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true })
  region!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' })
  country!: string | null;

  @Field()
  remote!: boolean;
}

@ObjectType('Job')
export class JobModel {
  @Field(() => ID)
  id!: string;

  @Field()
  source!: string;

  @Field()
  externalId!: string;

  @Field()
  title!: string;

  @Field()
  normalizedTitle!: string;

  @Field()
  description!: string;

  @Field(() => [String])
  skills!: string[];

  @Field(() => CompanyModel, { nullable: true })
  company!: CompanyModel | null;

  @Field(() => LocationModel)
  location!: LocationModel;

  @Field(() => SalaryModel, { nullable: true })
  salary!: SalaryModel | null;

  @Field(() => SeniorityEnum, { nullable: true })
  seniority!: Seniority | null;

  @Field(() => EmploymentTypeEnum, { nullable: true })
  employmentType!: EmploymentType | null;

  @Field()
  postedAt!: Date;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => JobStatusEnum)
  status!: JobStatus;

  @Field(() => ID, { nullable: true, description: 'For a near-duplicate posting, the job it duplicates.' })
  canonicalJobId!: string | null;

  @Field()
  contentHash!: string;

  @Field(() => Boolean, { nullable: true, description: 'schema.org directApply: true when the application happens on the posting\'s own page; null when the source does not say.' })
  directApply!: boolean | null;
}
