import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';

@InputType()
export class RelevantItemInput {
  @Field()
  item!: string;

  @Field(() => Float, { description: 'Grade; > 0 means relevant (used as the gain with graded: true).' })
  grade!: number;
}

@InputType({ description: 'One user: ranked item ids (best first) and graded relevant items (grade > 0 = relevant).' })
export class RankedListInput {
  @Field()
  user!: string;

  @Field(() => [String])
  ranked!: string[];

  @Field(() => [RelevantItemInput])
  relevant!: RelevantItemInput[];
}

@ObjectType('EvaluationMetric', { description: 'One aggregate metric over users with its seeded 95% bootstrap interval.' })
export class MetricValueModel {
  @Field()
  name!: string;

  @Field(() => Float, { nullable: true })
  value!: number | null;

  @Field(() => Float, { nullable: true, description: 'Lower end of the seeded 95% bootstrap interval over users.' })
  ciLow!: number | null;

  @Field(() => Float, { nullable: true })
  ciHigh!: number | null;

  @Field(() => Int, { description: 'Users counted for this metric.' })
  users!: number;
}

@ObjectType('ListEvaluation')
export class ListEvaluationModel {
  @Field(() => Int, { description: 'Users with at least one relevant item.' })
  users!: number;

  @Field(() => [MetricValueModel])
  metrics!: MetricValueModel[];
}
