import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthService } from './auth.service.js';
import { ApiKeyModel, CreatedApiKeyModel, PrincipalModel, RoleEnum, SessionModel } from './auth.model.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Role } from './permissions.js';
import type { Principal } from './principal.js';
import { Public, RequirePermission } from './require-permission.decorator.js';
import { SessionService } from './sessions.service.js';

@Resolver()
export class AuthResolver {
  constructor(@Inject(AuthService) private readonly auth: AuthService, @Inject(SessionService) private readonly sessions: SessionService) {}

  @Public()
  @Mutation(() => SessionModel, { description: 'Sign in with email and password; returns a short-lived bearer token (AUTH_ACCESS_TOKEN_TTL_SECONDS) and a refresh token for refreshSession.' })
  async login(@Args('email') email: string, @Args('password') password: string): Promise<SessionModel> {
    const s = await this.sessions.login(email, password);
    return { token: s.token, expiresAt: s.expiresAt, refreshToken: s.refreshToken, refreshExpiresAt: s.refreshExpiresAt, role: s.user.role };
  }

  @Public()
  @Mutation(() => SessionModel, { description: 'Exchanges a refresh token for a new bearer token and a new refresh token (the old one is spent; reusing it revokes the session).' })
  async refreshSession(@Args('refreshToken') refreshToken: string): Promise<SessionModel> {
    const s = await this.sessions.refresh(refreshToken);
    return { token: s.token, expiresAt: s.expiresAt, refreshToken: s.refreshToken, refreshExpiresAt: s.refreshExpiresAt, role: s.user.role };
  }

  @Public()
  @Mutation(() => Boolean, { description: 'Signs out: revokes the session the refresh token belongs to.' })
  async logout(@Args('refreshToken') refreshToken: string): Promise<boolean> {
    await this.sessions.revoke(refreshToken);
    return true;
  }

  @RequirePermission('users:manage')
  @Query(() => [ApiKeyModel], { description: 'Every API key with its prefix, role, scopes, last use and revocation (never the key itself).' })
  apiKeys(): Promise<ApiKeyModel[]> {
    return this.auth.listApiKeys() as Promise<ApiKeyModel[]>;
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
    @Args('scopes', { type: () => [String], nullable: true, description: 'Restrict the key to these permissions (each must belong to the role); omit for everything the role has.' }) scopes?: string[] | null,
  ): Promise<CreatedApiKeyModel> {
    const { key, entity } = await this.auth.createApiKey(name, role, principal.kind === 'user' ? principal.id : null, principal.label, scopes ?? null);
    return { key, apiKey: entity as ApiKeyModel };
  }

  @RequirePermission('users:manage')
  @Mutation(() => Boolean)
  async revokeApiKey(@Args('prefix') prefix: string, @CurrentPrincipal() principal: Principal): Promise<boolean> {
    await this.auth.revokeApiKey(prefix, principal.label);
    return true;
  }
}
