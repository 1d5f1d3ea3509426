import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import * as authQueries from '../auth/queries.js';
import * as experimentQueries from '../experiments/queries.js';
import * as rankingQueries from '../ranking/queries.js';
import { buildListOperation, buildOneOperation, CREATABLE, LOCAL_RESOURCES, RESOURCES } from './resources.js';

// Every operation the console sends, validated against the committed schema: a renamed field fails here, not in a browser.
const schema = buildSchema(readFileSync('apps/api/schema.gql', 'utf8'));
const problems = (source: string) => validate(schema, parse(source)).map((e) => e.message);

describe('console operations against apps/api/schema.gql', () => {
  it('server-paged resources: list and show queries', () => {
    for (const [name, def] of Object.entries(RESOURCES)) {
      expect({ name, list: problems(buildListOperation(def, { filter: {} }).query) }).toEqual({ name, list: [] });
      expect({ name, one: problems(buildOneOperation(def, '1').query) }).toEqual({ name, one: [] });
    }
  });

  it('local resources and create mutations', () => {
    for (const [name, def] of Object.entries(LOCAL_RESOURCES)) {
      expect({ name, all: problems(def.all), one: problems(def.one) }).toEqual({ name, all: [], one: [] });
    }
    for (const [name, def] of Object.entries(CREATABLE)) expect({ name, problems: problems(def.mutation) }).toEqual({ name, problems: [] });
  });

  it('experiment, wizard, overview and ranking debug operations', () => {
    const ops: Array<[string, string]> = Object.entries({ ...experimentQueries, ...rankingQueries }).flatMap(([name, v]): Array<[string, string]> =>
      typeof v === 'string' ? [[name, v]] : Object.entries(v as Record<string, string>).map(([k, q]): [string, string] => [`${name}.${k}`, q]));
    expect(ops.length).toBeGreaterThanOrEqual(10);
    for (const [name, q] of ops) expect({ name, problems: problems(q) }).toEqual({ name, problems: [] });
  });

  it('sign-in operations: login, refreshSession, logout, me', () => {
    const ops = Object.entries(authQueries);
    expect(ops.map(([name]) => name).sort()).toEqual(['LOGIN', 'LOGOUT', 'ME', 'REFRESH_SESSION']);
    for (const [name, q] of ops) expect({ name, problems: problems(q) }).toEqual({ name, problems: [] });
  });
});
