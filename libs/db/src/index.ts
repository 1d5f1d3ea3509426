export { DbModule } from './db.module.js';
export { DatabaseEndpoint, resolveDatabaseEndpoint } from './database-endpoint.js';
export { startEmbeddedPostgres, embeddedDataDirs, type EmbeddedPostgres } from './embedded-postgres.js';
export { assertPostgresReachable, ServiceUnreachableError, redactUrl, describe as describeError } from './connection-check.js';
export { runMigrations, revertLastMigration } from './migrate.js';
