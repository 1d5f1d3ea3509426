import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { depthLimitRule, oversizedPageArgument } from './graphql-limits.js';

const schema = buildSchema(`
  type Item { id: ID!, children(limit: Int = 10): [Item!]! }
  type Query { items(limit: Int, offset: Int): [Item!]! recommend(k: Int! = 10): [Item!]! item(id: ID!): Item }
`);

describe('list-size cap', () => {
  it('finds a literal, variable or nested list-size argument above the cap or negative', () => {
    expect(oversizedPageArgument(schema, parse('{ items(limit: 500) { id } }'), {}, 500)).toBeUndefined();
    expect(oversizedPageArgument(schema, parse('{ items(limit: 501) { id } }'), {}, 500)).toEqual({ field: 'items', argument: 'limit', value: 501 });
    expect(oversizedPageArgument(schema, parse('query($n: Int!) { recommend(k: $n) { id } }'), { n: 100000 }, 500)).toEqual({ field: 'recommend', argument: 'k', value: 100000 });
    expect(oversizedPageArgument(schema, parse('{ item(id: "1") { children(limit: -1) { id } } }'), {}, 500)).toEqual({ field: 'children', argument: 'limit', value: -1 });
    expect(oversizedPageArgument(schema, parse('{ items(offset: 100000) { id } }'), {}, 500)).toBeUndefined(); // offsets are not sizes
  });
});

describe('depth limit rule', () => {
  const run = (q: string, max: number) => validate(schema, parse(q), [...specifiedRules, depthLimitRule(max)]);
  it('reports QUERY_TOO_DEEP with the maximum, counting through fragments, and ignores introspection', () => {
    expect(run('{ items { children { id } } }', 2)).toEqual([]);
    const [err] = run('{ items { children { children { id } } } }', 2);
    expect(err?.extensions).toEqual({ code: 'QUERY_TOO_DEEP', maxDepth: 2 });
    expect(run('{ items { ...F } } fragment F on Item { children { children { id } } }', 2)[0]?.extensions?.['code']).toBe('QUERY_TOO_DEEP');
    expect(run('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', 2)).toEqual([]);
  });

  it('survives a fragment cycle (graphql reports the cycle; the depth rule does not overflow)', () => {
    const errors = run('{ items { ...A } } fragment A on Item { children { ...B } } fragment B on Item { children { ...A } }', 5);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.extensions?.['code'] ?? 'graphql')).toContain('QUERY_TOO_DEEP');
  });
});
