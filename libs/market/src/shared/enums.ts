/** Value sets shared by the database CHECK constraints, validation and the GraphQL enums. */
export const SENIORITIES = ['intern', 'junior', 'mid', 'senior', 'lead', 'executive'] as const;
export type Seniority = (typeof SENIORITIES)[number];

export const EMPLOYMENT_TYPES = ['full_time', 'part_time', 'contract', 'temporary', 'internship'] as const;
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];

export const SALARY_PERIODS = ['hour', 'day', 'week', 'month', 'year'] as const;
export type SalaryPeriod = (typeof SALARY_PERIODS)[number];

export const JOB_STATUSES = ['active', 'expired', 'closed', 'duplicate'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const EDUCATION_LEVELS = ['none', 'high_school', 'associate', 'bachelor', 'master', 'phd'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

export const INTERACTION_TYPES = ['impression', 'click', 'save', 'apply', 'dismiss', 'unsubscribe'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];
