import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('FeatureSpec')
export class FeatureSpecModel {
  @Field()
  name!: string;

  @Field({ description: 'float | int | bool | string | float_list | string_list | sparse_vector' })
  type!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field({ description: 'Missing-value policy, JSON: {"strategy":"null"} | {"strategy":"default","value":…} | {"strategy":"mean"}.' })
  missing!: string;
}

@ObjectType('FeatureOnlineState')
export class FeatureOnlineStateModel {
  @Field({ description: 'redis | postgres' })
  backend!: string;

  @Field(() => Int, { description: 'Generation the pointer serves (a full materialisation writes the next one, then flips).' })
  generation!: number;

  @Field(() => Int, { description: 'Entities written by the last full materialisation.' })
  rows!: number;

  @Field()
  materializedAt!: Date;
}

@ObjectType('FeatureOfflineState')
export class FeatureOfflineStateModel {
  @Field(() => Int)
  rows!: number;

  @Field(() => Int)
  entities!: number;

  @Field(() => Date, { nullable: true })
  latestEventTime!: Date | null;
}

@ObjectType('FeatureViewVersion')
export class FeatureViewVersionModel {
  @Field(() => ID, { description: 'Stored id of this version.' })
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'SHA-256 of schema, source, transform and TTL.' })
  fingerprint!: string;

  @Field()
  entity!: string;

  @Field(() => Int)
  ttlSeconds!: number;

  @Field()
  eventTimeColumn!: string;

  @Field(() => [FeatureSpecModel])
  features!: FeatureSpecModel[];

  @Field({ description: 'Whether this is the version defined in code now.' })
  current!: boolean;

  @Field()
  createdAt!: Date;

  @Field(() => FeatureOfflineStateModel, { description: 'Rows in the offline store (counted on request).' })
  offline?: FeatureOfflineStateModel;

  @Field(() => FeatureOnlineStateModel, { nullable: true, description: 'Null until materialised on this deployment’s online backend.' })
  online?: FeatureOnlineStateModel | null;
}

@ObjectType('FeatureView')
export class FeatureViewModel {
  @Field()
  name!: string;

  @Field()
  entity!: string;

  @Field()
  description!: string;

  @Field()
  owner!: string;

  @Field(() => [FeatureViewVersionModel], { description: 'Newest first; old versions stay readable.' })
  versions!: FeatureViewVersionModel[];
}

@ObjectType('FeatureStatistics')
export class FeatureStatisticsModel {
  @Field({ description: '"<view>.<feature>"' })
  feature!: string;

  @Field()
  type!: string;

  @Field({ description: 'numeric | categorical | other' })
  kind!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => Float)
  missingRate!: number;

  @Field(() => Float, { nullable: true })
  mean!: number | null;

  @Field(() => Float, { nullable: true })
  std!: number | null;

  @Field(() => Float, { nullable: true })
  min!: number | null;

  @Field(() => Float, { nullable: true })
  max!: number | null;

  @Field({ description: 'Quantiles, JSON [{p, value}] (numeric).' })
  quantiles!: string;

  @Field({ description: 'Category shares, JSON [{value, share}] (categorical).' })
  categories!: string;

  @Field()
  computedAt!: Date;
}

@ObjectType('FeatureDrift')
export class FeatureDriftModel {
  @Field()
  feature!: string;

  @Field(() => Float, { nullable: true, description: 'Population stability index vs training.' })
  psi!: number | null;

  @Field(() => Float, { nullable: true, description: 'Two-sample KS statistic vs the training sample (numeric features).' })
  ks!: number | null;

  @Field(() => Float, { nullable: true })
  ksPValue!: number | null;

  @Field(() => Int)
  recentCount!: number;

  @Field(() => Float)
  recentMissingRate!: number;

  @Field()
  drifted!: boolean;

  @Field()
  computedAt!: Date;
}

@ObjectType('FeatureServiceMember')
export class FeatureServiceMemberModel {
  @Field()
  view!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => [String])
  features!: string[];
}

