import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import type { EducationLevel } from '../shared/enums.js';
import { EducationLevelEnum } from '../shared/graphql-enums.js';

@ObjectType('CandidatePreferences')
export class CandidatePreferencesModel {
  @Field(() => String, { nullable: true, description: 'only | preferred | no' })
  remote?: string;

  @Field(() => Float, { nullable: true })
  maxDistanceKm?: number;

  @Field(() => [String], { nullable: true })
  employmentTypes?: string[];

  @Field(() => Float, { nullable: true })
  minSalary?: number;
}

@ObjectType('Resume')
export class ResumeModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  category!: string | null;

  @Field({ description: 'Personal data: masked unless the caller has pii:read.' })
  text!: string;

  @Field(() => [String])
  parsedSkills!: string[];

  @Field()
  createdAt!: Date;
}

@ObjectType('Candidate')
export class CandidateModel {
  @Field(() => ID)
  id!: string;

  @Field()
  source!: string;

  @Field()
  externalId!: string;

  @Field(() => String, { nullable: true, description: 'Personal data: masked unless the caller has pii:read.' })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'Personal data: masked unless the caller has pii:read.' })
  email!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true })
  region!: string | null;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => [String])
  desiredTitles!: string[];

  @Field(() => [String])
  skills!: string[];

  @Field(() => Float, { nullable: true })
  yearsExperience!: number | null;

  @Field(() => EducationLevelEnum, { nullable: true })
  educationLevel!: EducationLevel | null;

  @Field(() => Float, { nullable: true, description: 'Annual, base currency.' })
  salaryExpectation!: number | null;

  @Field(() => CandidatePreferencesModel)
  preferences!: CandidatePreferencesModel;

  @Field()
  consentAlerts!: boolean;

  @Field()
  consentTraining!: boolean;

  @Field(() => String, { nullable: true, description: 'IANA time zone.' })
  timeZone!: string | null;

  @Field()
  createdAt!: Date;
}
