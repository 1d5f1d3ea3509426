import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AuthError } from './auth.errors.js';
import { AuthService } from './auth.service.js';
import { principalHas, type Permission } from './permissions.js';
import type { Principal } from './principal.js';
import { PERMISSION_KEY } from './require-permission.decorator.js';

interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal | null;
}

/**
 * Global guard for GraphQL: fails closed. A field with no declared permission is refused; anonymous
 * callers get UNAUTHENTICATED, signed-in callers lacking the permission get FORBIDDEN.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector, @Inject(AuthService) private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true; // HTTP routes (health, metrics, console) guard themselves
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, [context.getHandler(), context.getClass()]);
    const field = GqlExecutionContext.create(context).getInfo<{ fieldName: string }>()?.fieldName ?? 'field';
    if (!permission) throw new AuthError('FORBIDDEN', `${field} declares no permission`);
    const req = GqlExecutionContext.create(context).getContext<{ req: AuthedRequest }>().req;
    const principal = await this.principalOf(req);
    if (permission === 'public') return true;
    if (!principal) throw new AuthError('UNAUTHENTICATED', `${field} requires signing in or an API key`);
    if (!principalHas(principal, permission)) {
      throw new AuthError('FORBIDDEN', principal.scopes ? `${field} needs ${permission}; this API key is scoped to ${principal.scopes.join(', ')}` : `${field} needs ${permission}; role ${principal.role} lacks it`);
    }
    return true;
  }

  private async principalOf(req: AuthedRequest): Promise<Principal | undefined> {
    if (req.principal !== undefined) return req.principal ?? undefined;
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const principal = await this.auth.authenticate(header('authorization'), header('x-api-key'));
    req.principal = principal ?? null;
    return principal;
  }
}
