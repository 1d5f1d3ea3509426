import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthService } from './auth.service.js';
import { ApiKeyModel, CreatedApiKeyModel, PrincipalModel, RoleEnum, SessionModel } from './auth.model.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Role } from './permissions.js';
import type { Principal } from './principal.js';
import { Public, RequirePermission } from './require-permission.decorator.js';

@Resolver()
export class AuthResolver {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => SessionModel, { description: 'Sign in with email and password; returns a bearer token valid for one hour.' })
  async login(@Args('email') email: string, @Args('password') password: string): Promise<SessionModel> {
    const { token, expiresAt, user } = await this.auth.login(email, password);
    return { token, expiresAt, role: user.role };
  }

  @RequirePermission('self:read')
  @Query(() => PrincipalModel, { description: 'Who the current credentials belong to.' })
  me(@CurrentPrincipal() principal: Principal): PrincipalModel {
    return principal;
  }

  @RequirePermission('users:manage')
  @Mutation(() => CreatedApiKeyModel)
  async createApiKey(
    @Args('name') name: string,
    @Args('role', { type: () => RoleEnum }) role: Role,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedApiKeyModel> {
    const { key, entity } = await this.auth.createApiKey(name, role, principal.kind === 'user' ? principal.id : null, principal.label);
    return { key, apiKey: entity as ApiKeyModel };
  }

  @RequirePermission('users:manage')
  @Mutation(() => Boolean)
  async revokeApiKey(@Args('prefix') prefix: string, @CurrentPrincipal() principal: Principal): Promise<boolean> {
    await this.auth.revokeApiKey(prefix, principal.label);
    return true;
  }
}
