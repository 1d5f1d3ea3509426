import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/api-error.js';
import { createGraphqlClient } from '../api/graphql-client.js';
import { fakeAuthApi, MemoryStorage, type FakeAuthApi } from './fake-auth-api.js';
import { ME } from './queries.js';
import { SESSION_KEY, SessionStore } from './session.js';
import { SessionKeeper, type CrossTabLock } from './session-keeper.js';

const HOUR = 3_600_000;

/** One console tab: its own keeper and client on a (possibly shared) localStorage. */
function tab(api: FakeAuthApi, storage: MemoryStorage, lock?: CrossTabLock) {
  const sessions = new SessionStore(storage, () => api.clock.now);
  const keeper = new SessionKeeper(sessions, createGraphqlClient({ getToken: () => null, fetch: api.fetch }), { lock });
  const request = createGraphqlClient({ getToken: () => keeper.token(), renewToken: (t) => keeper.tokenAfterRejection(t), fetch: api.fetch });
  const me = () => request<{ me: { id: string } }>(ME).then((r) => r.me.id);
  return { sessions, keeper, request, me };
}

async function signedIn(opts: { accessTtlMs?: number } = {}) {
  const api = fakeAuthApi(opts);
  const storage = new MemoryStorage();
  const t = tab(api, storage);
  await t.keeper.login('ana@example.com', 'pw');
  const ops = () => api.calls.map((c) => c.op);
  const bearer = () => api.calls.map((c) => c.authorization);
  return { api, storage, ...t, ops, bearer, advance: (ms: number) => (api.clock.now += ms) };
}

