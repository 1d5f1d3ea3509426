import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bandit experiments: `experiments.type` may be 'bandit', with its configuration (exploration floor, reward, refresh
 * period) in `experiments.bandit`; `experiment_allocations` keeps every allocation epoch of a phase (serving
 * probabilities with the posterior counts they came from, so an assignment can be recomputed); every logged list
 * records the probability with which its arm was served (`propensity`, null outside bandits) and the epoch.
 */
export class BanditExperiments1764200300000 implements MigrationInterface {
  name = 'BanditExperiments1764200300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE experiments DROP CONSTRAINT IF EXISTS experiments_type_check`);
    await q.query(`ALTER TABLE experiments ADD CONSTRAINT experiments_type_check CHECK (type IN ('ab', 'interleaving', 'bandit'))`);
    await q.query(`ALTER TABLE experiments ADD COLUMN bandit jsonb`);
    await q.query(`
      CREATE TABLE experiment_allocations (
        experiment_id bigint NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        phase integer NOT NULL,
        epoch integer NOT NULL,
        arms jsonb NOT NULL,
        reason text NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (experiment_id, phase, epoch)
      )`);
    await q.query(`ALTER TABLE experiment_rankings ADD COLUMN propensity double precision CHECK (propensity > 0 AND propensity <= 1)`);
    await q.query(`ALTER TABLE experiment_rankings ADD COLUMN allocation_epoch integer`);
    await q.query(`
      CREATE OR REPLACE VIEW experiment_exposure_items AS
        SELECT r.ranking_id, r.unit_id, e.key AS experiment_key, r.phase, r.variant, r.model_version, x.position, x.job_id, x.score, r.served_at, x.team, r.propensity, r.allocation_epoch
        FROM experiment_exposures x JOIN experiment_rankings r ON r.seq = x.ranking_seq JOIN experiments e ON e.id = r.experiment_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW experiment_exposure_items`);
    await q.query(`
      CREATE VIEW experiment_exposure_items AS
        SELECT r.ranking_id, r.unit_id, e.key AS experiment_key, r.phase, r.variant, r.model_version, x.position, x.job_id, x.score, r.served_at, x.team
        FROM experiment_exposures x JOIN experiment_rankings r ON r.seq = x.ranking_seq JOIN experiments e ON e.id = r.experiment_id`);
    await q.query(`ALTER TABLE experiment_rankings DROP COLUMN allocation_epoch`);
    await q.query(`ALTER TABLE experiment_rankings DROP COLUMN propensity`);
    await q.query(`DROP TABLE experiment_allocations`);
    await q.query(`ALTER TABLE experiments DROP COLUMN bandit`);
    await q.query(`DELETE FROM experiments WHERE type = 'bandit'`);
    await q.query(`ALTER TABLE experiments DROP CONSTRAINT IF EXISTS experiments_type_check`);
    await q.query(`ALTER TABLE experiments ADD CONSTRAINT experiments_type_check CHECK (type IN ('ab', 'interleaving'))`);
  }
}
