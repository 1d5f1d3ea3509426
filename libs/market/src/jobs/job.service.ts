import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { pageBounds, type Page } from '@app/pagination';
import { Brackets, Repository } from 'typeorm';
import { MarketError } from '../market.errors.js';
import { JobEntity } from './job.entity.js';
import { JobSortField, type JobListArgs } from './job-list.args.js';

@Injectable()
export class JobService {
  constructor(@InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>) {}

  async list(args: JobListArgs): Promise<Page<JobEntity>> {
    const f = args.filter ?? {};
    const qb = this.jobs.createQueryBuilder('j').leftJoinAndSelect('j.company', 'c');
    if (f.search) {
      f.search.split(/\s+/).filter(Boolean).forEach((word, i) => {
        const p = `w${i}`;
        qb.andWhere(new Brackets((b) => b.where(`j.title ILIKE :${p}`).orWhere(`j.description ILIKE :${p}`)), { [p]: `%${escapeLike(word)}%` });
      });
    }
    if (f.status?.length) qb.andWhere('j.status IN (:...status)', { status: f.status });
    if (f.companyId) qb.andWhere('j.company_id = :companyId', { companyId: f.companyId });
    if (f.country) qb.andWhere('j.country = :country', { country: f.country.toUpperCase() });
    if (f.city) qb.andWhere('lower(j.city) = lower(:city)', { city: f.city });
    if (f.remote !== undefined) qb.andWhere('j.remote = :remote', { remote: f.remote });
    if (f.skills?.length) qb.andWhere('j.skills && :skills', { skills: f.skills });
    if (f.seniority?.length) qb.andWhere('j.seniority IN (:...seniority)', { seniority: f.seniority });
    if (f.employmentType?.length) qb.andWhere('j.employment_type IN (:...et)', { et: f.employmentType });
    if (f.minAnnualSalary !== undefined) qb.andWhere('coalesce(j.salary_annual_max, j.salary_annual_min) >= :minSal', { minSal: f.minAnnualSalary });
    if (f.postedAfter) qb.andWhere('j.posted_at >= :after', { after: f.postedAfter });
    if (f.postedBefore) qb.andWhere('j.posted_at < :before', { before: f.postedBefore });

    const sort = args.sort ?? { field: JobSortField.POSTED_AT, direction: 'DESC' };
    const nulls = sort.direction === 'DESC' ? 'NULLS LAST' : 'NULLS FIRST';
    qb.orderBy(`j.${sort.field}`, sort.direction, nulls).addOrderBy('j.id', sort.direction);
    const { offset, limit } = pageBounds(args);
    const [items, totalCount] = await qb.skip(offset).take(limit).getManyAndCount();
    return { items, totalCount };
  }

  async get(id: string): Promise<JobEntity> {
    if (!/^\d+$/.test(id)) throw new MarketError('INVALID_INPUT', `job id must be numeric, got "${id}"`);
    const job = await this.jobs.findOne({ where: { id }, relations: { company: true } });
    if (!job) throw new MarketError('NOT_FOUND', `job ${id} not found`);
    return job;
  }

  /** Marks postings past their expiry date as expired; returns how many changed. */
  async expireDue(now = new Date()): Promise<number> {
    const res = await this.jobs
      .createQueryBuilder()
      .update()
      .set({ status: 'expired' })
      .where('status = :s AND expires_at IS NOT NULL AND expires_at <= :now', { s: 'active', now })
      .execute();
    return res.affected ?? 0;
  }

  count(): Promise<number> {
    return this.jobs.count();
  }
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
