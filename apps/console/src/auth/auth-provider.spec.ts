import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/api-error.js';
import type { GraphqlRequest, Variables } from '../api/graphql-client.js';
import { createAuthProvider } from './auth-provider.js';
import { SESSION_KEY, SessionStore } from './session.js';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-26T12:00:00Z');

function setup(handler: (query: string, variables: Variables) => unknown) {
  const storage = new MemoryStorage();
  let now = T0;
  const sessions = new SessionStore(storage, () => now);
  const sent: string[] = [];
  const request: GraphqlRequest = async <T>(query: string, variables: Variables = {}) => {
    sent.push(query);
    return handler(query, variables) as T;
  };
  return { storage, sessions, sent, auth: createAuthProvider(request, sessions), advance: (ms: number) => (now += ms) };
}

const loginOk = (query: string, v: Variables) => {
  if (query.includes('login(')) {
    if (v['password'] !== 'pw') throw new ApiError('Wrong email or password.', 401, 'UNAUTHENTICATED');
    return { login: { token: 'tok', expiresAt: new Date(T0 + HOUR).toISOString(), role: 'analyst' } };
  }
  if (query.includes('me {')) return { me: { id: '1', kind: 'user', label: 'ana@example.com', role: 'analyst' } };
  throw new Error(`unexpected ${query}`);
};

describe('auth provider', () => {
  it('signs in with email and password, keeps the token until it expires, and signs out', async () => {
    const { auth, sessions, storage, advance } = setup(loginOk);
    await expect(auth.checkAuth({})).rejects.toEqual({ message: false });
    await auth.login({ username: ' ana@example.com ', password: 'pw' });
    expect(sessions.token()).toBe('tok');
    expect(JSON.parse(storage.getItem(SESSION_KEY)!)).toMatchObject({ email: 'ana@example.com', role: 'analyst' });
    await expect(auth.checkAuth({})).resolves.toBeUndefined();

    advance(HOUR + 1);
    await expect(auth.checkAuth({})).rejects.toThrow('Your session has expired. Please sign in again.');
    expect(storage.getItem(SESSION_KEY)).toBeNull();

    advance(-HOUR);
    await auth.login({ email: 'ana@example.com', password: 'pw' });
    await auth.logout({});
    expect(sessions.token()).toBeNull();
  });

  it('surfaces a failed sign-in and stores nothing', async () => {
    const { auth, storage } = setup(loginOk);
    await expect(auth.login({ email: 'ana@example.com', password: 'nope' })).rejects.toThrow('Wrong email or password.');
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  it('signs out on UNAUTHENTICATED errors but not on FORBIDDEN ones', async () => {
    const { auth, sessions } = setup(loginOk);
    await auth.login({ email: 'a', password: 'pw' });
    await expect(auth.checkError(new ApiError('no', 403, 'FORBIDDEN'))).resolves.toBeUndefined();
    expect(sessions.token()).toBe('tok');
    await expect(auth.checkError(new ApiError('Your session has ended. Please sign in again.', 401, 'UNAUTHENTICATED'))).rejects.toThrow('Your session has ended');
    expect(sessions.token()).toBeNull();
  });

  it('takes permissions and identity from `me`, asking once per sign-in', async () => {
    const { auth, sent } = setup(loginOk);
    await expect(auth.getPermissions!({})).resolves.toBeNull();
    await auth.login({ email: 'ana@example.com', password: 'pw' });
    await expect(auth.getPermissions!({})).resolves.toBe('analyst');
    await expect(auth.getIdentity!()).resolves.toEqual({ id: '1', fullName: 'ana@example.com (analyst)' });
    expect(sent.filter((q) => q.includes('me {'))).toHaveLength(1);
  });
});
