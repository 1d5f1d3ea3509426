import { migrations } from '@app/migrations';
import { DataSource } from 'typeorm';

// Any constant shared by every Matchlab process; serialises concurrent boots of api and worker.
const MIGRATION_LOCK = 7_224_301;

/** Runs pending migrations under an advisory lock; returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource({ type: 'postgres', url, migrations, extra: { max: 1 }, logging: false });
  await ds.initialize();
  try {
    await ds.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await ds.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await ds.destroy();
  }
}

export async function revertLastMigration(url: string): Promise<void> {
  const ds = new DataSource({ type: 'postgres', url, migrations, extra: { max: 1 }, logging: false });
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
