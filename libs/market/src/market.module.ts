import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CandidateEntity } from './candidates/candidate.entity.js';
import { CandidateResolver } from './candidates/candidate.resolver.js';
import { CandidateService } from './candidates/candidate.service.js';
import { ResumeEntity } from './candidates/resume.entity.js';
import { CompanyEntity } from './companies/company.entity.js';
import { InteractionEntity } from './interactions/interaction.entity.js';
import { InteractionResolver } from './interactions/interaction.resolver.js';
import { InteractionService } from './interactions/interaction.service.js';
import { JobEntity } from './jobs/job.entity.js';
import { JobResolver } from './jobs/job.resolver.js';
import { JobService } from './jobs/job.service.js';

const entities = [CompanyEntity, JobEntity, CandidateEntity, ResumeEntity, InteractionEntity];
const services = [JobService, CandidateService, InteractionService];
export const marketResolvers = [JobResolver, CandidateResolver, InteractionResolver];

/** The job market's read side: services for every app, resolvers for the API. */
@Module({
  imports: [TypeOrmModule.forFeature(entities)],
  providers: services,
  exports: [TypeOrmModule, ...services],
})
export class MarketCoreModule {}

@Module({
  imports: [MarketCoreModule],
  providers: marketResolvers,
  exports: [MarketCoreModule],
})
export class MarketModule {}
