import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request context (the request id) carried through async calls of one API request. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The id of the API request this code runs for, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** Request ids accepted from an `x-request-id` header: printable, at most 128 characters; anything else is replaced. */
export function acceptRequestId(header: unknown): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  return typeof v === 'string' && /^[\x21-\x7e]{1,128}$/.test(v) ? v : undefined;
}
