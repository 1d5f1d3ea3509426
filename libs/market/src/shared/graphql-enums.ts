import { registerEnumType } from '@nestjs/graphql';
import { EDUCATION_LEVELS, EMPLOYMENT_TYPES, INTERACTION_TYPES, JOB_STATUSES, SALARY_PERIODS, SENIORITIES } from './enums.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const SeniorityEnum = asEnum(SENIORITIES);
export const EmploymentTypeEnum = asEnum(EMPLOYMENT_TYPES);
export const SalaryPeriodEnum = asEnum(SALARY_PERIODS);
export const JobStatusEnum = asEnum(JOB_STATUSES);
export const EducationLevelEnum = asEnum(EDUCATION_LEVELS);
export const InteractionTypeEnum = asEnum(INTERACTION_TYPES);
export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(SeniorityEnum, { name: 'Seniority' });
registerEnumType(EmploymentTypeEnum, { name: 'EmploymentType' });
registerEnumType(SalaryPeriodEnum, { name: 'SalaryPeriod' });
registerEnumType(JobStatusEnum, { name: 'JobStatus' });
registerEnumType(EducationLevelEnum, { name: 'EducationLevel' });
registerEnumType(InteractionTypeEnum, { name: 'InteractionType' });
registerEnumType(SortDirection, { name: 'SortDirection' });
