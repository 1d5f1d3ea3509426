import { PERMISSION_KEY, PERMISSIONS } from '@app/auth';
import { TypeMetadataStorage } from '@nestjs/graphql';
import type { GraphQLSchema } from 'graphql';

export interface RootFieldPermission {
  operation: 'Query' | 'Mutation' | 'Subscription';
  field: string;
  /** The declared permission, or undefined when the resolver declares none (the guard refuses such a field). */
  permission?: string;
  resolver?: string;
}

type ResolverMeta = ReturnType<typeof TypeMetadataStorage.getQueriesMetadata>[number];

/**
 * Every root field of the built schema with the permission its resolver method (or class) declares through
 * @RequirePermission / @Public, read from the same metadata the PermissionGuard reads.
 */
export function rootFieldPermissions(schema: GraphQLSchema): RootFieldPermission[] {
  const metadata: Record<RootFieldPermission['operation'], ResolverMeta[]> = {
    Query: TypeMetadataStorage.getQueriesMetadata(),
    Mutation: TypeMetadataStorage.getMutationsMetadata(),
    Subscription: TypeMetadataStorage.getSubscriptionsMetadata(),
  };
  const roots = { Query: schema.getQueryType(), Mutation: schema.getMutationType(), Subscription: schema.getSubscriptionType() };
  const out: RootFieldPermission[] = [];
  for (const operation of ['Query', 'Mutation', 'Subscription'] as const) {
    for (const field of Object.keys(roots[operation]?.getFields() ?? {})) {
      const resolvers = metadata[operation].filter((m) => m.schemaName === field);
      if (resolvers.length === 0) {
        out.push({ operation, field });
        continue;
      }
      for (const r of resolvers) {
        const handler = (r.target as { prototype: Record<string, unknown> }).prototype[r.methodName] as object;
        const permission = (Reflect.getMetadata(PERMISSION_KEY, handler) ?? Reflect.getMetadata(PERMISSION_KEY, r.target)) as string | undefined;
        out.push({ operation, field, permission, resolver: `${r.target.name}.${r.methodName}` });
      }
    }
  }
  return out;
}

/** Fields without a declared permission, and declared permissions that are not in PERMISSIONS. */
export function permissionProblems(fields: RootFieldPermission[]): string[] {
  const known = new Set<string>(PERMISSIONS);
  return fields.flatMap((f) => {
    const name = `${f.operation}.${f.field}${f.resolver ? ` (${f.resolver})` : ''}`;
    if (!f.permission) return [`${name} declares no permission`];
    if (!known.has(f.permission)) return [`${name} requires unknown permission "${f.permission}"`];
    return [];
  });
}
