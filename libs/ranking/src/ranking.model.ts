import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('RankingReason', { description: 'Why a job was recommended, derived from the model and features the ranking used.' })
export class RankingReasonModel {
  @Field({ description: 'MATCHED_SKILLS | SIMILAR_TO_APPLIED | NEW_IN_YOUR_AREA | SALARY_FITS | PROFILE_LOCATION | PROFILE_SKILLS | UNDER_APPLIED | MODEL' }) code!: string;
  @Field({ description: 'Short text for the candidate.' }) text!: string;
  @Field(() => String, { nullable: true, description: 'Machine-readable detail: matched skills, the similar applied job id, the salary range, …' }) detail!: string | null;
}

@ObjectType('RankingStageMove')
export class RankingStageMoveModel {
  @Field(() => ID) jobId!: string;
  @Field(() => Int, { nullable: true, description: 'Position before the stage (null: below the logged top).' }) before!: number | null;
  @Field(() => Int, { nullable: true, description: 'Position after the stage (null: pushed below the logged top).' }) after!: number | null;
  @Field(() => Float, { nullable: true }) scoreBefore!: number | null;
  @Field(() => Float, { nullable: true }) scoreAfter!: number | null;
}

@ObjectType('RankingStageRemoval')
export class RankingStageRemovalModel {
  @Field(() => ID) jobId!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType('RankingStageEffect')
export class RankingStageEffectModel {
  @Field() stage!: string;
  @Field({ description: 'The stage parameters (JSON).' }) params!: string;
  @Field(() => Int) itemsIn!: number;
  @Field(() => Int) itemsOut!: number;
  @Field(() => [ID], { description: 'candidates stage: the jobs it produced (logged top).' }) added!: string[];
  @Field(() => [RankingStageRemovalModel]) removed!: RankingStageRemovalModel[];
  @Field(() => [RankingStageMoveModel], { description: 'Position changes and score deltas within the logged top.' }) moves!: RankingStageMoveModel[];
  @Field(() => Float) ms!: number;
}

@ObjectType('RankingDebugItem')
export class RankingDebugItemModel {
  @Field(() => ID) jobId!: string;
  @Field(() => Int) position!: number;
  @Field(() => Float) score!: number;
  @Field(() => Float, { nullable: true, description: "The model's raw score (null: the model does not know the job)." }) modelScore!: number | null;
  @Field(() => [RankingReasonModel]) reasons!: RankingReasonModel[];
}

@ObjectType('RankingDebug')
export class RankingDebugModel {
  @Field() rankingId!: string;
  @Field(() => ID) candidateId!: string;
  @Field({ description: 'rankedJobs | alert' }) channel!: string;
  @Field(() => String, { nullable: true }) modelRef!: string | null;
  @Field(() => Int, { nullable: true }) modelVersion!: number | null;
  @Field(() => String, { nullable: true }) experimentKey!: string | null;
  @Field(() => String, { nullable: true }) variant!: string | null;
  @Field() pipeline!: string;
  @Field({ description: 'The pipeline config used (JSON).' }) config!: string;
  @Field(() => [RankingStageEffectModel]) stages!: RankingStageEffectModel[];
  @Field(() => [RankingDebugItemModel]) items!: RankingDebugItemModel[];
  @Field() createdAt!: Date;
}

@ObjectType('RankingPipeline')
export class RankingPipelineModel {
  @Field() name!: string;
  @Field({ description: 'The validated config (JSON) with every default filled in.' }) config!: string;
  @Field(() => String, { nullable: true }) experimentKey!: string | null;
  @Field(() => String, { nullable: true }) variant!: string | null;
  @Field() updatedBy!: string;
  @Field() updatedAt!: Date;
}
