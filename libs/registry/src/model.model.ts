import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('MetricValue')
export class MetricValueModel {
  @Field()
  name!: string;

  @Field(() => Float)
  value!: number;
}

@ObjectType('ModelAlias')
export class ModelAliasModel {
  @Field()
  alias!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  updatedAt!: Date;
}

@ObjectType('ModelVersion')
export class ModelVersionModel {
  @Field(() => ID)
  id!: string;

  @Field()
  model!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'ready | archived' })
  status!: string;

  @Field()
  strategy!: string;

  @Field({ description: 'Hyperparameters, JSON.' })
  params!: string;

  @Field({ description: 'Training data snapshot (cut-off, row counts), JSON.' })
  dataset!: string;

  @Field({ description: 'Feature set versions, JSON.' })
  featureSet!: string;

  @Field({ description: 'Git commit of the code that trained it.' })
  codeVersion!: string;

  @Field(() => Float)
  trainingSeconds!: number;

  @Field({ description: 'SHA-256 of the artifact; verified on every load.' })
  artifactSha256!: string;

  @Field()
  artifactFormat!: string;

  @Field(() => [MetricValueModel])
  metrics!: MetricValueModel[];

  @Field({ description: 'Tags, JSON.' })
  tags!: string;

  @Field()
  createdBy!: string;

  @Field(() => String, { nullable: true })
  trainingJobId!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  archivedAt!: Date | null;

  @Field(() => [String], { description: 'Aliases pointing at this version now.' })
  aliases!: string[];
}

@ObjectType('Model')
export class ModelModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  strategy!: string;

  @Field()
  description!: string;

  @Field()
  owner!: string;

  @Field({ description: 'Promotion gate, JSON: metric, maxDrop, allowExperimentOverride, protectedAliases.' })
  gate!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType('AliasHistoryEntry')
export class AliasHistoryEntryModel {
  @Field(() => ID)
  id!: string;

  @Field()
  alias!: string;

  @Field(() => Int, { nullable: true })
  fromVersion!: number | null;

  @Field(() => Int, { nullable: true })
  toVersion!: number | null;

  @Field({ description: 'set | rollback | remove' })
  action!: string;

  @Field()
  actor!: string;

  @Field()
  reason!: string;

  @Field(() => String, { nullable: true })
  experimentKey!: string | null;

  @Field()
  at!: Date;
}

@ObjectType('AliasMoveResult')
export class AliasMoveResultModel {
  @Field(() => ModelVersionModel)
  version!: ModelVersionModel;

  @Field({ description: 'Why the promotion gate let it through.' })
  gateReason!: string;
}
