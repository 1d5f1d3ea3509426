import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryAudit } from '@app/audit';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import type { DataSource } from 'typeorm';
import { ErasureService } from './erasure.service.js';
import { AuditLogArgs, AuditPage, CandidateErasureModel } from './privacy.model.js';

const who = (p: Principal | undefined) => p?.label ?? 'unknown';

@Resolver()
export class PrivacyResolver {
  constructor(@Inject(ErasureService) private readonly erasure: ErasureService, @InjectDataSource() private readonly db: DataSource) {}

  @RequirePermission('candidates:delete')
  @Mutation(() => CandidateErasureModel, {
    description: 'Right to be forgotten: removes the candidate and everything held about them (profile, resumes, features offline and online, interactions, exposures, ranking logs, alert subscriptions, deliveries, sent-jobs ledger, suppression entries). Keeps a tombstone with a hash of the source reference; audited.',
  })
  async deleteCandidate(@Args('id', { type: () => ID }) id: string, @Args('reason', { nullable: true }) reason: string, @CurrentPrincipal() p: Principal): Promise<CandidateErasureModel> {
    const r = await this.erasure.forget(id, who(p), reason ?? '');
    return { erasureId: r.erasureId, removed: Object.entries(r.removed).map(([table, rows]) => ({ table, rows })) };
  }

  @RequirePermission('candidates:export')
  @Query(() => String, { description: 'Data export (access request): everything held about the candidate as one JSON document. Audited.' })
  async exportCandidateData(@Args('id', { type: () => ID }) id: string, @CurrentPrincipal() p: Principal): Promise<string> {
    return JSON.stringify(await this.erasure.export(id, who(p)));
  }

  @RequirePermission('audit:read')
  @Query(() => AuditPage, { description: 'The audit log of sensitive actions, newest first.' })
  async auditLog(@Args() args: AuditLogArgs) {
    const page = await queryAudit(this.db, { ...args.filter, offset: args.offset, limit: args.limit });
    return { items: page.items.map((e) => ({ ...e, detail: JSON.stringify(e.detail) })), totalCount: page.totalCount };
  }
}
