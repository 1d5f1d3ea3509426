import { ApiError, apiErrorFromGraphql, type GraphqlErrorEntry } from './api-error.js';

export type Variables = Record<string, unknown>;

/** One GraphQL round trip; resolves with `data` or rejects with an ApiError. */
export type GraphqlRequest = <T>(query: string, variables?: Variables) => Promise<T>;

export interface GraphqlClientOptions {
  /** Endpoint; the API serves the console and GraphQL from the same origin. */
  url?: string;
  /** Bearer token for the current session, if any (may renew the session first; a rejection fails the request). */
  getToken: () => string | null | Promise<string | null>;
  /**
   * Called once when the API refuses the token a request was sent with (UNAUTHENTICATED): the token to retry the
   * request with, or null to fail it with the API's error.
   */
  renewToken?: (rejectedToken: string) => Promise<string | null>;
  fetch?: typeof fetch;
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: GraphqlErrorEntry[];
}

export function createGraphqlClient(opts: GraphqlClientOptions): GraphqlRequest {
  const url = opts.url ?? '/graphql';
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const send = async <T>(query: string, variables: Variables, token: string | null): Promise<T> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    let res: Response;
    try {
      res = await doFetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    } catch (e) {
      throw new ApiError(`Cannot reach the Matchlab API (${(e as Error).message}).`, 503, 'NETWORK_ERROR');
    }
    let body: GraphqlResponse<T>;
    try {
      body = (await res.json()) as GraphqlResponse<T>;
    } catch {
      throw new ApiError(`The API answered HTTP ${res.status} without a GraphQL response.`, res.status >= 400 ? res.status : 502, 'BAD_RESPONSE');
    }
    if (body.errors?.length) throw apiErrorFromGraphql(body.errors);
    if (body.data == null) throw new ApiError(`The API answered HTTP ${res.status} with no data.`, 502, 'BAD_RESPONSE');
    return body.data;
  };
  return async <T>(query: string, variables: Variables = {}): Promise<T> => {
    const token = await opts.getToken();
    try {
      return await send<T>(query, variables, token);
    } catch (e) {
      // An expired or revoked token: renew the session once and retry once (a second refusal goes to the caller).
      if (!token || !opts.renewToken || !(e instanceof ApiError) || e.code !== 'UNAUTHENTICATED') throw e;
      const renewed = await opts.renewToken(token);
      if (!renewed || renewed === token) throw e;
      return send<T>(query, variables, renewed);
    }
  };
}
