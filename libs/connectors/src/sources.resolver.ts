import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { PageArgs, type Page } from '@app/pagination';
import { ArgsType, Field } from '@nestjs/graphql';
import { IsOptional, IsString } from 'class-validator';
import { AddSourceInput, JobSourceModel, JobSourcePage, SourceRunModel, SourceRunPage } from './source.model.js';
import { SourcesService, type JobSource } from './sources.service.js';

@ArgsType()
class SourceRunsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Source id or name; all sources when omitted.' })
  @IsOptional()
  @IsString()
  source?: string;
}

const toModel = (s: JobSource): JobSourceModel => ({ ...s, mapping: JSON.stringify(s.mapping) });

@Resolver(() => JobSourceModel)
export class SourcesResolver {
  constructor(@Inject(SourcesService) private readonly service: SourcesService) {}

  @RequirePermission('imports:read')
  @Query(() => JobSourcePage, { description: 'Job sources (career pages, feeds), oldest first.' })
  async sources(@Args() args: PageArgs): Promise<Page<JobSourceModel>> {
    const page = await this.service.list(args);
    return { items: page.items.map(toModel), totalCount: page.totalCount };
  }

  @RequirePermission('imports:read')
  @Query(() => SourceRunPage, { description: 'Sync runs, newest first, with counts and rejected records.' })
  sourceRuns(@Args() args: SourceRunsArgs): Promise<Page<SourceRunModel>> {
    return this.service.runs(args);
  }

  @RequirePermission('imports:write')
  @Mutation(() => JobSourceModel, { description: 'Add a job source; scheduled at once when it has a schedule.' })
  async addSource(@Args('input') input: AddSourceInput, @CurrentPrincipal() who: Principal): Promise<JobSourceModel> {
    return toModel(await this.service.add(input, who?.label ?? who?.id ?? null));
  }

  @RequirePermission('imports:write')
  @Mutation(() => SourceRunModel, { description: 'Queue a sync of a source now (id or name); follow it with sourceRuns.' })
  syncSource(@Args('source') source: string): Promise<SourceRunModel> {
    return this.service.requestSync(source, 'manual');
  }
}
