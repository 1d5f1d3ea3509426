import type { JobEntity } from './job.entity.js';
import type { JobModel } from './job.model.js';

export function toJobModel(e: JobEntity): JobModel {
  const hasSalary = e.salaryMin !== null || e.salaryMax !== null;
  return {
    id: e.id,
    source: e.source,
    externalId: e.externalId,
    title: e.title,
    normalizedTitle: e.normalizedTitle,
    description: e.description,
    skills: e.skills,
    company: e.company ? { id: e.company.id, name: e.company.name } : null,
    location: { city: e.city, region: e.region, country: e.country, remote: e.remote },
    salary: hasSalary
      ? { min: e.salaryMin, max: e.salaryMax, currency: e.salaryCurrency, period: e.salaryPeriod, annualMin: e.salaryAnnualMin, annualMax: e.salaryAnnualMax }
      : null,
    seniority: e.seniority,
    employmentType: e.employmentType,
    postedAt: e.postedAt,
    expiresAt: e.expiresAt,
    status: e.status,
    canonicalJobId: e.canonicalJobId,
    contentHash: e.contentHash,
    directApply: e.directApply ?? null,
  };
}
