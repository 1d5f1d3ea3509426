import type { INestApplication } from '@nestjs/common';
import { createApiApp } from '../../apps/api/src/main.js';
import { appEnv, type TestDatabase } from './test-database.js';

/** The API booted inside the test process against a test database; `close` also stops its pools. */
export async function startInProcessApi(db: TestDatabase, opts: { schemaFile?: string; withWorker?: boolean; env?: Record<string, string> } = {}): Promise<{ app: INestApplication; close: () => Promise<void> }> {
  const created = await createApiApp({ withWorker: opts.withWorker ?? false, schemaFile: opts.schemaFile, env: appEnv(db, opts.env) });
  await created.app.init();
  return {
    app: created.app,
    close: async () => {
      await created.app.close();
      await created.runtime.endpoint.close();
    },
  };
}
