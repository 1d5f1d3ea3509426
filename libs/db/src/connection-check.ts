import pg from 'pg';

/** A configured service that cannot be reached: one line naming the variable, no stack trace. */
export class ServiceUnreachableError extends Error {
  constructor(readonly variable: string, target: string, reason: string) {
    super(`${variable}: cannot connect to ${target}: ${reason}`);
    this.name = 'ServiceUnreachableError';
  }
}

/** Hides credentials when a URL is printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export async function assertPostgresReachable(url: string, variable = 'DATABASE_URL'): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new ServiceUnreachableError(variable, redactUrl(url), describe(err));
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    return code && !err.message.includes(code) ? `${code} ${err.message}` : err.message || code || 'unknown error';
  }
  return String(err);
}
