import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createApiApp } from '../../../apps/api/src/main.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';

const MUTATION = `mutation($rows: [RankedListInput!]!, $k: [Int!]!, $graded: Boolean) {
  evaluateLists(rows: $rows, k: $k, graded: $graded) { users metrics { name value ciLow ciHigh users } }
}`;

describe('evaluateLists mutation (real API, no evaluation data stored)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let token: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase('evaluation');
    const { app: nest, runtime } = await createApiApp({ withWorker: false, schemaFile: false, env: appEnv(db) });
    await nest.init();
    app = nest;
    close = async () => {
      await nest.close();
      await runtime.endpoint.close();
    };
    token = await loginAsAdmin(app);
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('returns every metric with its bootstrap interval', async () => {
    const rows = [
      { user: 'x', ranked: ['a', 'b', 'c'], relevant: [{ item: 'c', grade: 1 }] },
      { user: 'y', ranked: ['a', 'b'], relevant: [{ item: 'a', grade: 1 }, { item: 'b', grade: 1 }, { item: 'c', grade: 3 }] },
    ];
    const res = await graphql<any>(app, MUTATION, { rows, k: [3] }, token);
    expect(res.errors).toBeUndefined();
    expect(res.data.evaluateLists.users).toBe(2);
    const byName = Object.fromEntries(res.data.evaluateLists.metrics.map((m: { name: string }) => [m.name, m]));
    expect(byName['precision@3'].value).toBeCloseTo(0.5, 10);
    expect(byName['map@3'].value).toBeCloseTo(0.5, 10);
    expect(byName['ndcg@3'].ciLow).toBeLessThanOrEqual(byName['ndcg@3'].value);
    expect(byName['ndcg@3'].ciHigh).toBeGreaterThanOrEqual(byName['ndcg@3'].value);
    expect(byName['auc']).toMatchObject({ value: 0, users: 1 });
    const graded = await graphql<any>(app, MUTATION, { rows: [rows[1]], k: [2], graded: true }, token);
    const ndcg = graded.data.evaluateLists.metrics.find((m: { name: string }) => m.name === 'ndcg@2');
    expect(ndcg.value).toBeCloseTo((1 + 1 / Math.log2(3)) / (3 + 1 / Math.log2(3)), 10);
  });

  it('rejects a bad row with BAD_USER_INPUT naming the row index', async () => {
    const rows = [
      { user: 'x', ranked: ['a'], relevant: [] },
      { user: 'y', ranked: ['a', 'b', 'a'], relevant: [{ item: 'a', grade: 1 }] },
    ];
    const res = await graphql<any>(app, MUTATION, { rows, k: [2] }, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toBe('row 1: duplicate id "a" in ranked (user y)');
    expect(res.errors?.[0]?.extensions?.details).toMatchObject({ row: 1, user: 'y', item: 'a' });
  });

  it('needs the evaluations:run permission', async () => {
    const res = await graphql<any>(app, MUTATION, { rows: [], k: [1] });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const created = await graphql<any>(app, 'mutation { createApiKey(name: "viewer", role: analyst) { key } }', {}, token);
    const asAnalyst = await graphql<any>(app, MUTATION, { rows: [], k: [1] }, created.data.createApiKey.key);
    expect(asAnalyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
