export { AuthModule, AuthCoreModule, authResolvers } from './auth.module.js';
export { AuthService } from './auth.service.js';
export { AuthError, type AuthErrorCode } from './auth.errors.js';
export { RequirePermission, Public, PERMISSION_KEY } from './require-permission.decorator.js';
export { CurrentPrincipal } from './current-principal.decorator.js';
export { ROLES, PERMISSIONS, ROLE_PERMISSIONS, roleHas, principalHas, validateScopes, type Role, type Permission } from './permissions.js';
export { SessionService, type ConsoleSession } from './sessions.service.js';
export type { Principal } from './principal.js';
export { hashPassword, verifyPassword, sha256Hex } from './passwords.js';
