import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { toJobModel } from '@app/market';
import { AlertDeliveryModel, AlertOwnerNoticeModel, AlertSubscriptionModel, RankedJobsModel, SubscribedAlertModel } from './alert.model.js';
import { AlertRanker } from './alert-ranker.js';
import { AlertError } from './alerts.errors.js';
import { toAlertDeliveryModel, toOwnerNoticeModel, toSubscriptionModel } from './alerts.mapper.js';
import { AlertsService } from './alerts.service.js';
import { AlertIdempotency } from './idempotency.js';

type HttpContext = { req?: Request; res?: Response };
import { AlertDeliveryFilter, AlertFiltersInput, SubscribeAlertsInput, UpdateAlertSubscriptionInput } from './dto/alert.inputs.js';

/** The alert API for downstream apps (API keys with the `alerts` permission). */
@Resolver(() => AlertSubscriptionModel)
export class AlertsResolver {
  constructor(
    @Inject(AlertsService) private readonly service: AlertsService,
    @Inject(AlertRanker) private readonly ranker: AlertRanker,
    @Inject(AlertIdempotency) private readonly idempotency: AlertIdempotency,
  ) {}

  /** Runs a mutation under the request's Idempotency-Key (if any); a replay is marked with `Idempotent-Replayed: true`. */
  private async idempotent<T>(ctx: HttpContext, who: Principal, operation: string, args: unknown, fn: () => Promise<T>): Promise<T> {
    const header = ctx.req?.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    const { value, replayed } = await this.idempotency.run(`${who.label}:${operation}`, key, args, fn);
    if (replayed) ctx.res?.setHeader('Idempotent-Replayed', 'true');
    return value;
  }

