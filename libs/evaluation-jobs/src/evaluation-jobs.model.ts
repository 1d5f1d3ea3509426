import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MetricValueModel } from '@app/evaluation';
import { InteractionTypeEnum } from '@app/market';
import { Paginated } from '@app/pagination';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
export const SplitKindEnum = asEnum(['temporal', 'leave_last_n', 'random_ratio'] as const);
export const NdcgGainEnum = asEnum(['binary', 'linear', 'exponential'] as const);
export const EvaluationModeEnum = asEnum(['artifact', 'refit'] as const);
registerEnumType(SplitKindEnum, { name: 'EvaluationSplitKind', description: 'temporal: train before the cut-off, test at or after it (the default); leave_last_n: per user the last n graded interactions; random_ratio: per user a seeded random share.' });
registerEnumType(NdcgGainEnum, { name: 'NdcgGain', description: 'NDCG gain of a relevant item: 1 (binary), its grade (linear) or 2^grade - 1 (exponential).' });
registerEnumType(EvaluationModeEnum, { name: 'EvaluationMode', description: "artifact: rank with the registered artifact; refit: fit the version's strategy and params on the split's training side first." });

@ObjectType('InteractionGrade')
export class InteractionGradeModel {
  @Field(() => InteractionTypeEnum)
  type!: string;

  @Field(() => Float)
  grade!: number;
}

@ObjectType('EvaluationProtocol', { description: 'What defines the split and the metric values; two evaluations compare only when it is equal.' })
export class EvaluationProtocolModel {
  @Field(() => SplitKindEnum)
  split!: string;

  @Field(() => Date, { nullable: true, description: 'temporal: interactions before it train, at or after it test.' })
  cutoff!: Date | null;

  @Field(() => Int, { nullable: true, description: 'leave_last_n: held-out interactions per user.' })
  n!: number | null;

  @Field(() => Float, { nullable: true, description: 'random_ratio: held-out share per user.' })
  testRatio!: number | null;

  @Field(() => Int, { nullable: true, description: 'random_ratio: seed (each user draws with a seed derived from it and the user id).' })
  seed!: number | null;

  @Field(() => [InteractionGradeModel], { description: 'Grade per interaction type; a pair takes its best grade.' })
  grades!: InteractionGradeModel[];

  @Field(() => Float, { description: 'An item is relevant when its grade is at least this.' })
  threshold!: number;

  @Field({ description: "The user's training items are kept out of the ranking and out of the targets." })
  excludeTraining!: boolean;

  @Field(() => NdcgGainEnum)
  gain!: string;
}

@ObjectType('EvaluationDataset', { description: 'The identity of the data an evaluation read.' })
export class EvaluationDatasetModel {
  @Field({ description: 'Interactions before this time were read.' })
  asOf!: Date;

  @Field({ description: 'SHA-256 of the interactions read (canonical order): equal for the same data.' })
  fingerprint!: string;

  @Field(() => Int)
  interactions!: number;

  @Field(() => Int)
  trainInteractions!: number;

  @Field(() => Int)
  testInteractions!: number;

  @Field(() => Int, { description: 'Distinct candidates in the interactions read.' })
  candidates!: number;

  @Field(() => Int, { description: 'Distinct jobs in the interactions read.' })
  jobs!: number;

  @Field(() => Int, { description: 'Users evaluated: at least one relevant held-out item.' })
  users!: number;

  @Field(() => Date, { nullable: true })
  firstInteractionAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastInteractionAt!: Date | null;

  @Field(() => [String], { description: 'Interaction types read (those with a grade > 0).' })
  types!: string[];

  @Field(() => Date, { nullable: true, description: "The version's training cut-off." })
  versionCutoff!: Date | null;

  @Field(() => Int, { nullable: true, description: "Jobs in the ranked model's catalogue (coverage denominator)." })
  catalogue!: number | null;
}

@ObjectType('EvaluationProgress')
export class EvaluationProgressModel {
  @Field(() => Float, { description: '0–100.' })
  percent!: number;

  @Field({ description: 'queued, reading, planning, refit:<phase>, shards, merge, done (or the final status).' })
  phase!: string;

  @Field(() => Int, { nullable: true })
  shards!: number | null;

  @Field(() => Int, { nullable: true })
  shardsDone!: number | null;

  @Field(() => Int, { nullable: true })
  users!: number | null;

