import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { pageBounds, type Page } from '@app/pagination';
import { Repository } from 'typeorm';
import { MarketError } from '../market.errors.js';
import type { InteractionListArgs } from './interaction-list.args.js';
import { InteractionEntity } from './interaction.entity.js';

@Injectable()
export class InteractionService {
  constructor(@InjectRepository(InteractionEntity) private readonly interactions: Repository<InteractionEntity>) {}

  async list(args: InteractionListArgs): Promise<Page<InteractionEntity>> {
    const f = args.filter ?? {};
    const qb = this.interactions.createQueryBuilder('i');
    if (f.candidateId) qb.andWhere('i.candidate_id = :cid', { cid: f.candidateId });
    if (f.jobId) qb.andWhere('i.job_id = :jid', { jid: f.jobId });
    if (f.types?.length) qb.andWhere('i.type IN (:...types)', { types: f.types });
    if (f.rankingId) qb.andWhere('i.ranking_id = :rid', { rid: f.rankingId });
    if (f.experimentKey) qb.andWhere('i.experiment_key = :ek', { ek: f.experimentKey });
    if (f.from) qb.andWhere('i.occurred_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('i.occurred_at < :to', { to: f.to });
    const dir = args.direction ?? 'DESC';
    qb.orderBy('i.occurred_at', dir).addOrderBy('i.id', dir);
    const { offset, limit } = pageBounds(args);
    const [items, totalCount] = await qb.skip(offset).take(limit).getManyAndCount();
    return { items, totalCount };
  }

  async get(id: string): Promise<InteractionEntity> {
    if (!/^\d+$/.test(id)) throw new MarketError('INVALID_INPUT', `interaction id must be numeric, got "${id}"`);
    const row = await this.interactions.findOne({ where: { id } });
    if (!row) throw new MarketError('NOT_FOUND', `interaction ${id} not found`);
    return row;
  }
}
