import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '@app/auth';
import { Paginated } from '@app/pagination';
import { InteractionListArgs } from './interaction-list.args.js';
import { InteractionModel } from './interaction.model.js';
import { InteractionService } from './interaction.service.js';

export const InteractionPage = Paginated(InteractionModel, 'InteractionPage');

@Resolver(() => InteractionModel)
export class InteractionResolver {
  constructor(@Inject(InteractionService) private readonly service: InteractionService) {}

  @RequirePermission('interactions:read')
  @Query(() => InteractionPage)
  interactions(@Args() args: InteractionListArgs) {
    return this.service.list(args);
  }

  @RequirePermission('interactions:read')
  @Query(() => InteractionModel)
  interaction(@Args('id', { type: () => ID }) id: string) {
    return this.service.get(id);
  }
}