  @Field(() => Int, { nullable: true })
  usersDone!: number | null;
}

@ObjectType('Evaluation', { description: 'An offline evaluation of a model version: the job (status, progress) and, once completed, its result.' })
export class EvaluationModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The reference asked for ("name@alias" or "name/3").' })
  modelRef!: string;

  @Field()
  model!: string;

  @Field(() => Int, { description: 'The version the reference resolved to when the evaluation started.' })
  version!: number;

  @Field()
  strategy!: string;

  @Field(() => EvaluationModeEnum)
  mode!: string;

  @Field({ description: 'queued | running | completed | failed | cancelled' })
  status!: string;

  @Field(() => EvaluationProgressModel)
  progress!: EvaluationProgressModel;

  @Field(() => EvaluationProtocolModel)
  protocol!: EvaluationProtocolModel;

  @Field(() => [Int])
  k!: number[];

  @Field(() => [String], { description: 'Metric families asked for (precision, recall, map, ndcg, mrr, hit_rate, novelty, coverage).' })
  metricNames!: string[];

  @Field(() => Int)
  shards!: number;

  @Field(() => EvaluationDatasetModel, { nullable: true, description: 'Set once the split is built.' })
  dataset!: EvaluationDatasetModel | null;

  @Field(() => [MetricValueModel], { description: 'Every metric@k with its seeded 95% bootstrap interval over users (empty until completed).' })
  metrics!: MetricValueModel[];

  @Field(() => Int, { description: 'Bootstrap resamples of the intervals.' })
  bootstrapSamples!: number;

  @Field(() => Int)
  bootstrapSeed!: number;

  @Field({ description: "Headline metrics (ndcg, map, recall at each k) were written to the version's offline metrics." })
  attachedToVersion!: boolean;

  @Field(() => Float, { nullable: true })
  durationSeconds!: number | null;

  @Field(() => Int)
  timeoutSeconds!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'CANCELLED, TIMEOUT, LEAKAGE, EMPTY_TEST_SET, EVALUATION_FAILED, …' })
  errorCode!: string | null;

  @Field()
  createdBy!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

export const EvaluationPage = Paginated(EvaluationModel, 'EvaluationPage');

@ObjectType('EvaluationShard')
export class EvaluationShardModel {
  @Field(() => Int)
  shard!: number;

  @Field()
  status!: string;

  @Field(() => Int)
  users!: number;

  @Field(() => Int)
  doneUsers!: number;

  @Field(() => String, { nullable: true, description: 'host:pid of the worker process that ran it.' })
  worker!: string | null;

  @Field(() => Float, { nullable: true })
  seconds!: number | null;
}

@ObjectType('EvaluationJob', { description: 'Progress of an evaluation job, shard by shard.' })
export class EvaluationJobModel {
  @Field(() => ID)
  id!: string;

  @Field()
  status!: string;

  @Field(() => EvaluationProgressModel)
  progress!: EvaluationProgressModel;

  @Field(() => [EvaluationShardModel])
  shards!: EvaluationShardModel[];

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true })
  errorCode!: string | null;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType('MetricComparison')
export class MetricComparisonModel {
  @Field()
  name!: string;

  @Field(() => Float, { description: 'Mean of evaluation a over the paired users.' })
  a!: number;

  @Field(() => Float)
  b!: number;

  @Field(() => Float, { description: 'mean(b − a) over the paired users.' })
  difference!: number;

  @Field(() => Float, { description: '95% paired-bootstrap interval of the difference.' })
  ciLow!: number;

  @Field(() => Float)
  ciHigh!: number;

  @Field(() => Float, { description: 'Two-sided paired sign-flip permutation test of "no difference".' })
  pValue!: number;

  @Field(() => Int)
  users!: number;

  @Field({ description: 'resampling (paired bootstrap + Monte Carlo sign flips) or normal (their large-sample approximations, above 20,000 users).' })
  method!: string;
}

@ObjectType('EvaluationComparison')
export class EvaluationComparisonModel {
  @Field(() => EvaluationModel)
  a!: EvaluationModel;

  @Field(() => EvaluationModel)
  b!: EvaluationModel;

  @Field(() => Int, { description: 'Paired users.' })
  users!: number;

  @Field({ description: 'How the interval and the p-value are computed.' })
  method!: string;

  @Field(() => [MetricComparisonModel])
  metrics!: MetricComparisonModel[];
}
