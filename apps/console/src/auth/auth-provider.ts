import type { AuthProvider } from 'react-admin';
import { ApiError } from '../api/api-error.js';
import type { GraphqlRequest } from '../api/graphql-client.js';
import type { Principal, Role } from '../api/types.js';
import type { SessionStore } from './session.js';

const LOGIN = `mutation ConsoleLogin($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresAt role }
}`;
const ME = 'query ConsoleMe { me { id kind label role } }';

/**
 * Sign-in with the API's `login` mutation; the bearer token lives in the SessionStore and the GraphQL client
 * sends it. Every console page needs a session (jobs are public in the API, not in the console).
 */
export function createAuthProvider(request: GraphqlRequest, sessions: SessionStore): AuthProvider {
  // `me` is asked once per sign-in; a failed answer is not cached.
  let me: Promise<Principal> | null = null;
  const whoAmI = (): Promise<Principal> => {
    if (!me) {
      const pending = request<{ me: Principal }>(ME).then((r) => r.me);
      pending.catch(() => {
        if (me === pending) me = null;
      });
      me = pending;
    }
    return me;
  };

  return {
    async login(params: { username?: string; email?: string; password: string }) {
      const email = (params.email ?? params.username ?? '').trim();
      const { login } = await request<{ login: { token: string; expiresAt: string; role: Role } }>(LOGIN, { email, password: params.password });
      sessions.set({ ...login, email });
      me = null;
    },

    async logout() {
      sessions.clear();
      me = null;
    },

    async checkAuth() {
      if (sessions.get()) return;
      const expired = sessions.hasExpired();
      sessions.clear();
      // react-admin redirects to the login page and shows the message; `message: false` shows none.
      if (expired) throw new Error('Your session has expired. Please sign in again.');
      return Promise.reject({ message: false });
    },

    async checkError(error: unknown) {
      const status = (error as { status?: number } | null)?.status;
      if (status === 401) {
        sessions.clear();
        me = null;
        throw new Error((error as Error).message || 'Please sign in again.');
      }
      // 403 and everything else: stay signed in, the page shows the error.
    },

    /** The role from `me` (the server's view), falling back to the one the login returned. */
    async getPermissions() {
      const session = sessions.get();
      if (!session) return null;
      try {
        return (await whoAmI()).role;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) throw e;
        return session.role;
      }
    },

    async getIdentity() {
      const session = sessions.get();
      if (!session) throw new Error('Not signed in');
      const principal = await whoAmI();
      return { id: principal.id, fullName: `${principal.label} (${principal.role})` };
    },
  };
}
