import type { AppConfig } from '@app/config';
import { assertPostgresReachable } from './connection-check.js';
import { embeddedDataDirs, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

/**
 * Where the app's data and its queue live. With DATABASE_URL both are that server (the queue in its own
 * schema); without it, two embedded PGlite instances: PGlite has a single session, so the queue's
 * search_path must not be shared with the app's tables.
 */
export class DatabaseEndpoint {
  constructor(
    readonly url: string,
    readonly queueUrl: string,
    readonly embedded: boolean,
    private readonly servers: EmbeddedPostgres[] = [],
  ) {}

  /** The queue has a database of its own (its tables then live in `public`). */
  get separateQueueDatabase(): boolean {
    return this.queueUrl !== this.url;
  }

  /** Pool size per process: PGlite serialises everything anyway. */
  get poolSize(): number {
    return this.embedded ? 4 : 10;
  }

  async close(): Promise<void> {
    for (const server of this.servers) if (server.owned) await server.stop();
  }
}

export async function resolveDatabaseEndpoint(config: AppConfig): Promise<DatabaseEndpoint> {
  if (config.databaseUrl) {
    await assertPostgresReachable(config.databaseUrl, 'DATABASE_URL');
    if (config.queueDatabaseUrl && !config.redisUrl) await assertPostgresReachable(config.queueDatabaseUrl, 'QUEUE_DATABASE_URL');
    return new DatabaseEndpoint(config.databaseUrl, config.queueDatabaseUrl ?? config.databaseUrl, false);
  }
  const dirs = embeddedDataDirs(config.dataDir);
  const app = await startEmbeddedPostgres(dirs.app);
  const queue = await startEmbeddedPostgres(dirs.queue);
  return new DatabaseEndpoint(app.url, queue.url, true, [app, queue]);
}