@ObjectType('FeatureServiceVersion')
export class FeatureServiceVersionModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  fingerprint!: string;

  @Field()
  current!: boolean;

  @Field()
  createdAt!: Date;

  @Field(() => [FeatureServiceMemberModel])
  views!: FeatureServiceMemberModel[];

  @Field(() => [String], { description: '"<view>.<feature>" in order.' })
  features!: string[];

  @Field(() => [FeatureStatisticsModel], { description: 'Training statistics stored with this version.' })
  statistics?: FeatureStatisticsModel[];

  @Field(() => [FeatureDriftModel], { description: 'Latest drift result per feature.' })
  drift?: FeatureDriftModel[];
}

@ObjectType('FeatureService')
export class FeatureServiceModel {
  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field()
  owner!: string;

  @Field(() => [FeatureServiceVersionModel], { description: 'Newest first.' })
  versions!: FeatureServiceVersionModel[];
}

@ObjectType('OnlineFeatureValue')
export class OnlineFeatureValueModel {
  @Field()
  feature!: string;

  @Field(() => String, { nullable: true, description: 'The value as JSON (after the missing-value policy); null when missing and the policy is null.' })
  value!: string | null;

  @Field(() => Float, { nullable: true, description: 'Seconds since the value’s event time; null when missing or expired.' })
  ageSeconds!: number | null;

  @Field({ description: 'present | missing | expired (past its TTL: never served, the policy applies)' })
  status!: string;
}

@ObjectType('OnlineFeatureRow')
export class OnlineFeatureRowModel {
  @Field(() => ID)
  id!: string;

  @Field(() => [OnlineFeatureValueModel])
  values!: OnlineFeatureValueModel[];
}

@ObjectType('OnlineFeatures')
export class OnlineFeaturesModel {
  @Field()
  service!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  entity!: string;

  @Field(() => [String])
  features!: string[];

  @Field(() => [OnlineFeatureRowModel])
  rows!: OnlineFeatureRowModel[];
}

@ObjectType('FeatureJobProgress')
export class FeatureJobProgressModel {
  @Field(() => Float)
  percent!: number;

  @Field()
  phase!: string;

  @Field(() => Int, { nullable: true })
  done?: number | null;

  @Field(() => Int, { nullable: true })
  total?: number | null;
}

@ObjectType('FeatureJob')
export class FeatureJobModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'compute | materialize | drift' })
  kind!: string;

  @Field({ description: 'Options, JSON.' })
  options!: string;

  @Field({ description: 'queued | running | completed | failed' })
  status!: string;

  @Field(() => FeatureJobProgressModel)
  progress!: FeatureJobProgressModel;

  @Field(() => [String])
  logs!: string[];

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Result, JSON.' })
  result!: string | null;

  @Field()
  createdBy!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType('TrainingSetExport')
export class TrainingSetExportModel {
  @Field()
  service!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'jsonl | csv' })
  format!: string;

  @Field(() => Int)
  rows!: number;

  @Field(() => Int)
  positives!: number;

  @Field(() => [String])
  features!: string[];

  @Field({ description: 'Whether this set’s statistics were stored as the service version’s training statistics.' })
  statisticsRecorded!: boolean;

  @Field({ description: 'The file.' })
  content!: string;
}

@ObjectType('FeatureRank')
export class FeatureRankModel {
  @Field()
  feature!: string;

  @Field(() => Float, { description: 'Mutual information with the label (nats, decile bins).' })
  mutualInformation!: number;

  @Field(() => Float)
  chiSquare!: number;

  @Field(() => Float)
  chiSquarePValue!: number;

  @Field(() => Float, { nullable: true, description: 'Standardised coefficient of the L2 logistic regression (the hybrid strategy’s blender).' })
  coefficient!: number | null;

  @Field(() => Float, { nullable: true, description: '|coefficient| as a share of all features’.' })
  importance!: number | null;

  @Field(() => Float)
  missingRate!: number;
}

@ObjectType('FeatureRanking')
export class FeatureRankingModel {
  @Field()
  service!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => Int)
  rows!: number;

  @Field(() => Int)
  positives!: number;

  @Field(() => [FeatureRankModel], { description: 'Highest mutual information first.' })
  ranking!: FeatureRankModel[];
}
