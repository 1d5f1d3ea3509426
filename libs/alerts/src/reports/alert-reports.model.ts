import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { Paginated } from '@app/pagination';
import { AlertDeliveryModel, AlertSubscriptionModel } from '../alert.model.js';

@InputType()
export class AlertSubscriptionListFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @Matches(/^\d{1,18}$/) candidateId?: string;
  @Field(() => String, { nullable: true, description: 'email | webhook' }) @IsOptional() @IsIn(['email', 'webhook']) channel?: string;
  @Field(() => String, { nullable: true, description: 'active | paused | unsubscribed' }) @IsOptional() @IsIn(['active', 'paused', 'unsubscribed']) status?: string;
  @Field(() => String, { nullable: true, description: 'instant | daily | weekly' }) @IsOptional() @IsIn(['instant', 'daily', 'weekly']) frequency?: string;
}

@InputType()
export class AlertDeliveryListFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @Matches(/^\d{1,18}$/) subscriptionId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @Matches(/^\d{1,18}$/) candidateId?: string;
  @Field(() => String, { nullable: true, description: 'pending | retrying | sent | empty | suppressed | failed' }) @IsOptional() @IsString() status?: string;
  @Field(() => String, { nullable: true, description: 'email | webhook' }) @IsOptional() @IsString() channel?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() experimentKey?: string;
}

export const AlertSubscriptionPage = Paginated(AlertSubscriptionModel, 'AlertSubscriptionPage');
export const AlertDeliveryPage = Paginated(AlertDeliveryModel, 'AlertDeliveryPage');

@ObjectType('AlertOverviewDay')
export class AlertOverviewDayModel {
  @Field({ description: 'UTC day (YYYY-MM-DD) the alerts were sent.' }) day!: string;
  @Field(() => String, { nullable: true, description: 'Experiment of the alerts (null: no experiment).' }) experimentKey!: string | null;
  @Field(() => String, { nullable: true, description: 'Variant that ranked the alerts (null: the default model).' }) variant!: string | null;
  @Field(() => Int, { description: 'Alerts sent (status sent) that day.' }) sent!: number;
  @Field(() => Int, { description: 'Jobs listed in those alerts.' }) items!: number;
  @Field(() => Int, { description: 'Alerts with at least one click (clicks come back through the tracked links or logged interactions with the ranking id).' }) clicked!: number;
  @Field(() => Int, { description: 'Alerts with at least one apply.' }) applied!: number;
  @Field(() => Int) clicks!: number;
  @Field(() => Int) applies!: number;
}

@ObjectType('AlertOverview')
export class AlertOverviewModel {
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => Int) sent!: number;
  @Field(() => Int, { description: 'Deliveries that failed for good in the period.' }) failed!: number;
  @Field(() => Int, { description: 'Subscriptions by status now.' }) activeSubscriptions!: number;
  @Field(() => Int) pausedSubscriptions!: number;
  @Field(() => Boolean, { description: 'Opens are not tracked (no tracking pixel): open rates are not available.' }) opensTracked!: boolean;
  @Field(() => [AlertOverviewDayModel], { description: 'Per day and variant, oldest first.' }) days!: AlertOverviewDayModel[];
}
