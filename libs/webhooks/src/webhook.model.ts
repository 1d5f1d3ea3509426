import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Webhook')
export class WebhookModel {
  @Field(() => ID)
  id!: string;

  @Field()
  url!: string;

  @Field()
  description!: string;

  @Field(() => [String], { description: 'Registry event types delivered; empty means every type.' })
  events!: string[];

  @Field(() => [String], { description: 'Models whose events are delivered; empty means every model.' })
  models!: string[];

  @Field()
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it was disabled (by whom, or "endpoint answered 410 Gone").' })
  disabledReason!: string | null;

  @Field({ description: 'The first characters of the signing secret (the secret itself is shown only once).' })
  secretHint!: string;

  @Field()
  createdBy!: string;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('CreatedWebhook')
export class CreatedWebhookModel {
  @Field(() => WebhookModel)
  webhook!: WebhookModel;

  @Field({ description: 'The signing secret (whsec_…). Shown only in this response: store it now.' })
  secret!: string;
}

@ObjectType('WebhookAttempt')
export class WebhookAttemptModel {
  @Field()
  at!: Date;

  @Field(() => Int, { nullable: true })
  responseStatus!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  webhookId!: string;

  @Field({ description: 'The webhook-id header: the registry event id, the same on every retry.' })
  messageId!: string;

  @Field()
  eventType!: string;

  @Field()
  model!: string;

  @Field({ description: 'pending | retrying | succeeded | failed' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt (null: no answer).' })
  responseStatus!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field({ description: 'The exact JSON body sent (signed).' })
  payload!: string;

  @Field(() => [WebhookAttemptModel])
  attemptLog!: WebhookAttemptModel[];

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
