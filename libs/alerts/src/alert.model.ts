import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { JobModel } from '@app/market';
import { RankingReasonModel } from '@app/ranking';

@ObjectType('AlertFilters')
export class AlertFiltersModel {
  @Field(() => [String]) keywords!: string[];
  @Field(() => String, { nullable: true }) location!: string | null;
  @Field(() => Boolean, { nullable: true }) remote!: boolean | null;
  @Field(() => Float, { nullable: true, description: 'Minimum annual salary in the base currency.' }) minSalary!: number | null;
}

@ObjectType('AlertSubscription')
export class AlertSubscriptionModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) candidateId!: string;
  @Field({ description: 'email | webhook' }) channel!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) webhookUrl!: string | null;
  @Field({ description: 'instant | daily | weekly' }) frequency!: string;
  @Field(() => Int, { description: 'Local hour 0–23 in timeZone.' }) sendHour!: number;
  @Field(() => Int, { nullable: true, description: 'Weekly alerts: 1 = Monday … 7 = Sunday.' }) sendWeekday!: number | null;
  @Field() timeZone!: string;
  @Field(() => Int, { nullable: true }) quietStart!: number | null;
  @Field(() => Int, { nullable: true }) quietEnd!: number | null;
  @Field(() => AlertFiltersModel) filters!: AlertFiltersModel;
  @Field(() => String, { nullable: true, description: 'Model reference used instead of the default (champion) when no experiment variant applies.' }) modelRef!: string | null;
  @Field(() => Int) topK!: number;
  @Field({ description: 'active | paused | unsubscribed' }) status!: string;
  @Field(() => String, { nullable: true }) statusReason!: string | null;
  @Field(() => Date, { nullable: true }) lastSentAt!: Date | null;
  @Field(() => Date, { nullable: true }) nextDueAt!: Date | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When the owner (creator) was last emailed that delivery failures paused this subscription.' }) ownerNotifiedAt!: Date | null;
}

@ObjectType('SubscribedAlert')
export class SubscribedAlertModel {
  @Field(() => AlertSubscriptionModel) subscription!: AlertSubscriptionModel;
  @Field(() => String, { nullable: true, description: 'Webhook signing secret (whsec_…), shown only here.' }) secret!: string | null;
}

@ObjectType('AlertItem')
export class AlertItemModel {
  @Field(() => ID) jobId!: string;
  @Field(() => Int) position!: number;
  @Field(() => Float) score!: number;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) company!: string | null;
  @Field(() => String, { nullable: true }) location!: string | null;
}

@ObjectType('AlertAttempt')
export class AlertAttemptModel {
  @Field() at!: Date;
  @Field(() => Int, { nullable: true }) responseStatus!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) durationMs!: number;
  @Field({ description: 'The process stopped after handing this attempt to the channel and before recording its outcome: it may have been accepted (the next attempt carries the same Message-ID / webhook-id).' })
  interrupted!: boolean;
}

@ObjectType('AlertDelivery')
export class AlertDeliveryModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) subscriptionId!: string;
  @Field(() => ID) candidateId!: string;
  @Field() channel!: string;
  @Field({ description: 'pending | retrying | sent | empty | suppressed | failed' }) status!: string;
  @Field({ description: 'webhook-id (the same on every attempt).' }) messageId!: string;
  @Field() dueAt!: Date;
  @Field() windowStart!: Date;
  @Field() windowEnd!: Date;
  @Field(() => String, { nullable: true }) rankingId!: string | null;
  @Field(() => String, { nullable: true }) modelRef!: string | null;
  @Field(() => Int, { nullable: true }) modelVersion!: number | null;
  @Field(() => String, { nullable: true }) experimentKey!: string | null;
  @Field(() => String, { nullable: true }) variant!: string | null;
  @Field(() => [AlertItemModel]) items!: AlertItemModel[];
  @Field(() => Int) attempts!: number;
  @Field(() => [AlertAttemptModel]) attemptLog!: AlertAttemptModel[];
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) nextAttemptAt!: Date | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field(() => Int, { description: 'Attempts whose outcome is unknown because the process stopped mid-send (possible duplicates, same message id).' }) interruptedAttempts!: number;
  @Field(() => Int, { description: 'How often this delivery was replayed after failing.' }) replays!: number;
  @Field(() => Date, { nullable: true }) lastReplayedAt!: Date | null;
  @Field(() => String, { nullable: true }) lastReplayedBy!: string | null;
}

@ObjectType('AlertOwnerNotice')
export class AlertOwnerNoticeModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) subscriptionId!: string;
  @Field(() => ID, { nullable: true }) deliveryId!: string | null;
  @Field() reason!: string;
  @Field({ description: 'pending | sent | no_recipient | failed' }) status!: string;
  @Field(() => String, { nullable: true }) recipient!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { nullable: true, description: 'Message-ID of the notice email.' }) messageId!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
}

@ObjectType('RankedJob')
export class RankedJobModel {
  @Field(() => Int) position!: number;
  @Field(() => Float) score!: number;
  @Field(() => JobModel) job!: JobModel;
  @Field(() => String, { nullable: true, description: 'Interleaving experiments: the variant whose list contributed this job (clicks on it credit that variant).' })
  team!: string | null;
  @Field(() => [RankingReasonModel], { description: 'Why this job is recommended: short, truthful reasons from the model and features (matched skills, similar applied job, new in your area, salary fit, profile change).' })
  reasons!: RankingReasonModel[];
}

@ObjectType('RankedJobs')
export class RankedJobsModel {
  @Field(() => ID) candidateId!: string;
  @Field({ description: 'Log impressions and clicks with this id.' }) rankingId!: string;
  @Field() modelRef!: string;
  @Field() model!: string;
  @Field(() => Int) modelVersion!: number;
  @Field(() => String, { nullable: true }) experimentKey!: string | null;
  @Field(() => String, { nullable: true }) variant!: string | null;
  @Field(() => [RankedJobModel]) jobs!: RankedJobModel[];
}
