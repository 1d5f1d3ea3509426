import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import {
  buildClientSchema, getIntrospectionQuery, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType,
  type GraphQLArgument, type GraphQLInputType, type GraphQLSchema, type IntrospectionQuery,
} from 'graphql';
import request from 'supertest';
import { loginAsAdmin } from './support/graphql-client.js';
import { startInProcessApi } from './support/in-process-api.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/** Every code a client may see. INTERNAL_SERVER_ERROR is deliberately absent: bad input must never produce it. */
const KNOWN_CODES = new Set([
  'BAD_USER_INPUT', 'BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'FAILED_PRECONDITION', 'UNPROCESSABLE_ENTITY',
  'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX', 'PAYLOAD_TOO_LARGE', 'MALFORMED_REQUEST', 'RATE_LIMITED',
]);
const BUDGET_MS = Number(process.env['FUZZ_BUDGET_MS'] ?? 45_000);
const CONCURRENCY = 4;
/** FUZZ_SEED replays a run (the seed is printed). */
const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);

/** Hostile strings: SQL and script injection, format strings, path traversal, NUL, RTL override, emoji, huge. */
const hostileString = fc.oneof(
  fc.constantFrom(
    "' OR '1'='1", "'; DROP TABLE jobs; --", '1; SELECT pg_sleep(10)--', '" OR ""="', "admin'--", '\\', "%' AND 1=1 --",
    '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${jndi:ldap://x/a}', '%s%s%n%x',
    '../../../../etc/passwd', 'http://169.254.169.254/latest/meta-data', 'mlk_deadbeef_' + 'A'.repeat(40), 'mlr_1_' + 'A'.repeat(43),
    '\u0000', 'a\u0000b', '\u202Egnp.exe', '\uFEFF', '\uD83D\uDE00'.repeat(50), 'Z\u0351\u0352\u0353', '\u0085\u2028\u2029', '',
    ' ', 'null', 'undefined', 'NaN', '-1', '1e309', '9'.repeat(400), 'true', '[]', '{}', '__proto__', 'constructor',
  ),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 32 }),
);
/** Mostly short hostile strings; now and then a very long one (10 KB … 200 KB). */
const anyString = fc.oneof({ weight: 12, arbitrary: hostileString }, { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n)) });
const hostileInt = fc.oneof(
  fc.constantFrom(0, -1, 1, 2147483647, -2147483648, 2147483648, -2147483649, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -1e308),
  fc.integer(),
);
const hostileFloat = fc.oneof(fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, 1.5, 0.5, 100), fc.double({ noNaN: true, noDefaultInfinity: true }));
/** A value of the wrong type, or deeply nested. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 1.5, -7, 'str', [], {}, [null], { $where: '1==1' }, { __proto__: { admin: true } }),
  fc.integer({ min: 50, max: 3000 }).map((d) => { let v: unknown = 1; for (let i = 0; i < d; i++) v = [v]; return v; }),
  fc.integer({ min: 50, max: 3000 }).map((d) => { let v: unknown = 1; for (let i = 0; i < d; i++) v = { a: v }; return v; }),
  fc.array(fc.integer(), { minLength: 1000, maxLength: 5000 }),
);

/** Values of the declared type (hostile content), with a small chance of a wrong-typed value at any level. */
function valueFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 12, arbitrary: valueFor(type.ofType, depth) }, { weight: 1, arbitrary: wrongValue });
  const inner = (): fc.Arbitrary<unknown> => {
    if (isListType(type)) return fc.oneof(fc.array(valueFor(type.ofType as GraphQLInputType, depth + 1), { maxLength: depth > 1 ? 2 : 5 }), fc.array(fc.constant(null), { maxLength: 3 }));
    const named = getNamedType(type);
    if (isEnumType(named)) return fc.oneof(fc.constantFrom(...named.getValues().map((v) => v.name)), hostileString);
    if (isInputObjectType(named)) {
      if (depth > 4) return fc.constant(null);
      const fields = Object.values(named.getFields());
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const f of fields) record[f.name] = valueFor(f.type, depth + 1);
      const required = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
      return fc.record(record, { requiredKeys: required as never[] });
    }
    if (isScalarType(named)) {
      switch (named.name) {
        case 'Int': return hostileInt;
        case 'Float': return hostileFloat;
        case 'Boolean': return fc.boolean();
        case 'ID': return fc.oneof(hostileString, fc.constantFrom('1', '0', '-1', '99999999999999999999', '1.5', '1e3'));
        case 'DateTime': return fc.oneof(fc.constantFrom('2024-01-01T00:00:00Z', '0000-00-00', '9999-12-31T23:59:59Z', '-271821-04-20T00:00:00Z', 'yesterday'), hostileString);
        case 'String': return anyString;
        default: return fc.oneof(hostileString, hostileInt, wrongValue, fc.jsonValue({ maxDepth: 4 })); // JSON-like scalars
      }
    }
    return wrongValue;
  };
  return fc.oneof({ weight: 10, arbitrary: inner() }, { weight: 1, arbitrary: fc.constant(null) });
}

