import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { InteractionType } from '../shared/enums.js';
import { InteractionTypeEnum } from '../shared/graphql-enums.js';

@ObjectType('Interaction')
export class InteractionModel {
  @Field(() => ID)
  id!: string;

  @Field()
  eventId!: string;

  @Field(() => ID)
  candidateId!: string;

  @Field(() => ID)
  jobId!: string;

  @Field(() => InteractionTypeEnum)
  type!: InteractionType;

  @Field()
  occurredAt!: Date;

  @Field(() => String, { nullable: true })
  rankingId!: string | null;

  @Field(() => String, { nullable: true })
  experimentKey!: string | null;

  @Field(() => String, { nullable: true })
  variant!: string | null;

  @Field(() => Int, { nullable: true })
  position!: number | null;

  @Field()
  source!: string;
}
