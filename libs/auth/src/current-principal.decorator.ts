import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from './principal.js';

/** The caller resolved by the PermissionGuard (undefined on public fields called anonymously). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => {
  const req = GqlExecutionContext.create(ctx).getContext<{ req: { principal?: Principal | null } }>().req;
  return req.principal ?? undefined;
});
