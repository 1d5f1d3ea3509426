import { Inject, Injectable } from '@nestjs/common';
import { PiiCipher } from '@app/pii';
import { InjectRepository } from '@nestjs/typeorm';
import { pageBounds, type Page } from '@app/pagination';
import { Repository } from 'typeorm';
import { escapeLike } from '../jobs/job.service.js';
import { MarketError } from '../market.errors.js';
import { CandidateSortField, type CandidateListArgs } from './candidate-list.args.js';
import { CandidateEntity } from './candidate.entity.js';
import { ResumeEntity } from './resume.entity.js';

@Injectable()
export class CandidateService {
  constructor(
    @InjectRepository(CandidateEntity) private readonly candidates: Repository<CandidateEntity>,
    @InjectRepository(ResumeEntity) private readonly resumes: Repository<ResumeEntity>,
    @Inject(PiiCipher) private readonly pii: PiiCipher,
  ) {}

  /** Candidates with this email address (case-insensitive), found through the keyed blind index: the address is not stored in the clear. */
  findByEmail(email: string): Promise<CandidateEntity[]> {
    return this.candidates.find({ where: { emailIndex: this.pii.emailIndex(email)! }, order: { id: 'ASC' } });
  }

  async list(args: CandidateListArgs): Promise<Page<CandidateEntity>> {
    const f = args.filter ?? {};
    const qb = this.candidates.createQueryBuilder('c');
    if (f.search) qb.andWhere(`array_to_string(c.desired_titles, ' ') ILIKE :s`, { s: `%${escapeLike(f.search)}%` });
    if (f.country) qb.andWhere('c.country = :country', { country: f.country.toUpperCase() });
    if (f.city) qb.andWhere('lower(c.city) = lower(:city)', { city: f.city });
    if (f.skills?.length) qb.andWhere('c.skills && :skills', { skills: f.skills });
    if (f.source) qb.andWhere('c.source = :source', { source: f.source });
    const sort = args.sort ?? { field: CandidateSortField.ID, direction: 'ASC' };
    qb.orderBy(`c.${sort.field}`, sort.direction, sort.direction === 'DESC' ? 'NULLS LAST' : 'NULLS FIRST').addOrderBy('c.id', sort.direction);
    const { offset, limit } = pageBounds(args);
    const [items, totalCount] = await qb.skip(offset).take(limit).getManyAndCount();
    return { items, totalCount };
  }

  async get(id: string): Promise<CandidateEntity> {
    if (!/^\d+$/.test(id)) throw new MarketError('INVALID_INPUT', `candidate id must be numeric, got "${id}"`);
    const c = await this.candidates.findOne({ where: { id } });
    if (!c) throw new MarketError('NOT_FOUND', `candidate ${id} not found`);
    return c;
  }

  resumesOf(candidateId: string): Promise<ResumeEntity[]> {
    return this.resumes.find({ where: { candidateId }, order: { id: 'ASC' } });
  }
}
