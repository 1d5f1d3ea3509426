import { ApiError } from '../api/api-error.js';
import type { GraphqlRequest } from '../api/graphql-client.js';
import type { Role } from '../api/types.js';
import { LOGIN, LOGOUT, REFRESH_SESSION } from './queries.js';
import type { Session, SessionStore } from './session.js';

/** What `login` and `refreshSession` return. */
interface ApiSession {
  token: string;
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  role: Role;
}

/** Runs `fn` while holding a lock shared by the console's tabs (the Web Locks API in the browser). */
export type CrossTabLock = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

export interface SessionKeeperOptions {
  /** Renew a token that expires within this long (capped at half its lifetime). Default 60 s. */
  marginMs?: number;
  /** Serialises refreshes across tabs; without it, tabs still re-read localStorage before refreshing. */
  lock?: CrossTabLock;
}

export const SESSION_EXPIRED_MESSAGE = 'Your session has expired. Please sign in again.';
const LOCK_NAME = 'matchlab.session.refresh';

/** The error a request gets when its session is over and cannot be renewed (react-admin's checkError signs out on it). */
export const sessionExpired = () => new ApiError(SESSION_EXPIRED_MESSAGE, 401, 'SESSION_EXPIRED');

/**
 * Keeps the console signed in: hands out a bearer token, renewing it with `refreshSession` shortly before it expires
 * (or after the API refused it), and signs in and out. The refresh token is single use and presenting a spent one
 * revokes the whole login, so renewals are single-flight within a tab, serialised across tabs by `lock` when given,
 * and always start from the session as stored now (another tab may already have rotated it).
 */
export class SessionKeeper {
  private readonly marginMs: number;
  private readonly lock: CrossTabLock;
  private inflight: Promise<Session> | null = null;

  /** `publicRequest` sends no Authorization header (login, refreshSession and logout are public). */
  constructor(
    readonly sessions: SessionStore,
    private readonly publicRequest: GraphqlRequest,
    opts: SessionKeeperOptions = {},
  ) {
    this.marginMs = opts.marginMs ?? 60_000;
    this.lock = opts.lock ?? ((_name, fn) => fn());
  }

  async login(email: string, password: string): Promise<Session> {
    const { login } = await this.publicRequest<{ login: ApiSession }>(LOGIN, { email, password });
    const session = this.toSession(login, email);
    this.sessions.set(session);
    return session;
  }

  /** Revokes the refresh token (best effort: the session is cleared here whatever the API answers). */
  async logout(): Promise<void> {
    await this.inflight?.catch(() => undefined);
    const s = this.sessions.read();
    this.sessions.clear();
    if (s?.refreshToken) await this.revoke(s.refreshToken);
  }

  /**
   * The bearer token to send: the stored one, renewed first when it expires within the margin. Null when not signed
   * in; rejects with SESSION_EXPIRED when the session is over (it is then cleared).
   */
  async token(): Promise<string | null> {
    const s = this.sessions.read();
    if (!s) return null;
    if (!this.expiresSoon(s)) return s.token;
    if (!this.sessions.refreshable(s)) {
      if (this.sessions.tokenValid(s)) return s.token;
      this.clearIfStill(s);
      throw sessionExpired();
    }
    try {
      return (await this.renew(s.token)).token;
    } catch (e) {
      // The API could not be reached: a token that is still valid is better than none.
      if (!(e instanceof ApiError && e.status === 401) && this.sessions.tokenValid(s)) return s.token;
      throw e;
    }
  }

  /**
   * After the API refused `staleToken` (401): the token to retry with, or null when there is no session to renew.
   * Rejects with SESSION_EXPIRED when the renewal is refused.
   */
  async tokenAfterRejection(staleToken: string): Promise<string | null> {
    const s = this.sessions.read();
    if (!s) return null;
    if (s.token !== staleToken && this.sessions.tokenValid(s)) return s.token; // renewed meanwhile
    if (!this.sessions.refreshable(s)) return null;
    return (await this.renew(staleToken)).token;
  }

  /** True when the token is expired or expires within the margin (at most half its lifetime, for short-lived tokens). */
  expiresSoon(s: Session): boolean {
    const expires = Date.parse(s.expiresAt);
    const lifetime = s.obtainedAt !== undefined ? expires - s.obtainedAt : Infinity;
    return !(expires - this.sessions.now() > Math.min(this.marginMs, lifetime / 2));
  }

  /** One renewal at a time in this tab: concurrent callers share it. */
  private renew(staleToken: string): Promise<Session> {
    if (!this.inflight) {
      const flight = this.lock(LOCK_NAME, () => this.renewNow(staleToken)).finally(() => {
        if (this.inflight === flight) this.inflight = null;
      });
      this.inflight = flight;
    }
    return this.inflight;
  }

  private async renewNow(staleToken: string): Promise<Session> {
    // Read again under the lock: another tab (or an earlier renewal here) may have rotated the session already.
    const current = this.sessions.read();
    if (!current) throw sessionExpired();
    if (current.token !== staleToken && !this.expiresSoon(current)) return current;
    if (!this.sessions.refreshable(current)) {
      this.clearIfStill(current);
      throw sessionExpired();
    }
    let renewed: ApiSession;
    try {
      renewed = (await this.publicRequest<{ refreshSession: ApiSession }>(REFRESH_SESSION, { refreshToken: current.refreshToken })).refreshSession;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e; // network or server trouble: keep the session
      // Spent, revoked or expired. A tab without the lock may have rotated it meanwhile: use its session if so.
      const now = this.sessions.read();
      if (now && now.refreshToken !== current.refreshToken && !this.expiresSoon(now)) return now;
      this.clearIfStill(current);
      throw sessionExpired();
    }
    const next = this.toSession(renewed, current.email);
    if (this.sessions.read()?.refreshToken !== current.refreshToken) {
      // Signed out (or in again) while the renewal was under way: do not resurrect the old login.
      await this.revoke(renewed.refreshToken);
      throw sessionExpired();
    }
    this.sessions.set(next);
    return next;
  }

  private toSession(s: ApiSession, email: string): Session {
    return { token: s.token, expiresAt: s.expiresAt, refreshToken: s.refreshToken, refreshExpiresAt: s.refreshExpiresAt, role: s.role, email, obtainedAt: this.sessions.now() };
  }

  /** Clears the stored session unless another tab has replaced it meanwhile. */
  private clearIfStill(s: Session): void {
    if (this.sessions.read()?.token === s.token) this.sessions.clear();
  }

  private async revoke(refreshToken: string): Promise<void> {
    try {
      await this.publicRequest(LOGOUT, { refreshToken });
    } catch {
      // Best effort: the session is gone from the console either way, and the refresh token expires on its own.
    }
  }
}
