import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { CreateWebhookInput } from './dto/webhook.inputs.js';
import { CreatedWebhookModel, WebhookDeliveryModel, WebhookModel } from './webhook.model.js';
import { toDeliveryModel, toWebhookModel } from './webhooks.mapper.js';
import { WebhooksService } from './webhooks.service.js';

@Resolver(() => WebhookModel)
export class WebhooksResolver {
  constructor(@Inject(WebhooksService) private readonly service: WebhooksService) {}

  @RequirePermission('webhooks:read')
  @Query(() => [WebhookModel], { description: 'Webhook subscriptions to registry events.' })
  async webhooks(): Promise<WebhookModel[]> {
    return (await this.service.list()).map(toWebhookModel);
  }

  @RequirePermission('webhooks:read')
  @Query(() => WebhookModel)
  async webhook(@Args('id', { type: () => ID }) id: string): Promise<WebhookModel> {
    return toWebhookModel(await this.service.get(id));
  }

  @RequirePermission('webhooks:read')
  @Query(() => [WebhookDeliveryModel], { description: 'Delivery log of a webhook, newest first.' })
  async webhookDeliveries(
    @Args('webhookId', { type: () => ID }) webhookId: string,
    @Args('status', { nullable: true, description: 'pending | retrying | succeeded | failed' }) status?: string,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit?: number,
  ): Promise<WebhookDeliveryModel[]> {
    return (await this.service.deliveries(webhookId, { status, limit })).map(toDeliveryModel);
  }

  @RequirePermission('webhooks:manage')
  @Mutation(() => CreatedWebhookModel, { description: 'Subscribe an endpoint to registry events; the signing secret is returned only here.' })
  async createWebhook(@Args('input') input: CreateWebhookInput, @CurrentPrincipal() who: Principal): Promise<CreatedWebhookModel> {
    const { webhook, secret } = await this.service.create(input, who.label);
    return { webhook: toWebhookModel(webhook), secret };
  }

  @RequirePermission('webhooks:manage')
  @Mutation(() => WebhookModel, { description: 'Stop deliveries (pending retries included) without losing the delivery log.' })
  async disableWebhook(@Args('id', { type: () => ID }) id: string, @Args('reason', { type: () => String, nullable: true }) reason: string | undefined, @CurrentPrincipal() who: Principal): Promise<WebhookModel> {
    return toWebhookModel(await this.service.setEnabled(id, false, `disabled by ${who.label}${reason ? `: ${reason}` : ''}`));
  }

  @RequirePermission('webhooks:manage')
  @Mutation(() => WebhookModel, { description: 'Resume deliveries for events recorded from now on.' })
  async enableWebhook(@Args('id', { type: () => ID }) id: string): Promise<WebhookModel> {
    return toWebhookModel(await this.service.setEnabled(id, true));
  }
}
