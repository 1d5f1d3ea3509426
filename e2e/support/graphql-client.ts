import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

export interface GraphqlResult<T = Record<string, unknown>> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; reason?: string; details?: unknown } }>;
}

/** POST a GraphQL operation to an in-process app; `token` is a bearer token or API key. */
export async function graphql<T = Record<string, any>>(
  app: INestApplication,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphqlResult<T>> {
  const req = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
  if (token) req.set('authorization', `Bearer ${token}`);
  const res = await req.send({ query, variables });
  return res.body as GraphqlResult<T>;
}

/** Like `graphql`, but any GraphQL error fails the caller (the errors in the message); returns the data. */
export async function graphqlData<T = Record<string, any>>(app: INestApplication, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await graphql<T>(app, query, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data as T;
}

export async function loginAsAdmin(app: INestApplication): Promise<string> {
  const res = await graphql<{ login: { token: string } }>(
    app,
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
    { e: 'admin@matchlab.local', p: 'admin-password-1' },
  );
  if (!res.data) throw new Error(`login failed: ${JSON.stringify(res.errors)}`);
  return res.data.login.token;
}
