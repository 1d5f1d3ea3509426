import { Inject } from '@nestjs/common';
import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { PiiReadLog } from '@app/audit';
import { CurrentPrincipal, principalHas, RequirePermission, type Principal } from '@app/auth';
import { PiiCipher, piiContext } from '@app/pii';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Paginated } from '@app/pagination';
import { CandidateListArgs } from './candidate-list.args.js';
import type { CandidateEntity } from './candidate.entity.js';
import { CandidateModel, ResumeModel } from './candidate.model.js';
import { CandidateService } from './candidate.service.js';
import { maskPii } from './pii.js';

export const CandidatePage = Paginated(CandidateModel, 'CandidatePage');

@Resolver(() => CandidateModel)
export class CandidateResolver {
  private readonly piiReads: PiiReadLog;

  constructor(
    @Inject(CandidateService) private readonly service: CandidateService,
    @InjectDataSource() db: DataSource,
    @Inject(PiiCipher) private readonly pii: PiiCipher,
  ) {
    this.piiReads = new PiiReadLog(db);
  }

  /**
   * Unmasked personal data goes only to callers with pii:read, and each such read is audited (`pii.read`). The
   * envelope is decrypted only for them; others get the mask without any decryption.
   */
  private reveal(envelope: string | null, legacy: string | null, context: string, p: Principal | undefined, candidateId: string, field: string): string | null {
    if (envelope === null && legacy === null) return null;
    if (!p || !principalHas(p, 'pii:read')) return maskPii('•••', p);
    this.piiReads.note(p, candidateId, field);
    return this.pii.reveal(envelope, legacy, context);
  }

  @RequirePermission('candidates:read')
  @Query(() => CandidatePage)
  async candidates(@Args() args: CandidateListArgs) {
    return this.service.list(args);
  }

  @RequirePermission('candidates:read')
  @Query(() => CandidateModel)
  async candidate(@Args('id', { type: () => ID }) id: string) {
    return this.service.get(id);
  }

  @RequirePermission('candidates:read')
  @ResolveField(() => String, { nullable: true })
  name(@Parent() c: CandidateEntity, @CurrentPrincipal() p: Principal): string | null {
    return this.reveal(c.nameEnc, c.name, piiContext.candidateName(c.source, c.externalId), p, c.id, 'name');
  }

  @RequirePermission('candidates:read')
  @ResolveField(() => String, { nullable: true })
  email(@Parent() c: CandidateEntity, @CurrentPrincipal() p: Principal): string | null {
    return this.reveal(c.emailEnc, c.email, piiContext.candidateEmail(c.source, c.externalId), p, c.id, 'email');
  }

  @RequirePermission('candidates:read')
  @ResolveField(() => [ResumeModel])
  async resumes(@Parent() c: CandidateEntity, @CurrentPrincipal() p: Principal): Promise<ResumeModel[]> {
    const resumes = await this.service.resumesOf(c.id);
    return resumes.map((r) => ({ id: r.id, category: r.category, text: this.reveal(r.textEnc, r.text, piiContext.resumeText(r.source, r.externalId), p, c.id, 'resume.text') ?? '', parsedSkills: r.parsedSkills, createdAt: r.createdAt }));
  }
}
