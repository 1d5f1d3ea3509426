import type { Role } from '../api/types.js';

/**
 * The signed-in session, kept in localStorage (shared by the console's tabs) so a reload stays signed in: the bearer
 * token (AUTH_ACCESS_TOKEN_TTL_SECONDS, 1 h by default) and the single-use refresh token that renews it
 * (AUTH_REFRESH_TOKEN_TTL_SECONDS, 14 days by default).
 */
export interface Session {
  token: string;
  /** ISO instant from the login / refreshSession mutation. */
  expiresAt: string;
  /** Absent in sessions stored by consoles before refresh support: those end with their token. */
  refreshToken?: string;
  refreshExpiresAt?: string;
  /** Local clock (ms) when the token was received: with expiresAt, the token's lifetime. */
  obtainedAt?: number;
  role: Role;
  email: string;
}

export const SESSION_KEY = 'matchlab.session';

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export class SessionStore {
  constructor(
    private readonly storage: KeyValueStorage,
    readonly now: () => number = Date.now,
  ) {}

  /** The stored session whatever its expiry, or null when there is none or it is unreadable. Re-read on every call (another tab may have renewed it). */
  read(): Session | null {
    const raw = this.storage.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      const s = JSON.parse(raw) as Session;
      return typeof s?.token === 'string' && typeof s.expiresAt === 'string' ? s : null;
    } catch {
      return null;
    }
  }

  /** The stored session when it is signed in: its token is still valid, or its refresh token can renew it. */
  get(): Session | null {
    const s = this.read();
    return s && (this.tokenValid(s) || this.refreshable(s)) ? s : null;
  }

  tokenValid(s: Session): boolean {
    return Date.parse(s.expiresAt) > this.now();
  }

  refreshable(s: Session): s is Session & { refreshToken: string } {
    return typeof s.refreshToken === 'string' && Date.parse(s.refreshExpiresAt ?? '') > this.now();
  }

  /** True when a session is stored but can no longer be used (to tell "expired" from "never signed in"). */
  hasExpired(): boolean {
    return this.storage.getItem(SESSION_KEY) !== null && this.get() === null;
  }

  set(session: Session): void {
    this.storage.setItem(SESSION_KEY, JSON.stringify(session));
  }

  clear(): void {
    this.storage.removeItem(SESSION_KEY);
  }

  /** The stored bearer token while it is valid (no refresh; the SessionKeeper renews it). */
  token(): string | null {
    const s = this.read();
    return s && this.tokenValid(s) ? s.token : null;
  }
}
