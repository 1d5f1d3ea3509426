import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Near-duplicate detection keeps its MinHash signatures and LSH bands in memory for the run, rebuilt from the
 * stored title and description the first time an import meets a company. Storing them cost about half the
 * bytes written per job and a GIN index, and tied stored rows to one signature scheme.
 * Also indexes jobs.canonical_job_id (duplicates only): without it every deleted job made PostgreSQL scan
 * the whole table for duplicates pointing at it.
 */
export class JobsSignaturesInMemory1764100007000 implements MigrationInterface {
  name = 'JobsSignaturesInMemory1764100007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS jobs_lsh_idx`);
    await q.query(`ALTER TABLE jobs DROP COLUMN lsh_bands, DROP COLUMN minhash`);
    await q.query(`CREATE INDEX jobs_canonical_idx ON jobs (canonical_job_id) WHERE canonical_job_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX jobs_canonical_idx`);
    await q.query(`ALTER TABLE jobs ADD COLUMN minhash integer[], ADD COLUMN lsh_bands bigint[]`);
    await q.query(`CREATE INDEX jobs_lsh_idx ON jobs USING gin (lsh_bands)`);
  }
}
