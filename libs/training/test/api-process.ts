import { freePort, startNode, type RunningProcess } from '../../../e2e/support/processes.js';

export interface GqlResult { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> }

/** A built API process (dist/apps/api/src/main.js) and a GraphQL client for it. */
export interface ApiProcess {
  proc: RunningProcess;
  port: number;
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult>;
  login(): Promise<string>;
  stop(): Promise<number | null>;
}

export async function startApi(env: NodeJS.ProcessEnv, args: string[] = []): Promise<ApiProcess> {
  const port = await freePort();
  const proc = startNode(['dist/apps/api/src/main.js', ...args], { ...env, PORT: String(port), LOG_LEVEL: env['LOG_LEVEL'] === 'silent' ? 'warn' : (env['LOG_LEVEL'] ?? 'warn') });
  await proc.waitFor(/Matchlab API on/, 90_000);
  const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GqlResult> => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlResult;
  };
  return {
    proc,
    port,
    gql,
    async login() {
      const r = await gql('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: 'admin@matchlab.local', p: 'admin-password-1' });
      if (!r.data) throw new Error(`login failed: ${JSON.stringify(r.errors)}`);
      return r.data.login.token as string;
    },
    stop: () => proc.stop(),
  };
}