function argsFor(args: readonly GraphQLArgument[]): fc.Arbitrary<Record<string, unknown>> {
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const a of args) record[a.name] = valueFor(a.type);
  return fc.record(record, { requiredKeys: args.filter((a) => isNonNullType(a.type)).map((a) => a.name) as never[] });
}

/** Issue 12 §5: every mutation of the schema (from introspection) fed malformed, oversized and hostile arguments. */
describe('fuzz: hostile input to every mutation', () => {
  let db: TestDatabase;
  let api: { app: INestApplication; close: () => Promise<void> };
  let schema: GraphQLSchema;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase('fuzz');
    api = await startInProcessApi(db, { env: { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_API_KEY: '0', HTTP_BODY_LIMIT_BYTES: String(1024 * 1024) } });
    token = await loginAsAdmin(api.app);
    const intro = await request(api.app.getHttpServer()).post('/graphql').send({ query: getIntrospectionQuery() });
    schema = buildClientSchema(intro.body.data as IntrospectionQuery);
  }, 120000);

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('answers each case with data or typed errors: never HTTP 500, INTERNAL_SERVER_ERROR or a stack trace', async () => {
    const mutations = Object.values(schema.getMutationType()!.getFields());
    const perMutationMs = Math.max(200, Math.floor(BUDGET_MS / mutations.length));
    const counts: Record<string, number> = {};
    const codes: Record<string, number> = {};
    const failures: string[] = [];
    const started = Date.now();

    for (const m of mutations) {
      counts[m.name] = 0;
      const varDefs = m.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
      const named = getNamedType(m.type);
      const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
      const document = `mutation Fuzz${varDefs ? `(${varDefs})` : ''} { ${m.name}${m.args.length ? `(${m.args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : ''}${selection} }`;
      // Cases are drawn from the arbitraries in batches and sent CONCURRENCY at a time until the mutation's time slice is used.
      const sendCase = async ([variables, who]: [Record<string, unknown>, string]) => {
        counts[m.name]!++;
        const req = request(api.app.getHttpServer()).post('/graphql').set('content-type', 'application/json').timeout(30_000);
        if (who === 'admin') req.set('authorization', `Bearer ${token}`);
        const res = await req.send({ query: document, variables });
        const text = res.text;
        const errors: Array<{ message?: string; extensions?: { code?: string } }> = res.body?.errors ?? [];
        for (const e of errors) codes[e.extensions?.code ?? 'none'] = (codes[e.extensions?.code ?? 'none'] ?? 0) + 1;
        const unknown = errors.find((e) => !KNOWN_CODES.has(e.extensions?.code ?? ''));
        const bad =
          res.status >= 500 ? `HTTP ${res.status}` :
          !res.body || (res.body.data === undefined && errors.length === 0) ? 'neither data nor errors' :
          unknown ? `code ${unknown.extensions?.code}: ${unknown.message}` :
          /stacktrace|\n\s+at [\w.<>]+ \(|QueryFailedError|syntax error at or near/i.test(text) ? 'stack trace or SQL in the response' : null;
        if (bad) failures.push(`${m.name}: ${bad} for ${JSON.stringify(variables).slice(0, 300)}`);
      };
      const cases = fc.tuple(argsFor(m.args), fc.constantFrom('admin', 'admin', 'admin', 'anonymous'));
      const sliceEnd = Date.now() + perMutationMs;
      let seed = SEED + mutations.indexOf(m) * 7919;
      do {
        await Promise.all(fc.sample(cases, { numRuns: CONCURRENCY, seed: seed++ }).map(sendCase));
      } while (Date.now() < sliceEnd);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `fuzz (seed ${SEED}): ${total} cases over ${mutations.length} mutations in ${((Date.now() - started) / 1000).toFixed(1)} s (min ${Math.min(...Object.values(counts))}, max ${Math.max(...Object.values(counts))} per mutation); ` +
        `error codes seen: ${Object.entries(codes).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}; failures: ${failures.length}\n`,
    );
    expect(failures.slice(0, 10)).toEqual([]);
    expect(Object.values(counts).every((n) => n >= 1)).toBe(true);
  }, BUDGET_MS * 3 + 60_000);
});
