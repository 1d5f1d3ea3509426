import { describe, expect, it } from '@jest/globals';
import { FeatureError } from '../features.errors.js';
import type { FeatureViewDefinition } from './types.js';
import { coerceValue, rowValues } from './values.js';
import { canonicalJson, serviceFingerprint, validateService, validateView, viewFingerprint } from './versioning.js';

const view = (over: Partial<FeatureViewDefinition> = {}): FeatureViewDefinition => ({
  name: 'v', entity: 'candidate', description: 'd', owner: 'o', ttlSeconds: 3600, eventTimeColumn: 'event_time', asOfEventTime: false,
  features: [{ name: 'a', type: 'float' }, { name: 'b', type: 'string' }],
  source: { sql: 'SELECT id AS candidate_id, now() AS event_time, 1.0 AS a, \'x\' AS b FROM candidates' },
  ...over,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof FeatureError ? `${err.code}:${String(err.details?.['field'])}` : String(err);
  }
  return undefined;
}

describe('definition versioning', () => {
  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it('changing schema, source, TTL, policy or transform changes the version; owner, description and whitespace do not', () => {
    const base = viewFingerprint(view());
    expect(viewFingerprint(view({ owner: 'someone else', description: 'new words' }))).toBe(base);
    expect(viewFingerprint(view({ source: { sql: `SELECT id AS candidate_id,   now() AS event_time,\n 1.0 AS a, 'x' AS b FROM candidates` } }))).toBe(base);
    expect(viewFingerprint(view({ features: [{ name: 'a', type: 'int' }, { name: 'b', type: 'string' }] }))).not.toBe(base);
    expect(viewFingerprint(view({ features: [{ name: 'a', type: 'float', missing: { strategy: 'mean' } }, { name: 'b', type: 'string' }] }))).not.toBe(base);
    expect(viewFingerprint(view({ ttlSeconds: 7200 }))).not.toBe(base);
    expect(viewFingerprint(view({ source: { sql: 'SELECT 2' } }))).not.toBe(base);
    const t1 = viewFingerprint(view({ transform: { version: '1', fn: (rows) => rows } }));
    expect(viewFingerprint(view({ transform: { version: '1', fn: (rows) => rows } }))).toBe(t1);
    expect(viewFingerprint(view({ transform: { version: '1', fn: (rows) => rows.slice(1) } }))).not.toBe(t1);
    expect(viewFingerprint(view({ transform: { version: '2', fn: (rows) => rows } }))).not.toBe(t1);
  });

  it('a service version follows its views’ versions and selected features', () => {
    const svc = { name: 's', description: '', owner: 'o', views: [{ view: 'v' }] };
    const a = serviceFingerprint(svc, new Map([['v', 'x1']]));
    expect(serviceFingerprint(svc, new Map([['v', 'x2']]))).not.toBe(a);
    expect(serviceFingerprint({ ...svc, views: [{ view: 'v', features: ['a'] }] }, new Map([['v', 'x1']]))).not.toBe(a);
    expect(serviceFingerprint({ ...svc, description: 'other' }, new Map([['v', 'x1']]))).toBe(a);
  });

  it('refuses bad definitions with typed errors naming the field', () => {
    expect(codeOf(() => validateView(view({ name: 'Bad Name' })))).toBe('INVALID_DEFINITION:name');
    expect(codeOf(() => validateView(view({ ttlSeconds: 0 })))).toBe('INVALID_DEFINITION:ttlSeconds');
    expect(codeOf(() => validateView(view({ features: [{ name: 'a', type: 'float' }, { name: 'a', type: 'int' }] })))).toBe('DUPLICATE_DEFINITION:features[1].name');
    expect(codeOf(() => validateView(view({ features: [{ name: 'a', type: 'string', missing: { strategy: 'mean' } }] })))).toBe('INVALID_DEFINITION:features[0].missing');
    const views = new Map([['v', view()]]);
    expect(codeOf(() => validateService({ name: 's', description: '', owner: '', views: [{ view: 'nope' }] }, views))).toBe('NOT_FOUND:views[0].view');
    expect(codeOf(() => validateService({ name: 's', description: '', owner: '', views: [{ view: 'v', features: ['zz'] }] }, views))).toBe('UNKNOWN_FEATURE:views[0].features');
    expect(codeOf(() => validateView(view()))).toBeUndefined();
  });

  it('checks value types, accepting numeric text for numbers, naming the feature on a mismatch', () => {
    expect(coerceValue('int', '42')).toBe(42);
    expect(coerceValue('int', 1.5)).toBeUndefined();
    expect(coerceValue('float', NaN)).toBeNull();
    expect(coerceValue('float', 'abc')).toBeUndefined();
    expect(coerceValue('bool', 1)).toBeUndefined();
    expect(coerceValue('sparse_vector', { v: 1, i: [0, 3], x: [0.5, 0.5] })).toEqual({ v: 1, i: [0, 3], x: [0.5, 0.5] });
    expect(coerceValue('sparse_vector', { v: 1, i: [0], x: [] })).toBeUndefined();
    expect(rowValues(view(), { a: '1.5', b: null }, '7')).toEqual([1.5, null]);
    try {
      rowValues(view(), { a: 'x', b: 'y' }, '7');
      throw new Error('expected a type mismatch');
    } catch (err) {
      expect(err).toBeInstanceOf(FeatureError);
      expect((err as FeatureError).code).toBe('TYPE_MISMATCH');
      expect((err as FeatureError).details).toMatchObject({ field: 'a', view: 'v', entityKey: '7', expected: 'float' });
      expect((err as FeatureError).message).toBe('feature view v: feature a of candidate 7 should be float, got string "x"');
    }
  });
});
