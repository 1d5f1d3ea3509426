/**
 * Errors from the API as react-admin sees them. The shape matches react-admin's HttpError (`message`, `status`,
 * `body`), so its notifications and `authProvider.checkError` work unchanged; `code` is the API's `extensions.code`.
 */
export interface GraphqlErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; reason?: string; details?: unknown };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly body?: { errors?: GraphqlErrorEntry[]; details?: unknown },
  ) {
    super(message);
  }
}

/** HTTP-like status for each GraphQL error code the API emits (apps/api/src/graphql-errors.ts). */
const STATUS_BY_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  GRAPHQL_PARSE_FAILED: 400,
  BAD_REQUEST: 400,
  CONFLICT: 409,
  FAILED_PRECONDITION: 412,
  INTERNAL_SERVER_ERROR: 500,
};

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 500;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A message a person can act on, built from the first GraphQL error of a response. */
export function readableMessage(error: GraphqlErrorEntry): string {
  const code = error.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
  const detail = error.message?.trim();
  switch (code) {
    case 'UNAUTHENTICATED':
      // A wrong password is also UNAUTHENTICATED (reason INVALID_CREDENTIALS): keep the API's wording for it.
      return error.extensions?.reason === 'INVALID_CREDENTIALS' ? `${capitalise(detail || 'wrong email or password')}.` : 'Your session has ended. Please sign in again.';
    case 'FORBIDDEN':
      return `Your role is not allowed to do this${detail ? ` (${detail})` : ''}.`;
    case 'NOT_FOUND':
      return detail || 'Not found.';
    case 'BAD_USER_INPUT':
    case 'BAD_REQUEST':
      return `Invalid input: ${detail || 'the API rejected the request'}`;
    case 'CONFLICT':
      return `Conflict: ${detail || 'the item changed or already exists'}`;
    case 'FAILED_PRECONDITION':
      return `Refused: ${detail || 'a precondition failed'}`;
    case 'GRAPHQL_VALIDATION_FAILED':
    case 'GRAPHQL_PARSE_FAILED':
      // A console bug (query out of date with the schema): say so rather than blame the user.
      return `The console sent a query the API does not accept: ${detail}`;
    case 'INTERNAL_SERVER_ERROR':
      return 'The API hit an internal error. Try again, or check the API logs.';
    default:
      return detail || `API error ${code}`;
  }
}

/** The ApiError for a GraphQL response's errors array (the first error decides the status). */
export function apiErrorFromGraphql(errors: GraphqlErrorEntry[]): ApiError {
  const first = errors[0] ?? { message: 'unknown error' };
  const code = first.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
  return new ApiError(readableMessage(first), statusForCode(code), code, { errors, details: first.extensions?.details });
}
