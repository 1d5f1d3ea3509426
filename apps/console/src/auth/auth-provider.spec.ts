import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/api-error.js';
import { createGraphqlClient } from '../api/graphql-client.js';
import { createAuthProvider } from './auth-provider.js';
import { fakeAuthApi, MemoryStorage } from './fake-auth-api.js';
import { REFRESH_SESSION } from './queries.js';
import { SESSION_KEY, SessionStore } from './session.js';
import { SessionKeeper } from './session-keeper.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The console's wiring (App.tsx) on a fake API and clock. */
function setup(opts: { refreshTtlMs?: number } = {}) {
  const api = fakeAuthApi(opts);
  const storage = new MemoryStorage();
  const sessions = new SessionStore(storage, () => api.clock.now);
  const keeper = new SessionKeeper(sessions, createGraphqlClient({ getToken: () => null, fetch: api.fetch }));
  const request = createGraphqlClient({ getToken: () => keeper.token(), renewToken: (t) => keeper.tokenAfterRejection(t), fetch: api.fetch });
  const ops = () => api.calls.map((c) => c.op);
  return { api, storage, sessions, ops, auth: createAuthProvider(request, keeper), advance: (ms: number) => (api.clock.now += ms) };
}

describe('auth provider', () => {
  it('signs in with email and password, keeps the token and the refresh token, and signs out', async () => {
    const { auth, sessions, storage } = setup();
    await expect(auth.checkAuth({})).rejects.toEqual({ message: false });
    await auth.login({ username: ' ana@example.com ', password: 'pw' });
    expect(sessions.token()).toBe('tok-1');
    expect(JSON.parse(storage.getItem(SESSION_KEY)!)).toMatchObject({ email: 'ana@example.com', role: 'analyst', refreshToken: 'mlr_1_secret', refreshExpiresAt: expect.any(String) });
    await expect(auth.checkAuth({})).resolves.toBeUndefined();
  });

  it('counts a session whose token expired but whose refresh token is valid as signed in, and renews it', async () => {
    const { auth, sessions, advance, ops } = setup();
    await auth.login({ email: 'ana@example.com', password: 'pw' });
    advance(HOUR + 1);
    await expect(auth.checkAuth({})).resolves.toBeUndefined();
    expect(ops()).toEqual(['ConsoleLogin', 'ConsoleRefreshSession']);
    expect(sessions.token()).toBe('tok-2');
    await expect(auth.getPermissions!({})).resolves.toBe('analyst');
  });

  it('signs out with "session has expired" once the refresh token has expired too', async () => {
    const { auth, storage, advance, ops } = setup({ refreshTtlMs: DAY });
    await auth.login({ email: 'ana@example.com', password: 'pw' });
    advance(DAY + 1);
    await expect(auth.checkAuth({})).rejects.toThrow('Your session has expired. Please sign in again.');
    expect(storage.getItem(SESSION_KEY)).toBeNull();
    expect(ops()).toEqual(['ConsoleLogin']); // nothing to ask the API
  });

  it('signs out with "session has expired" when the API refuses the refresh (revoked login)', async () => {
    const { auth, api, storage, advance } = setup();
    await auth.login({ email: 'ana@example.com', password: 'pw' });
    const stolen = JSON.parse(storage.getItem(SESSION_KEY)!) as { refreshToken: string };
    // Someone else spends the refresh token first: the console's own refresh is then a reuse and the login is revoked.
    await createGraphqlClient({ getToken: () => null, fetch: api.fetch })(REFRESH_SESSION, { refreshToken: stolen.refreshToken });
    advance(HOUR + 1);
    await expect(auth.checkAuth({})).rejects.toThrow('Your session has expired. Please sign in again.');
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  it('a data request whose refresh fails ends in checkError signing out with the expiry message', async () => {
    const { auth, storage, advance } = setup();
    await auth.login({ email: 'ana@example.com', password: 'pw' });
    const s = JSON.parse(storage.getItem(SESSION_KEY)!) as Record<string, string>;
    storage.setItem(SESSION_KEY, JSON.stringify({ ...s, refreshToken: 'mlr_999_forged' }));
    advance(HOUR + 1);
    const err = await auth.getIdentity!().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect([(err as ApiError).status, (err as ApiError).message]).toEqual([401, 'Your session has expired. Please sign in again.']);
    await expect(auth.checkError(err)).rejects.toThrow('Your session has expired. Please sign in again.');
    expect(storage.getItem(SESSION_KEY)).toBeNull();
    // The sign-in page shows it once (react-admin does not: checkAuth already fails when it would).
    expect(auth.takeSignOutNotice()).toBe('Your session has expired. Please sign in again.');
    expect(auth.takeSignOutNotice()).toBeNull();
  });

  it('stays signed in when the API is unreachable during a renewal', async () => {
    const { auth, api, sessions, advance } = setup();
    await auth.login({ email: 'ana@example.com', password: 'pw' });
    api.failNetwork.refresh = true;
    advance(HOUR + 1);
    await expect(auth.checkAuth({})).resolves.toBeUndefined();
    expect(sessions.get()).not.toBeNull();
    api.failNetwork.refresh = false;
    await expect(auth.checkAuth({})).resolves.toBeUndefined();
    expect(sessions.token()).toBe('tok-2');
  });

  it('logout revokes the refresh token and clears the session, and still signs out when the API is down', async () => {
    const { auth, api, sessions, ops } = setup();
    await auth.login({ email: 'ana@example.com', password: 'pw' });
    await auth.logout({});
    expect(sessions.read()).toBeNull();
    expect(api.revoked).toEqual(new Set(['mlr_1_secret']));
    expect(ops()).toEqual(['ConsoleLogin', 'ConsoleLogout']);
    // The revoked refresh token cannot renew anything any more.
    await expect(createGraphqlClient({ getToken: () => null, fetch: api.fetch })(REFRESH_SESSION, { refreshToken: 'mlr_1_secret' })).rejects.toMatchObject({ status: 401 });

    const down = setup();
    await down.auth.login({ email: 'ana@example.com', password: 'pw' });
    down.api.failNetwork.all = true;
    await expect(down.auth.logout({})).resolves.toBeUndefined();
    expect(down.sessions.read()).toBeNull();
  });

  it('surfaces a failed sign-in and stores nothing', async () => {
    const { auth, storage } = setup();
    await expect(auth.login({ email: 'ana@example.com', password: 'nope' })).rejects.toThrow('Wrong email or password.');
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  it('signs out on UNAUTHENTICATED errors but not on FORBIDDEN ones', async () => {
    const { auth, sessions, api } = setup();
    await auth.login({ email: 'a', password: 'pw' });
    await expect(auth.checkError(new ApiError('no', 403, 'FORBIDDEN'))).resolves.toBeUndefined();
    expect(sessions.token()).toBe('tok-1');
    await expect(auth.checkError(new ApiError('Your session has ended. Please sign in again.', 401, 'UNAUTHENTICATED'))).rejects.toThrow('Your session has ended');
    expect(sessions.token()).toBeNull();
    expect(api.revoked.size).toBe(1);
  });

  it('takes permissions and identity from `me`, asking once per sign-in', async () => {
    const { auth, ops } = setup();
    await expect(auth.getPermissions!({})).resolves.toBeNull();
    await auth.login({ email: 'ana@example.com', password: 'pw' });
    await expect(auth.getPermissions!({})).resolves.toBe('analyst');
    await expect(auth.getIdentity!()).resolves.toEqual({ id: '1', fullName: 'ana@example.com (analyst)' });
    expect(ops().filter((op) => op === 'ConsoleMe')).toHaveLength(1);
  });
});
