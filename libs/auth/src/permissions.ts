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
