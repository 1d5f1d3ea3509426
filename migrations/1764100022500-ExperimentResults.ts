import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Cached experiment analyses (one row per experiment and phase), written by the results job and on demand. */
export class ExperimentResults1764100022500 implements MigrationInterface {
  name = 'ExperimentResults1764100022500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE experiment_results (
        experiment_id bigint NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        phase integer NOT NULL,
        computed_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        payload jsonb NOT NULL,
        PRIMARY KEY (experiment_id, phase)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE experiment_results`);
  }
}
