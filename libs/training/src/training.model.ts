import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { JobModel } from '@app/market';

@ObjectType('TrainingProgress')
export class TrainingProgressModel {
  @Field(() => Float, { description: '0–100.' })
  percent!: number;

  @Field({ description: 'queued, snapshot, validation-fit:<strategy phase>, validate, fit:<strategy phase>, trial:…, register, done.' })
  phase!: string;

  @Field(() => Int, { nullable: true, description: 'Epoch or iteration within the phase.' })
  iteration?: number | null;

  @Field(() => Int, { nullable: true })
  iterations?: number | null;

  @Field(() => Float, { nullable: true, description: 'Training loss, when the strategy reports one.' })
  loss?: number | null;

  @Field(() => Int, { nullable: true, description: 'Hyperparameter search: current trial (1-based).' })
  trial?: number | null;

  @Field(() => Int, { nullable: true })
  trials?: number | null;
}

@ObjectType('TrainingJob')
export class TrainingJobModel {
  @Field(() => ID, { description: 'The queue job id.' })
  id!: string;

  @Field({ description: 'train | search' })
  kind!: string;

  @Field()
  model!: string;

  @Field()
  strategy!: string;

  @Field({ description: 'Hyperparameters (a search: the base parameters), JSON.' })
  params!: string;

  @Field({ description: 'Cut-off, validation fraction, timeout, search plan; JSON.' })
  options!: string;

  @Field({ description: 'queued | running | completed | failed | cancelled' })
  status!: string;

  @Field(() => TrainingProgressModel)
  progress!: TrainingProgressModel;

  @Field(() => [String], { description: 'The last log lines (up to `logLines`, default 20).' })
  logs!: string[];

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'Typed error code, e.g. EMPTY_TRAINING_SET, INVALID_PARAMS, CANCELLED, TIMEOUT.' })
  errorCode!: string | null;

  @Field(() => Int, { nullable: true, description: 'Version registered (a search: the best trial).' })
  version!: number | null;

  @Field(() => String, { nullable: true, description: 'Result, JSON (a search: every trial version and the best).' })
  result!: string | null;

  @Field()
  createdBy!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType('RecommendedJob')
export class RecommendedJobModel {
  @Field(() => Int, { description: '1-based rank.' })
  position!: number;

  @Field(() => Float)
  score!: number;

  @Field(() => JobModel)
  job!: JobModel;
}

@ObjectType('Recommendation')
export class RecommendationModel {
  @Field({ description: 'The reference asked for.' })
  modelRef!: string;

  @Field({ description: 'The model that served it.' })
  model!: string;

  @Field(() => Int, { description: 'The version that served it.' })
  version!: number;

  @Field()
  strategy!: string;

  @Field(() => ID)
  candidateId!: string;

  @Field(() => [RecommendedJobModel])
  items!: RecommendedJobModel[];
}
