import { principalHas, type Principal } from '@app/auth';

/** Masks personal data for callers without pii:read: keeps the shape, hides the content. */
export function maskPii<T extends string | null>(value: T, principal: Principal | undefined): T {
  if (value === null || (principal && principalHas(principal, 'pii:read'))) return value;
  return '•••' as T;
}
