import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema } from 'graphql';
import pg from 'pg';
import request from 'supertest';
import { PERMISSIONS } from '@app/auth';
import { DEV_PII_KEYS } from '@app/config';
import { permissionProblems, rootFieldPermissions } from '../apps/api/src/security/permission-audit.js';
import { graphql, loginAsAdmin } from './support/graphql-client.js';
import { startInProcessApi } from './support/in-process-api.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const post = (app: INestApplication, body: unknown, headers: Record<string, string> = {}) => {
  const req = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
  for (const [k, v] of Object.entries(headers)) req.set(k, v);
  return req.send(body as object);
};

/**
 * Issue 12 §1 and §3 through the real server: every schema field declares a permission, sessions refresh and rotate,
 * scoped keys, depth/complexity/body limits with typed codes, security headers, CORS from config, introspection and
 * GraphiQL off in production, no SQL in errors, rate limits per IP and per key (shared through Redis when present).
 */
describe('API security (auth completeness and hardening)', () => {
  let db: TestDatabase;
  let dev: { app: INestApplication; close: () => Promise<void> };
  let prod: { app: INestApplication; close: () => Promise<void> };

  beforeAll(async () => {
    db = await createTestDatabase('security');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme')`);
    await c.query(`INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, country, posted_at, content_hash)
      VALUES ('t', 'j1', 1, 'Data Engineer', 'data engineer', 'Build pipelines', '{python}', 'Berlin', 'DE', now(), repeat('a',40))`);
    await c.end();
    dev = await startInProcessApi(db, { env: { AUTH_ACCESS_TOKEN_TTL_SECONDS: '60', RATE_LIMIT_PER_IP: '0' } });
    prod = await startInProcessApi(db, {
      env: {
        // production needs its own PII keys; the development key stays in the ring (retired) so rows the dev instance wrote stay readable
        PII_KEYS: `prod:${Buffer.alloc(32, 7).toString('base64')},${DEV_PII_KEYS}`, PII_INDEX_KEY: Buffer.alloc(32, 8).toString('base64'),
        NODE_ENV: 'production', ALERTS_PUBLIC_URL: 'https://alerts.example.com', CORS_ORIGINS: 'https://console.example.com, https://ops.example.com',
        GRAPHQL_MAX_DEPTH: '2', GRAPHQL_MAX_COMPLEXITY: '12', HTTP_BODY_LIMIT_BYTES: '4096', RATE_LIMIT_PER_IP: '0',
      },
    });
  }, 120000);

  afterAll(async () => {
    await dev?.close();
    await prod?.close();
    await db?.drop();
  });

  it('every Query, Mutation and Subscription field declares a known permission (enumerated from the built schema)', () => {
    const schema = dev.app.get(GraphQLSchemaHost).schema;
    const fields = rootFieldPermissions(schema);
    const byOp = (op: string) => fields.filter((f) => f.operation === op).length;
    process.stdout.write(`permission audit: ${byOp('Query')} queries, ${byOp('Mutation')} mutations, ${byOp('Subscription')} subscriptions; ${fields.filter((f) => f.permission === 'public').length} public; permissions used: ${[...new Set(fields.map((f) => f.permission))].sort().join(' ')}\n`);
    expect(fields.length).toBeGreaterThan(50);
    expect(permissionProblems(fields)).toEqual([]);
    // Every declared permission is granted to some role (admin has all), so no field is unreachable by design.
    for (const f of fields) expect(PERMISSIONS as readonly string[]).toContain(f.permission);
    // The audit itself catches a field without a resolver permission and an unknown permission.
    const rogue = rootFieldPermissions(buildSchema('type Query { rogueField: Int } type Mutation { login: Int }'));
    expect(permissionProblems(rogue)).toEqual(expect.arrayContaining(['Query.rogueField declares no permission']));
    expect(permissionProblems([{ operation: 'Query', field: 'x', permission: 'root:everything' }])).toEqual(['Query.x requires unknown permission "root:everything"']);
  });

  it('login returns a refresh token; refreshSession rotates it, a reused token revokes the session, logout revokes it', async () => {
    const LOGIN = 'mutation { login(email: "admin@matchlab.local", password: "admin-password-1") { token expiresAt refreshToken refreshExpiresAt role } }';
    const REFRESH = 'mutation($t: String!) { refreshSession(refreshToken: $t) { token refreshToken expiresAt role } }';
    const login = (await graphql<any>(dev.app, LOGIN)).data.login;
    expect(login.refreshToken).toMatch(/^mlr_\d+_[A-Za-z0-9_-]{40,}$/);
    expect(new Date(login.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000); // AUTH_ACCESS_TOKEN_TTL_SECONDS
    expect(new Date(login.refreshExpiresAt).getTime()).toBeGreaterThan(new Date(login.expiresAt).getTime());

    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const stored = await c.query(`SELECT token_hash FROM refresh_tokens`);
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(login.refreshToken.split('_')[2]); // only a hash is stored
    await c.end();

    const r1 = (await graphql<any>(dev.app, REFRESH, { t: login.refreshToken })).data.refreshSession;
    expect(r1.role).toBe('admin');
    expect(r1.refreshToken).not.toBe(login.refreshToken);
    expect((await graphql<any>(dev.app, '{ me { role kind } }', {}, r1.token)).data.me).toEqual({ role: 'admin', kind: 'user' });

    // The spent token presented again: refused, and the whole family (including r1's successor) is revoked.
    const reuse = await graphql(dev.app, REFRESH, { t: login.refreshToken });
    expect(reuse.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(reuse.errors?.[0]?.message).toMatch(/already used/);
    expect((await graphql(dev.app, REFRESH, { t: r1.refreshToken })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const second = (await graphql<any>(dev.app, LOGIN)).data.login;
    expect((await graphql<any>(dev.app, 'mutation($t: String!) { logout(refreshToken: $t) }', { t: second.refreshToken })).data.logout).toBe(true);
    expect((await graphql(dev.app, REFRESH, { t: second.refreshToken })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const bad of ['', 'mlr_1_short', 'mlr_99999999999999999999_' + 'x'.repeat(43), 'x'.repeat(5000)]) {
      expect((await graphql(dev.app, REFRESH, { t: bad })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a scoped API key can use only its scopes; scopes outside the role are refused; keys list with last use, revocable', async () => {
    const admin = await loginAsAdmin(dev.app);
    const created = await graphql<any>(dev.app, 'mutation { createApiKey(name: "board", role: app, scopes: ["recommend:read", "self:read"]) { key apiKey { prefix scopes } } }', {}, admin);
    expect(created.errors).toBeUndefined();
    const { key, apiKey } = created.data.createApiKey;
    expect(apiKey.scopes).toEqual(['recommend:read', 'self:read']);
    expect((await graphql<any>(dev.app, '{ me { role scopes } }', {}, key)).data.me).toEqual({ role: 'app', scopes: ['recommend:read', 'self:read'] });
    // interactions:write belongs to the app role, but not to this key's scopes.
    const denied = await graphql(dev.app, 'mutation { recordInteraction(input: { eventId: "e1", jobId: "1", rankingId: "r1", type: "click" }) { recorded } }', {}, key);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(denied.errors?.[0]?.message).toMatch(/scoped to recommend:read, self:read/);

    for (const [scopes, msg] of [['["models:promote"]', /not granted to role app/], ['["root:all"]', /unknown scope/], ['[]', /at least one/]] as const) {
      const bad = await graphql(dev.app, `mutation { createApiKey(name: "x", role: app, scopes: ${scopes}) { key } }`, {}, admin);
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.message).toMatch(msg);
    }
    const listed = (await graphql<any>(dev.app, '{ apiKeys { prefix scopes lastUsedAt revokedAt } }', {}, admin)).data.apiKeys;
    const mine = listed.find((k: any) => k.prefix === apiKey.prefix);
    expect(mine.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(key);
    await graphql(dev.app, `mutation { revokeApiKey(prefix: "${apiKey.prefix}") }`, {}, admin);
    expect((await graphql(dev.app, '{ me { role } }', {}, key)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses too deep and too complex operations with typed codes before running them', async () => {
    const ok = await post(prod.app, { query: '{ jobs { items { title } } }' });
    expect(ok.body.errors).toBeUndefined();
    const deep = await post(prod.app, { query: '{ jobs { items { company { name } } } }' });
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', maxDepth: 2 });
    // Depth through fragments counts too.
    const viaFragment = await post(prod.app, { query: '{ jobs { ...J } } fragment J on JobPage { items { company { name } } }' });
    expect(viaFragment.body.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
    const aliases = Array.from({ length: 8 }, (_, i) => `a${i}: jobs { totalCount }`).join(' ');
    const complex = await post(prod.app, { query: `{ ${aliases} }` });
    expect(complex.status).toBe(400);
    expect(complex.body.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', complexity: 16, maxComplexity: 12 });
    expect(complex.body.data).toBeUndefined();
  });

  it('caps every list-size argument (limit, k, logLines …) at the page maximum with BAD_USER_INPUT / PAGE_SIZE_CAP', async () => {
    const admin = await loginAsAdmin(dev.app);
    for (const q of ['{ jobs(limit: 501) { totalCount } }', '{ trainingJobs(limit: 100000) { id } }', '{ featureJobs(limit: 2147483647) { id } }', '{ webhookDeliveries(webhookId: "1", limit: 9999) { id } }', '{ retrainRuns(model: "jobs", limit: -5) { id } }']) {
      const res = await graphql(dev.app, q, {}, admin);
      expect([q, res.errors?.[0]?.extensions]).toEqual([q, expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_CAP', max: 500 })]);
    }
    const ok = await graphql<any>(dev.app, '{ jobs(limit: 500) { totalCount } trainingJobs(limit: 500) { id } }', {}, admin);
    expect(ok.errors).toBeUndefined();
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE and malformed JSON with 400 MALFORMED_REQUEST, as JSON', async () => {
    const big = await post(prod.app, { query: '{ jobs { totalCount } }', variables: { pad: 'x'.repeat(10_000) } });
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toMatch(/json/);
    expect(big.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const malformed = await request(prod.app.getHttpServer()).post('/graphql').set('content-type', 'application/json').send('{"query": "{ jobs');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].extensions.code).toBe('MALFORMED_REQUEST');
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.js|node_modules/);
  });

  it('sends security headers; CSP allows the console and, in development only, GraphiQL', async () => {
    const health = await request(prod.app.getHttpServer()).get('/healthz');
    const csp = health.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unpkg');
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(health.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(health.headers['x-powered-by']).toBeUndefined();

    const graphiql = await request(dev.app.getHttpServer()).get('/graphql').set('accept', 'text/html');
    expect(graphiql.status).toBe(200);
    expect(graphiql.text).toContain('graphiql');
    expect(graphiql.headers['content-security-policy']).toContain('https://unpkg.com');
  });

  it('turns introspection and GraphiQL off in production', async () => {
    const intro = await post(prod.app, { query: '{ __schema { queryType { name } } }' });
    expect(intro.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(intro.body.errors[0].message).toMatch(/introspection/i);
    const page = await request(prod.app.getHttpServer()).get('/graphql').set('accept', 'text/html');
    expect(page.text).not.toContain('graphiql');
    expect((await post(dev.app, { query: '{ __schema { queryType { name } } }' })).body.data.__schema.queryType.name).toBe('Query');
  });

  it('allows CORS only for the configured origins', async () => {
    const preflight = (origin: string) =>
      request(prod.app.getHttpServer()).options('/graphql').set('origin', origin).set('access-control-request-method', 'POST').set('access-control-request-headers', 'content-type,authorization');
    const allowed = await preflight('https://console.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.com');
    expect(allowed.headers['access-control-allow-headers']).toContain('authorization');
    expect((await preflight('https://ops.example.com')).headers['access-control-allow-origin']).toBe('https://ops.example.com');
    expect((await preflight('https://evil.example.net')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a database error reaches the client as INTERNAL_SERVER_ERROR with a correlation id, never SQL; bad values as BAD_USER_INPUT', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('ALTER TABLE jobs RENAME TO jobs_moved_away');
    try {
      const res = await post(dev.app, { query: '{ jobs { totalCount items { title } } }' });
      const err = res.body.errors[0];
      expect(err.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(err.message).toBe('internal error');
      expect(JSON.stringify(res.body)).not.toMatch(/select |relation \\"|jobs_moved|QueryFailed|\.ts:|\.js:/i);
    } finally {
      await c.query('ALTER TABLE jobs_moved_away RENAME TO jobs');
      await c.end();
    }
    const nul = await graphql(dev.app, '{ job(id: "1") { title } jobs(filter: { country: "D\\u0000E" }) { totalCount } }');
    for (const e of nul.errors ?? []) expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  });

  it('rate-limits per client IP and per API key with RATE_LIMITED and Retry-After, shared by two API processes through Redis', async () => {
    const env = { RATE_LIMIT_PER_IP: '4', RATE_LIMIT_PER_API_KEY: '6', RATE_LIMIT_WINDOW_SECONDS: '30', QUEUE_PREFIX: `rl${process.pid}${Date.now().toString(36)}` };
    const a = await startInProcessApi(db, { env });
    const b = await startInProcessApi(db, { env });
    try {
      const admin = await loginAsAdmin(dev.app);
      const key = (await graphql<any>(dev.app, 'mutation { createApiKey(name: "rl", role: app) { key } }', {}, admin)).data.createApiKey.key as string;
      const shared = Boolean(process.env['REDIS_URL']);
      const anon: number[] = [];
      for (let i = 0; i < 6; i++) anon.push((await post(i % 2 ? b.app : a.app, { query: '{ jobs { totalCount } }' })).status);
      const limited = await post(a.app, { query: '{ jobs { totalCount } }' });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'ip' });
      // With Redis the two processes share one budget of 4; without it each process counts 4 of its own.
      expect(anon.filter((s) => s === 200).length).toBe(shared ? 4 : 6);

      // A valid API key has its own budget (not the exhausted IP budget).
      const keyed: number[] = [];
      for (let i = 0; i < 8; i++) keyed.push((await post(i % 2 ? b.app : a.app, { query: '{ me { role } }' }, { 'x-api-key': key })).status);
      expect(keyed.slice(0, shared ? 6 : 8).every((s) => s === 200)).toBe(true);
      if (shared) expect(keyed.slice(6)).toEqual([429, 429]);
      // Without Redis, process a has counted 4 of its own 6: two more pass, the next is refused.
      if (!shared) for (let i = 0; i < 2; i++) expect((await post(a.app, { query: '{ me { role } }' }, { 'x-api-key': key })).status).toBe(200);
      const keyLimited = await post(a.app, { query: '{ me { role } }' }, { 'x-api-key': key });
      expect(keyLimited.status).toBe(429);
      expect(keyLimited.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'api_key' });
      // A wrong key counts against the IP (guessing keys is throttled).
      expect((await post(a.app, { query: '{ me { role } }' }, { 'x-api-key': 'mlk_deadbeef_' + 'x'.repeat(32) })).status).toBe(429);
      process.stdout.write(`rate limits (${shared ? 'Redis, 2 processes' : 'in memory per process'}): anonymous ${anon.join(',')} then ${limited.status}; key ${keyed.join(',')} then ${keyLimited.status}\n`);
    } finally {
      await a.close();
      await b.close();
    }
  }, 120000);
});
