import type { AuthProvider } from 'react-admin';
import { ApiError } from '../api/api-error.js';
import type { GraphqlRequest } from '../api/graphql-client.js';
import type { Principal } from '../api/types.js';
import { ME } from './queries.js';
import { SESSION_EXPIRED_MESSAGE, type SessionKeeper } from './session-keeper.js';

/**
 * Sign-in with the API's `login` mutation; the SessionKeeper stores the session, renews its bearer token with
 * `refreshSession` and revokes it with `logout`; the GraphQL client sends the token. Every console page needs a
 * session (jobs are public in the API, not in the console).
 */
/** The provider plus the notice the sign-in page shows after a sign-out caused by a refused request. */
export type ConsoleAuthProvider = AuthProvider & { takeSignOutNotice(): string | null };

export function createAuthProvider(request: GraphqlRequest, keeper: SessionKeeper): ConsoleAuthProvider {
  const sessions = keeper.sessions;
  // react-admin shows checkError's message only while checkAuth still passes, and checkError has signed out by then:
  // the sign-in page shows it instead (LoginPage).
  let notice: string | null = null;
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
      await keeper.login(email, params.password);
      me = null;
      notice = null;
    },

    /** Revokes the refresh token (best effort) and clears the session. */
    async logout() {
      me = null;
      await keeper.logout();
    },

    /** Signed in while the token is valid, or expired but renewable (it is renewed here). */
    async checkAuth() {
      const stored = sessions.read();
      if (stored && sessions.tokenValid(stored)) return;
      if (stored) {
        try {
          if (await keeper.token()) return;
        } catch (e) {
          // The API is unreachable: stay signed in, the page shows the error.
          if (!(e instanceof ApiError && e.status === 401) && sessions.get()) return;
        }
      }
      const expired = stored !== null || sessions.hasExpired();
      sessions.clear();
      // react-admin redirects to the login page and shows the message; `message: false` shows none.
      if (expired) throw new Error(SESSION_EXPIRED_MESSAGE);
      return Promise.reject({ message: false });
    },

    /** The client has already renewed and retried once: a 401 here means the session is over. */
    async checkError(error: unknown) {
      const status = (error as { status?: number } | null)?.status;
      if (status === 401) {
        me = null;
        const message = (error as Error).message || 'Please sign in again.';
        notice = message;
        await keeper.logout();
        throw new Error(message);
      }
      // 403 and everything else: stay signed in, the page shows the error.
    },

    takeSignOutNotice() {
      const n = notice;
      notice = null;
      return n;
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