  @RequirePermission('alerts')
  @Query(() => RankedJobsModel, { description: "Jobs ranked for a candidate by the model of their experiment variant (or the champion), with a ranking id to log interactions with." })
  async rankedJobs(
    @Args('candidateId', { type: () => ID }) candidateId: string,
    @Args('limit', { type: () => Int, defaultValue: 10 }) limit: number,
    @Args('filters', { type: () => AlertFiltersInput, nullable: true }) filters?: AlertFiltersInput,
  ): Promise<RankedJobsModel> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new AlertError('INVALID_INPUT', `limit must be 1–100, got ${limit}`);
    const f = filters ?? {};
    const r = await this.ranker.rankedJobs(candidateId, limit, { keywords: f.keywords ?? undefined, location: f.location ?? undefined, remote: f.remote ?? undefined, minSalary: f.minSalary ?? undefined });
    return {
      candidateId, rankingId: r.rankingId, modelRef: r.assignment.modelRef, model: r.model, modelVersion: r.version, experimentKey: r.assignment.experimentKey, variant: r.assignment.variant,
      jobs: r.items.map((i) => ({ position: i.position, score: i.score, job: toJobModel(i.job), team: i.team ?? null, reasons: i.reasons })),
    };
  }

  @RequirePermission('alerts')
  @Mutation(() => SubscribedAlertModel, { description: 'Subscribe a candidate to job alerts by email or signed webhook.' })
  async subscribeAlerts(@Args('input') input: SubscribeAlertsInput, @CurrentPrincipal() who: Principal, @Context() ctx: HttpContext): Promise<SubscribedAlertModel> {
    return this.idempotent(ctx, who, 'subscribeAlerts', input, async () => {
      const { subscription, secret } = await this.service.subscribe({ ...input, filters: input.filters ?? undefined }, who.label);
      return { subscription: toSubscriptionModel(subscription), secret };
    });
  }

  @RequirePermission('alerts')
  @Mutation(() => AlertSubscriptionModel, { description: 'Change preferences; status active/paused resumes or pauses.' })
  async updateAlertSubscription(@Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateAlertSubscriptionInput, @CurrentPrincipal() who: Principal, @Context() ctx: HttpContext): Promise<AlertSubscriptionModel> {
    return this.idempotent(ctx, who, 'updateAlertSubscription', { id, input }, async () => toSubscriptionModel(await this.service.update(id, { ...input, filters: input.filters === undefined ? undefined : input.filters })));
  }

  @RequirePermission('alerts')
  @Mutation(() => AlertSubscriptionModel)
  async unsubscribe(@Args('id', { type: () => ID }) id: string, @CurrentPrincipal() who: Principal, @Context() ctx: HttpContext): Promise<AlertSubscriptionModel> {
    return this.idempotent(ctx, who, 'unsubscribe', { id }, async () => toSubscriptionModel(await this.service.unsubscribe(id, 'unsubscribed through the API')));
  }

  @RequirePermission('alerts')
  @Mutation(() => AlertSubscriptionModel, { description: 'Pause a subscription (no alerts until resumed).' })
  async pauseAlertSubscription(@Args('id', { type: () => ID }) id: string, @CurrentPrincipal() who: Principal, @Context() ctx: HttpContext): Promise<AlertSubscriptionModel> {
    return this.idempotent(ctx, who, 'pauseAlertSubscription', { id }, async () => toSubscriptionModel(await this.service.update(id, { status: 'paused' })));
  }

  @RequirePermission('alerts')
  @Mutation(() => AlertSubscriptionModel, { description: 'Resume a paused subscription (also one paused by delivery failures, once its endpoint is fixed); its next alert is at the next send time.' })
  async resumeAlertSubscription(@Args('id', { type: () => ID }) id: string, @CurrentPrincipal() who: Principal, @Context() ctx: HttpContext): Promise<AlertSubscriptionModel> {
    return this.idempotent(ctx, who, 'resumeAlertSubscription', { id }, async () => toSubscriptionModel(await this.service.update(id, { status: 'active' })));
  }

  @RequirePermission('alerts')
  @Mutation(() => AlertDeliveryModel, {
    description: 'Queue a failed delivery again: same message id (webhook-id / Message-ID) and content, a new round of retries, attempts appended to its log. The subscription must be active (resume it first); NOT_REPLAYABLE otherwise.',
  })
  async replayAlertDelivery(@Args('id', { type: () => ID }) id: string, @CurrentPrincipal() who: Principal, @Context() ctx: HttpContext): Promise<AlertDeliveryModel> {
    return this.idempotent(ctx, who, 'replayAlertDelivery', { id }, async () => toAlertDeliveryModel(await this.service.replay(id, who.label)));
  }

  @RequirePermission('alerts')
  @Query(() => [AlertOwnerNoticeModel], { description: "Notices sent to a subscription's owner when delivery failures paused it, newest first." })
  async alertOwnerNotices(@Args('subscriptionId', { type: () => ID }) subscriptionId: string): Promise<AlertOwnerNoticeModel[]> {
    return (await this.service.ownerNotices(subscriptionId)).map(toOwnerNoticeModel);
  }

  @RequirePermission('alerts')
  @Query(() => [AlertSubscriptionModel])
  async alertSubscriptions(@Args('candidateId', { type: () => ID }) candidateId: string): Promise<AlertSubscriptionModel[]> {
    return (await this.service.subscriptionsOf(candidateId)).map(toSubscriptionModel);
  }

  @RequirePermission('alerts')
  @Query(() => [AlertDeliveryModel], { description: "A candidate's alerts, newest first (what was sent, ranked by which model)." })
  async alertHistory(@Args('candidateId', { type: () => ID }) candidateId: string, @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number): Promise<AlertDeliveryModel[]> {
    return (await this.service.history(candidateId, limit)).map(toAlertDeliveryModel);
  }

  @RequirePermission('alerts')
  @Query(() => [AlertDeliveryModel], { description: 'The alert delivery log with every attempt.' })
  async alertDeliveries(@Args('filter', { type: () => AlertDeliveryFilter, nullable: true }) filter?: AlertDeliveryFilter): Promise<AlertDeliveryModel[]> {
    return (await this.service.deliveries(filter ?? {})).map(toAlertDeliveryModel);
  }
}
