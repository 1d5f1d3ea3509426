import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createApiApp } from '../../../apps/api/src/main.js';
import { graphql, loginAsAdmin } from '../../../e2e/support/graphql-client.js';
import { appEnv, createTestDatabase, type TestDatabase } from '../../../e2e/support/test-database.js';
import { reference } from './fixtures.js';

const QUERY = `query($input: SampleSizeInput!) { sampleSize(input: $input) { perArm perArmExact total absoluteMde alpha power powerAtUnits } }`;

describe('sampleSize query (real API)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let token: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase('statistics');
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

  it('proportion, mean and ratio metrics match the scipy reference', async () => {
    for (const f of reference.power) {
      const { nPerArm, powerAt20000, ...input } = f;
      const res = await graphql<any>(app, QUERY, { input: { ...input, kind: input.kind.toUpperCase(), unitsPerArm: 20000 } }, token);
      expect(res.errors).toBeUndefined();
      expect(res.data.sampleSize.perArmExact).toBeCloseTo(nPerArm, 6);
      expect(res.data.sampleSize.perArm).toBe(Math.ceil(nPerArm));
      expect(res.data.sampleSize.total).toBe(2 * Math.ceil(nPerArm));
      expect(res.data.sampleSize.powerAtUnits).toBeCloseTo(powerAt20000, 9);
    }
  });

  it('missing or impossible inputs are BAD_USER_INPUT with the reason', async () => {
    const missing = await graphql<any>(app, QUERY, { input: { kind: 'MEAN', baseline: 3, relativeMde: 0.05 } }, token);
    expect(missing.errors![0]!.extensions?.["code"]).toBe('BAD_USER_INPUT');
    expect(missing.errors![0]!.message).toContain('sd');
    const bad = await graphql<any>(app, QUERY, { input: { kind: 'PROPORTION', baseline: 0.95, relativeMde: 0.1 } }, token);
    expect(bad.errors![0]!.extensions?.["code"]).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions?.["reason"]).toBe('INVALID_INPUT');
  });

  it('needs a token', async () => {
    const res = await graphql<any>(app, QUERY, { input: { kind: 'PROPORTION', baseline: 0.1, relativeMde: 0.05 } });
    expect(res.errors![0]!.extensions?.["code"]).toBe('UNAUTHENTICATED');
  });
});
