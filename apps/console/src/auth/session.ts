import type { Role } from '../api/types.js';

/** The signed-in session, kept in localStorage so a reload stays signed in until the token expires. */
export interface Session {
  token: string;
  /** ISO instant from the login mutation. */
  expiresAt: string;
  role: Role;
  email: string;
}

export const SESSION_KEY = 'matchlab.session';

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export class SessionStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored session, or null when there is none, it is unreadable, or it has expired. */
  get(): Session | null {
    const raw = this.storage.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      const s = JSON.parse(raw) as Session;
      if (typeof s.token !== 'string' || !(Date.parse(s.expiresAt) > this.now())) return null;
      return s;
    } catch {
      return null;
    }
  }

  /** True when a session is stored but has run out (to tell "expired" from "never signed in"). */
  hasExpired(): boolean {
    return this.storage.getItem(SESSION_KEY) !== null && this.get() === null;
  }

  set(session: Session): void {
    this.storage.setItem(SESSION_KEY, JSON.stringify(session));
  }

  clear(): void {
    this.storage.removeItem(SESSION_KEY);
  }

  token(): string | null {
    return this.get()?.token ?? null;
  }
}
