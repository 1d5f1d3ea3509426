import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Interleaving experiments: `experiments.type` ('ab' | 'interleaving') and, per logged position, the team (variant key)
 * that contributed the item to an interleaved list (null for A/B lists). The item-level view gains the team.
 */
export class InterleavingExperiments1764100023000 implements MigrationInterface {
  name = 'InterleavingExperiments1764100023000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE experiments ADD COLUMN type varchar(16) NOT NULL DEFAULT 'ab' CHECK (type IN ('ab', 'interleaving'))`);
    await q.query(`ALTER TABLE experiment_exposures ADD COLUMN team varchar(64)`);
    await q.query(`
      CREATE OR REPLACE VIEW experiment_exposure_items AS
        SELECT r.ranking_id, r.unit_id, e.key AS experiment_key, r.phase, r.variant, r.model_version, x.position, x.job_id, x.score, r.served_at, x.team
        FROM experiment_exposures x JOIN experiment_rankings r ON r.seq = x.ranking_seq JOIN experiments e ON e.id = r.experiment_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW experiment_exposure_items`);
    await q.query(`
      CREATE VIEW experiment_exposure_items AS
        SELECT r.ranking_id, r.unit_id, e.key AS experiment_key, r.phase, r.variant, r.model_version, x.position, x.job_id, x.score, r.served_at
        FROM experiment_exposures x JOIN experiment_rankings r ON r.seq = x.ranking_seq JOIN experiments e ON e.id = r.experiment_id`);
    await q.query(`ALTER TABLE experiment_exposures DROP COLUMN team`);
    await q.query(`ALTER TABLE experiments DROP COLUMN type`);
  }
}
