import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TrainingCoreModule } from '@app/training';
import { EvaluationRunEntity } from './evaluation-run.entity.js';
import { EvaluationJobsResolver } from './evaluation-jobs.resolver.js';
import { EvaluationJobService } from './evaluation-jobs.service.js';

/** Evaluation jobs without GraphQL (worker, CLI); the `evaluation` queue comes from QueueModule. */
@Module({
  imports: [TypeOrmModule.forFeature([EvaluationRunEntity]), TrainingCoreModule],
  providers: [EvaluationJobService],
  exports: [EvaluationJobService],
})
export class EvaluationJobsCoreModule {}

@Module({ imports: [EvaluationJobsCoreModule], providers: [EvaluationJobsResolver], exports: [EvaluationJobsCoreModule] })
export class EvaluationJobsModule {}