/** A lock shared by tabs in one process, like navigator.locks. */
function sharedLock(): CrossTabLock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(_name: string, fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

describe('session keeper', () => {
  it('uses the token as is until it expires within 60 s, then refreshes before sending the request', async () => {
    const { me, ops, bearer, advance, sessions } = await signedIn();
    await me();
    advance(HOUR - 61_000);
    await me();
    expect(ops()).toEqual(['ConsoleLogin', 'ConsoleMe', 'ConsoleMe']);
    advance(2_000); // 59 s left
    await me();
    expect(ops()).toEqual(['ConsoleLogin', 'ConsoleMe', 'ConsoleMe', 'ConsoleRefreshSession', 'ConsoleMe']);
    expect(bearer().at(-1)).toBe('Bearer tok-2');
    expect(sessions.read()).toMatchObject({ token: 'tok-2', refreshToken: 'mlr_2_secret' });
    // Rotated: the next renewal presents the new refresh token, an hour later.
    advance(HOUR);
    await me();
    expect(bearer().at(-1)).toBe('Bearer tok-3');
    expect(ops().filter((o) => o === 'ConsoleRefreshSession')).toHaveLength(2);
  });

  it('keeps the margin below half the lifetime of a short-lived token (AUTH_ACCESS_TOKEN_TTL_SECONDS=30)', async () => {
    const { me, ops, advance } = await signedIn({ accessTtlMs: 30_000 });
    await me();
    advance(14_000);
    await me();
    expect(ops()).toEqual(['ConsoleLogin', 'ConsoleMe', 'ConsoleMe']);
    advance(2_000); // 14 s left of 30
    await me();
    expect(ops()).toEqual(['ConsoleLogin', 'ConsoleMe', 'ConsoleMe', 'ConsoleRefreshSession', 'ConsoleMe']);
  });

  it('sends one refresh for 20 concurrent requests, all of them with the new token', async () => {
    const { api, me, ops, bearer, advance } = await signedIn();
    advance(HOUR + 5_000);
    api.holdRefresh = true;
    const all = Promise.all(Array.from({ length: 20 }, () => me()));
    await new Promise((r) => setTimeout(r, 10));
    api.release();
    await expect(all).resolves.toHaveLength(20);
    expect(ops().filter((o) => o === 'ConsoleRefreshSession')).toHaveLength(1);
    expect(ops().filter((o) => o === 'ConsoleMe')).toHaveLength(20);
    expect(new Set(bearer().slice(2))).toEqual(new Set(['Bearer tok-2']));
  });

  it('on a 401 refreshes once and retries the request once', async () => {
    const { me, ops, bearer, storage } = await signedIn();
    // The API no longer accepts the stored token (e.g. AUTH_SECRET rotated) while the refresh token is fine.
    const s = JSON.parse(storage.getItem(SESSION_KEY)!) as Record<string, unknown>;
    storage.setItem(SESSION_KEY, JSON.stringify({ ...s, token: 'rejected' }));
    await expect(me()).resolves.toBe('1');
    expect(ops()).toEqual(['ConsoleLogin', 'ConsoleMe', 'ConsoleRefreshSession', 'ConsoleMe']);
    expect(bearer().slice(1)).toEqual(['Bearer rejected', null, 'Bearer tok-2']);
  });

  it('retries only once: a second 401 goes to the caller', async () => {
    const api = fakeAuthApi();
    const storage = new MemoryStorage();
    const { keeper, sessions } = tab(api, storage);
    await keeper.login('ana@example.com', 'pw');
    let renewals = 0;
    const request = createGraphqlClient({
      getToken: () => 'always-rejected',
      renewToken: async () => (renewals++, 'also-rejected'),
      fetch: api.fetch,
    });
    const err = await request(ME).catch((e: unknown) => e);
    expect([(err as ApiError).status, (err as ApiError).code, renewals]).toEqual([401, 'UNAUTHENTICATED', 1]);
    expect(api.calls.map((c) => c.authorization).slice(1)).toEqual(['Bearer always-rejected', 'Bearer also-rejected']);
    expect(sessions.read()).not.toBeNull();
  });

  it('a refused refresh ends the session with "session has expired"', async () => {
    const { me, storage, advance, api } = await signedIn();
    const s = JSON.parse(storage.getItem(SESSION_KEY)!) as Record<string, unknown>;
    storage.setItem(SESSION_KEY, JSON.stringify({ ...s, refreshToken: 'mlr_77_unknown' }));
    advance(HOUR);
    const err = await me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect([(err as ApiError).status, (err as ApiError).message]).toEqual([401, 'Your session has expired. Please sign in again.']);
    expect(storage.getItem(SESSION_KEY)).toBeNull();
    expect(api.calls.map((c) => c.op).at(-1)).toBe('ConsoleRefreshSession');
  });

  it('a network failure during the refresh keeps the session and the still-valid token', async () => {
    const { me, api, advance, sessions } = await signedIn();
    advance(HOUR - 30_000);
    api.failNetwork.refresh = true;
    await expect(me()).resolves.toBe('1');
    expect(sessions.read()?.token).toBe('tok-1');
    advance(60_000);
    await expect(me()).rejects.toMatchObject({ status: 503, code: 'NETWORK_ERROR' });
    expect(sessions.read()?.token).toBe('tok-1');
    api.failNetwork.refresh = false;
    await expect(me()).resolves.toBe('1');
    expect(sessions.read()?.token).toBe('tok-2');
  });

  it('two tabs: the second re-reads the session the first rotated instead of reusing the spent refresh token', async () => {
    const { api, storage, advance, ops } = await signedIn();
    const lock = sharedLock();
    const a = tab(api, storage, lock);
    const b = tab(api, storage, lock);
    advance(HOUR + 1);
    api.holdRefresh = true;
    const both = Promise.all([a.me(), b.me()]);
    await new Promise((r) => setTimeout(r, 10));
    api.holdRefresh = false;
    api.release();
    await expect(both).resolves.toEqual(['1', '1']);
    expect(ops().filter((o) => o === 'ConsoleRefreshSession')).toHaveLength(1);
    // Sequentially, without a lock: tab b finds tab a's renewed session in storage.
    advance(HOUR + 1);
    const c = tab(api, storage);
    const d = tab(api, storage);
    await c.me();
    await d.me();
    expect(ops().filter((o) => o === 'ConsoleRefreshSession')).toHaveLength(2);
    expect(api.revoked.size).toBe(0);
  });

  it('logout waits for a renewal under way and revokes the newest refresh token', async () => {
    const { api, keeper, me, advance, sessions } = await signedIn();
    advance(HOUR + 1);
    api.holdRefresh = true;
    const pending = me();
    await new Promise((r) => setTimeout(r, 10));
    const out = keeper.logout();
    api.release();
    await pending;
    await out;
    expect(sessions.read()).toBeNull();
    expect(api.revoked).toEqual(new Set(['mlr_2_secret']));
  });
});
