import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Public } from '@app/auth';
import { Paginated } from '@app/pagination';
import { JobListArgs } from './job-list.args.js';
import { toJobModel } from './job.mapper.js';
import { JobModel } from './job.model.js';
import { JobService } from './job.service.js';

export const JobPage = Paginated(JobModel, 'JobPage');

@Resolver(() => JobModel)
export class JobResolver {
  constructor(@Inject(JobService) private readonly service: JobService) {}

  @Public()
  @Query(() => JobPage, { description: 'Job postings; public, as on any job board.' })
  async jobs(@Args() args: JobListArgs) {
    const page = await this.service.list(args);
    return { items: page.items.map(toJobModel), totalCount: page.totalCount };
  }

  @Public()
  @Query(() => JobModel)
  async job(@Args('id', { type: () => ID }) id: string): Promise<JobModel> {
    return toJobModel(await this.service.get(id));
  }
}
