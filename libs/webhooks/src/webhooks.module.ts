import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from './webhook.entity.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

export const webhooksResolvers = [WebhooksResolver];

/** Subscriptions, fan-out and delivery (worker, CLI, API). The `webhooks` queue comes from QueueModule. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookSubscriptionEntity, WebhookDeliveryEntity])],
  providers: [WebhooksService],
  exports: [WebhooksService],
})
export class WebhooksCoreModule {}

@Module({ imports: [WebhooksCoreModule], providers: webhooksResolvers, exports: [WebhooksCoreModule] })
export class WebhooksModule {}
