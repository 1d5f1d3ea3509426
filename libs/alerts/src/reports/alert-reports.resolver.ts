import { Inject } from '@nestjs/common';
import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, principalHas, type Principal } from '@app/auth';
import { PageArgs, pageBounds, type Page } from '@app/pagination';
import { PiiCipher } from '@app/pii';
import type { AlertSubscriptionEntity } from '../alert.entity.js';
import { AlertDeliveryModel, AlertSubscriptionModel } from '../alert.model.js';
import { toAlertDeliveryModel, toSubscriptionModel } from '../alerts.mapper.js';
import { AlertDeliveryListFilter, AlertDeliveryPage, AlertOverviewModel, AlertSubscriptionListFilter, AlertSubscriptionPage } from './alert-reports.model.js';
import { AlertReportsService } from './alert-reports.service.js';
import { hasSubscriptionEmail, revealSubscriptionEmail } from '../subscription-email.js';

/**
 * An email address is personal data: decrypted only for roles with pii:read; the others get `•••` and nothing is
 * decrypted for them (as for candidates' names and emails).
 */
function view(pii: PiiCipher, s: AlertSubscriptionEntity, who: Principal | undefined): AlertSubscriptionModel {
  const m = toSubscriptionModel(s);
  if (!hasSubscriptionEmail(s)) return { ...m, email: null };
  return { ...m, email: who && principalHas(who, 'pii:read') ? revealSubscriptionEmail(pii, s) : '•••' };
}

/** Read-only alert reports for the console (permission `alerts:read`: admins, ML engineers and analysts). */
@Resolver()
export class AlertReportsResolver {
  constructor(@Inject(AlertReportsService) private readonly reports: AlertReportsService, @Inject(PiiCipher) private readonly pii: PiiCipher) {}

  @RequirePermission('alerts:read')
  @Query(() => AlertSubscriptionPage, { description: 'Every alert subscription, newest first, filtered by channel, status, frequency or candidate (emails masked without pii:read).' })
  async alertSubscriptionList(
    @Args() page: PageArgs,
    @CurrentPrincipal() who: Principal,
    @Args('filter', { type: () => AlertSubscriptionListFilter, nullable: true }) filter?: AlertSubscriptionListFilter,
  ): Promise<Page<AlertSubscriptionModel>> {
    const { offset, limit } = pageBounds(page);
    const r = await this.reports.subscriptions(filter ?? {}, offset, limit);
    return { items: r.items.map((s) => view(this.pii, s, who)), totalCount: r.totalCount };
  }

  @RequirePermission('alerts:read')
  @Query(() => AlertSubscriptionModel, { description: 'One alert subscription (email masked without pii:read).' })
  async alertSubscription(@Args('id', { type: () => ID }) id: string, @CurrentPrincipal() who: Principal): Promise<AlertSubscriptionModel> {
    return view(this.pii, await this.reports.subscription(id), who);
  }

  @RequirePermission('alerts:read')
  @Query(() => AlertDeliveryPage, { description: 'The alert delivery log, newest first, with totalCount for paging.' })
  async alertDeliveryLog(@Args() page: PageArgs, @Args('filter', { type: () => AlertDeliveryListFilter, nullable: true }) filter?: AlertDeliveryListFilter): Promise<Page<AlertDeliveryModel>> {
    const { offset, limit } = pageBounds(page);
    const r = await this.reports.deliveries(filter ?? {}, offset, limit);
    return { items: r.items.map(toAlertDeliveryModel), totalCount: r.totalCount };
  }

  @RequirePermission('alerts:read')
  @Query(() => AlertDeliveryModel, { description: 'One alert delivery with its attempt log.' })
  async alertDelivery(@Args('id', { type: () => ID }) id: string): Promise<AlertDeliveryModel> {
    return toAlertDeliveryModel(await this.reports.delivery(id));
  }

  @RequirePermission('alerts:read')
  @Query(() => AlertOverviewModel, { description: 'Alerts sent per UTC day and variant over the last `days` days, with the alerts clicked and applied to (for rates), failures and subscriptions by status.' })
  async alertOverview(@Args('days', { type: () => Int, defaultValue: 30 }) days: number): Promise<AlertOverviewModel> {
    return this.reports.overview(days);
  }
}
