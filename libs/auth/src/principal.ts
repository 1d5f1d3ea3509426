import type { Role } from './permissions.js';

/** Who is calling: a signed-in user or an API key. Attached to the request by the guard. */
export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  role: Role;
  label: string;
  /** API keys only: the permissions the key is restricted to (absent: everything its role has). */
  scopes?: readonly string[];
}
