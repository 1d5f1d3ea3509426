import { describe, expect, it } from '@jest/globals';
import { ApiError } from './api-error.js';
import { createGraphqlClient } from './graphql-client.js';

type Call = { url: string; init: RequestInit };

function fakeFetch(status: number, body: unknown, calls: Call[] = []): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the request to fail');
}

describe('GraphQL client', () => {
  it('posts the query with the bearer token and resolves with data', async () => {
    const calls: Call[] = [];
    const request = createGraphqlClient({ getToken: () => 'tok-1', fetch: fakeFetch(200, { data: { jobs: { totalCount: 3 } } }, calls) });
    await expect(request('{ jobs { totalCount } }', { a: 1 })).resolves.toEqual({ jobs: { totalCount: 3 } });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/graphql');
    expect((calls[0]!.init.headers as Record<string, string>)['authorization']).toBe('Bearer tok-1');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ query: '{ jobs { totalCount } }', variables: { a: 1 } });
  });

  it('sends no Authorization header without a session', async () => {
    const calls: Call[] = [];
    const request = createGraphqlClient({ getToken: () => null, fetch: fakeFetch(200, { data: { ok: true } }, calls) });
    await request('{ ok }');
    expect((calls[0]!.init.headers as Record<string, string>)['authorization']).toBeUndefined();
  });

  it.each([
    ['UNAUTHENTICATED', undefined, 'candidates requires signing in or an API key', 401, 'Your session has ended. Please sign in again.'],
    ['UNAUTHENTICATED', 'INVALID_CREDENTIALS', 'wrong email or password', 401, 'Wrong email or password.'],
    ['FORBIDDEN', 'FORBIDDEN', 'needs pii:read', 403, 'Your role is not allowed to do this (needs pii:read).'],
    ['NOT_FOUND', 'NOT_FOUND', 'job 9 not found', 404, 'job 9 not found'],
    ['BAD_USER_INPUT', undefined, 'limit must not be greater than 500', 400, 'Invalid input: limit must not be greater than 500'],
    ['FAILED_PRECONDITION', 'GATE_REFUSED', 'ndcg@10 dropped by 0.05', 412, 'Refused: ndcg@10 dropped by 0.05'],
    ['INTERNAL_SERVER_ERROR', undefined, 'internal error', 500, 'The API hit an internal error. Try again, or check the API logs.'],
  ])('maps %s (%s) to status and a readable message', async (code, reason, message, status, readable) => {
    const request = createGraphqlClient({ getToken: () => null, fetch: fakeFetch(200, { data: null, errors: [{ message, extensions: { code, reason } }] }) });
    const err = await rejection(request('{ x }'));
    expect([err.code, err.status, err.message]).toEqual([code, status, readable]);
    expect(err.body?.errors?.[0]?.message).toBe(message);
  });

  it('reports an unreachable API and a non-GraphQL answer', async () => {
    const down = createGraphqlClient({
      getToken: () => null,
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as unknown as typeof fetch,
    });
    const e1 = await rejection(down('{ x }'));
    expect([e1.status, e1.code, e1.message]).toEqual([503, 'NETWORK_ERROR', 'Cannot reach the Matchlab API (Failed to fetch).']);

    const html = createGraphqlClient({ getToken: () => null, fetch: fakeFetch(502, '<html>Bad gateway</html>') });
    const e2 = await rejection(html('{ x }'));
    expect([e2.status, e2.code, e2.message]).toEqual([502, 'BAD_RESPONSE', 'The API answered HTTP 502 without a GraphQL response.']);
  });

  it('awaits an async token, and on UNAUTHENTICATED renews it once and retries once; never for other errors or without a token', async () => {
    const calls: Call[] = [];
    let n = 0;
    const answers = [{ errors: [{ message: 'invalid or expired token', extensions: { code: 'UNAUTHENTICATED' } }] }, { data: { ok: true } }];
    const fetchSeq = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify(answers[n++]), { status: 200 });
    }) as unknown as typeof fetch;
    const renewed: string[] = [];
    const request = createGraphqlClient({ getToken: async () => 'old', renewToken: async (t) => (renewed.push(t), 'new'), fetch: fetchSeq });
    await expect(request('{ ok }')).resolves.toEqual({ ok: true });
    expect(renewed).toEqual(['old']);
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['authorization'])).toEqual(['Bearer old', 'Bearer new']);

    const forbidden = createGraphqlClient({ getToken: () => 't', renewToken: async (t) => (renewed.push(t), 'x'), fetch: fakeFetch(200, { errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }) });
    expect((await rejection(forbidden('{ x }'))).status).toBe(403);
    const anonymous = createGraphqlClient({ getToken: () => null, renewToken: async (t) => (renewed.push(t), 'x'), fetch: fakeFetch(200, { errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] }) });
    expect((await rejection(anonymous('{ x }'))).status).toBe(401);
    const gone = createGraphqlClient({ getToken: () => 't', renewToken: async () => null, fetch: fakeFetch(200, { errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] }) });
    expect((await rejection(gone('{ x }'))).message).toBe('Your session has ended. Please sign in again.');
    expect(renewed).toEqual(['old']);
  });
});
