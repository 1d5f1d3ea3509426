import { Inject } from '@nestjs/common';
import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { Paginated } from '@app/pagination';
import { CandidateListArgs } from './candidate-list.args.js';
import type { CandidateEntity } from './candidate.entity.js';
import { CandidateModel, ResumeModel } from './candidate.model.js';
import { CandidateService } from './candidate.service.js';
import { maskPii } from './pii.js';

export const CandidatePage = Paginated(CandidateModel, 'CandidatePage');

@Resolver(() => CandidateModel)
export class CandidateResolver {
  constructor(@Inject(CandidateService) private readonly service: CandidateService) {}

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
    return maskPii(c.name, p);
  }

  @RequirePermission('candidates:read')
  @ResolveField(() => String, { nullable: true })
  email(@Parent() c: CandidateEntity, @CurrentPrincipal() p: Principal): string | null {
    return maskPii(c.email, p);
  }

  @RequirePermission('candidates:read')
  @ResolveField(() => [ResumeModel])
  async resumes(@Parent() c: CandidateEntity, @CurrentPrincipal() p: Principal): Promise<ResumeModel[]> {
    const resumes = await this.service.resumesOf(c.id);
    return resumes.map((r) => ({ id: r.id, category: r.category, text: maskPii(r.text, p), parsedSkills: r.parsedSkills, createdAt: r.createdAt }));
  }
}
