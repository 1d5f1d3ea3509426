import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('RetrainSchedule')
export class RetrainScheduleModel {
  @Field(() => String, { nullable: true }) cron?: string | null;
  @Field(() => Int, { nullable: true }) intervalMinutes?: number | null;
}

@ObjectType('RetrainDrift')
export class RetrainDriftModel {
  @Field() service!: string;
  @Field(() => [String]) features!: string[];
}

@ObjectType('RetrainPolicy')
export class RetrainPolicyModel {
  @Field() model!: string;
  @Field() enabled!: boolean;
  @Field(() => RetrainScheduleModel) schedule!: RetrainScheduleModel;
  @Field({ description: 'Strategy of new versions (the model\'s when not set in the policy).' }) strategy!: string;
  @Field({ description: 'Hyperparameters, JSON.' }) params!: string;
  @Field(() => Int, { nullable: true, description: 'Days of history before the cut-off; null = all.' }) trainingWindowDays!: number | null;
  @Field(() => Float) holdoutDays!: number;
  @Field() metric!: string;
  @Field(() => Float, { description: 'Allowed drop vs the champion (the policy\'s or the model gate\'s).' }) maxDrop!: number;
  @Field(() => RetrainDriftModel, { nullable: true }) drift!: RetrainDriftModel | null;
  @Field(() => Date, { nullable: true, description: 'When the job scheduler fires next.' }) nextRunAt!: Date | null;
  @Field() updatedBy!: string;
  @Field() updatedAt!: Date;
}

@ObjectType('RetrainProgress')
export class RetrainProgressModel {
  @Field(() => Float) percent!: number;
  @Field({ description: 'queued, train, evaluate, gate, done.' }) phase!: string;
}

@ObjectType('RetrainStep')
export class RetrainStepModel {
  @Field({ description: 'train | evaluate | gate' }) name!: string;
  @Field({ description: 'pending | running | completed | failed | skipped' }) status!: string;
  @Field(() => [String], { description: 'Queued jobs of the step: the training job id; the evaluation ids.' }) jobs!: string[];
  @Field(() => Date, { nullable: true }) startedAt?: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt?: Date | null;
  @Field(() => String, { nullable: true }) detail?: string | null;
}

@ObjectType('RetrainGateDecision')
export class RetrainGateModel {
  @Field() allowed!: boolean;
  @Field() reason!: string;
  @Field() metric!: string;
  @Field(() => Float, { nullable: true }) candidate!: number | null;
  @Field(() => Float, { nullable: true }) champion!: number | null;
  @Field(() => Float) maxDrop!: number;
  @Field(() => Float, { nullable: true, description: 'Paired difference new − champion over the same users.' }) difference?: number | null;
  @Field(() => Float, { nullable: true }) ciLow?: number | null;
  @Field(() => Float, { nullable: true }) ciHigh?: number | null;
  @Field(() => Float, { nullable: true }) pValue?: number | null;
}

@ObjectType('RetrainRun')
export class RetrainRunModel {
  @Field(() => ID) id!: string;
  @Field() model!: string;
  @Field({ description: 'schedule | drift | manual' }) trigger!: string;
  @Field({ description: 'JSON: the scheduler, or the drifted features.' }) triggerDetail!: string;
  @Field({ description: 'queued | running | challenger (passed the gate, alias set) | rejected (refused by the gate) | failed' }) status!: string;
  @Field(() => RetrainProgressModel) progress!: RetrainProgressModel;
  @Field(() => [RetrainStepModel]) steps!: RetrainStepModel[];
  @Field({ description: 'The run\'s "now": trained before asOf − holdout, evaluated after.' }) asOf!: Date;
  @Field(() => Int, { nullable: true, description: 'The champion when the run started (parent in the lineage).' }) championVersion!: number | null;
  @Field(() => String, { nullable: true }) trainingJobId!: string | null;
  @Field(() => Int, { nullable: true, description: 'The version the run registered.' }) version!: number | null;
  @Field(() => String, { nullable: true }) candidateEvaluationId!: string | null;
  @Field(() => String, { nullable: true }) championEvaluationId!: string | null;
  @Field(() => RetrainGateModel, { nullable: true }) gate!: RetrainGateModel | null;
  @Field() challengerSet!: boolean;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { nullable: true }) errorCode!: string | null;
  @Field() createdBy!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}
