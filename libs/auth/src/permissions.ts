import { AuthError } from './auth.errors.js';

export const ROLES = ['admin', 'ml_engineer', 'analyst', 'app'] as const;
export type Role = (typeof ROLES)[number];

/** Every permission a resolver can require. `public` needs no credentials at all. */
export const PERMISSIONS = [
  'public',
  'candidates:read',
  'pii:read',
  'interactions:read',
  'interactions:write',
  'imports:read',
  'imports:write',
  'simulate:run',
  'users:manage',
  'self:read',
  'models:read',
  'models:write',
  'models:promote',
  'evaluations:read',
  'evaluations:run',
  'training:run',
  'recommend:read',
  'features:read',
  'features:write',
  'features:online',
  'webhooks:read',
  'webhooks:manage',
  'alerts',
  'alerts:read',
  'candidates:delete',
  'candidates:export',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL: Permission[] = ['candidates:read', 'interactions:read', 'imports:read', 'self:read', 'models:read', 'evaluations:read', 'alerts:read'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  ml_engineer: new Set([...READ_ALL, 'interactions:write', 'imports:write', 'simulate:run', 'models:write', 'models:promote', 'evaluations:run', 'training:run', 'recommend:read', 'webhooks:read', 'features:read', 'features:write', 'features:online']),
  analyst: new Set([...READ_ALL, 'recommend:read', 'features:read']),
  app: new Set(['interactions:write', 'self:read', 'recommend:read', 'features:online', 'alerts']),
};

export function roleHas(role: Role, permission: Permission): boolean {
  return permission === 'public' || ROLE_PERMISSIONS[role].has(permission);
}

/**
 * Checks an API key's optional scopes: each must be a known permission that the key's role has ('public' needs none).
 * Returns the de-duplicated, sorted list, or null for "everything the role has".
 */
export function validateScopes(role: Role, scopes: readonly string[] | null | undefined): Permission[] | null {
  if (scopes === null || scopes === undefined) return null;
  if (scopes.length === 0) throw new AuthError('INVALID_INPUT', 'scopes must name at least one permission (omit them for everything the role has)');
  const known = new Set<string>(PERMISSIONS);
  for (const s of scopes) {
    if (!known.has(s) || s === 'public') throw new AuthError('INVALID_INPUT', `unknown scope "${String(s).slice(0, 80)}"`);
    if (!roleHas(role, s as Permission)) throw new AuthError('INVALID_INPUT', `scope ${s} is not granted to role ${role}`);
  }
  return [...new Set(scopes as Permission[])].sort();
}

/** A principal may use a permission when its role has it and, for a scoped API key, the key's scopes name it. */
export function principalHas(principal: { role: Role; scopes?: readonly string[] }, permission: Permission): boolean {
  if (permission === 'public') return true;
  return roleHas(principal.role, permission) && (principal.scopes === undefined || principal.scopes.includes(permission));
}
