/**
 * Test double of the API's sign-in (libs/auth semantics) behind a fake `fetch`, on a fake clock: login, single-use
 * refresh tokens rotated on each refreshSession (reusing a spent one revokes the whole login), logout, and one
 * protected query (`me`) that refuses expired or revoked tokens. For the console's unit tests only.
 */
export interface FakeAuthApi {
  fetch: typeof fetch;
  clock: { now: number };
  /** Operation names in the order they arrived (`ConsoleRefreshSession`, `ConsoleMe`, …). */
  calls: Array<{ op: string; authorization: string | null }>;
  /** Refresh tokens of revoked logins. */
  revoked: Set<string>;
  /** Fail refreshSession calls, or every call, with a network error. */
  failNetwork: { refresh: boolean; all: boolean };
  /** Resolves the pending refreshSession answers when `holdRefresh` is set. */
  holdRefresh: boolean;
  release(): void;
}

/** localStorage stand-in (shared by two tabs when passed to both). */
export class MemoryStorage {
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

const T0 = Date.parse('2026-11-26T12:00:00Z');

export function fakeAuthApi(opts: { accessTtlMs?: number; refreshTtlMs?: number } = {}): FakeAuthApi {
  const accessTtl = opts.accessTtlMs ?? 3_600_000;
  const refreshTtl = opts.refreshTtlMs ?? 14 * 86_400_000;
  const clock = { now: T0 };
  let serial = 0;
  const access = new Map<string, { expires: number; family: number }>();
  const refresh = new Map<string, { expires: number; family: number; used: boolean }>();
  const revokedFamilies = new Set<number>();
  const held: Array<() => void> = [];

  const issue = (family: number) => {
    serial += 1;
    const token = `tok-${serial}`;
    const refreshToken = `mlr_${serial}_secret`;
    access.set(token, { expires: clock.now + accessTtl, family });
    refresh.set(refreshToken, { expires: clock.now + refreshTtl, family, used: false });
    return {
      token,
      expiresAt: new Date(clock.now + accessTtl).toISOString(),
      refreshToken,
      refreshExpiresAt: new Date(clock.now + refreshTtl).toISOString(),
      role: 'analyst',
    };
  };
  const unauthenticated = (message: string, reason?: string) => ({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED', reason } }] });

  const api: FakeAuthApi = {
    clock,
    calls: [],
    revoked: new Set(),
    failNetwork: { refresh: false, all: false },
    holdRefresh: false,
    release: () => held.splice(0).forEach((go) => go()),
    fetch: (async (_url: string, init: RequestInit) => {
      const { query, variables } = JSON.parse(String(init.body)) as { query: string; variables: Record<string, string> };
      const op = /(?:query|mutation) (\w+)/.exec(query)?.[1] ?? '?';
      const authorization = (init.headers as Record<string, string>)['authorization'] ?? null;
      api.calls.push({ op, authorization });
      if (api.failNetwork.all) throw new TypeError('Failed to fetch');
      const answer = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      switch (op) {
        case 'ConsoleLogin':
          if (variables['password'] !== 'pw') return answer(unauthenticated('wrong email or password', 'INVALID_CREDENTIALS'));
          return answer({ data: { login: issue(serial + 1000) } });
        case 'ConsoleRefreshSession': {
          if (api.holdRefresh) await new Promise<void>((go) => held.push(go));
          if (api.failNetwork.refresh) throw new TypeError('Failed to fetch');
          const row = refresh.get(variables['refreshToken']!);
          if (!row || revokedFamilies.has(row.family) || row.expires <= clock.now) return answer(unauthenticated('refresh token expired or revoked; sign in again'));
          if (row.used) {
            revokedFamilies.add(row.family);
            return answer(unauthenticated('refresh token was already used; the session is revoked, sign in again'));
          }
          row.used = true;
          return answer({ data: { refreshSession: issue(row.family) } });
        }
        case 'ConsoleLogout': {
          const row = refresh.get(variables['refreshToken']!);
          if (!row) return answer(unauthenticated('invalid refresh token'));
          revokedFamilies.add(row.family);
          api.revoked.add(variables['refreshToken']!);
          return answer({ data: { logout: true } });
        }
        case 'ConsoleMe': {
          const t = access.get((authorization ?? '').replace(/^Bearer /, ''));
          if (!t || t.expires <= clock.now) return answer(unauthenticated('invalid or expired token'));
          return answer({ data: { me: { id: '1', kind: 'user', label: 'ana@example.com', role: 'analyst' } } });
        }
        default:
          return answer({ errors: [{ message: `unexpected ${op}`, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
      }
    }) as unknown as typeof fetch,
  };
  return api;
}
