import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EvaluationJobsCoreModule } from '@app/evaluation-jobs';
import { TrainingCoreModule } from '@app/training';
import { RetrainPolicyEntity, RetrainRunEntity } from './retrain.entity.js';
import { RetrainingResolver } from './retraining.resolver.js';
import { RetrainingService } from './retraining.service.js';

/** Retraining policies and runs without GraphQL (worker, CLI); the `retraining` queue comes from QueueModule. */
@Module({
  imports: [TypeOrmModule.forFeature([RetrainPolicyEntity, RetrainRunEntity]), TrainingCoreModule, EvaluationJobsCoreModule],
  providers: [RetrainingService],
  exports: [RetrainingService],
})
export class RetrainingCoreModule {}

@Module({ imports: [RetrainingCoreModule], providers: [RetrainingResolver], exports: [RetrainingCoreModule] })
export class RetrainingModule {}
