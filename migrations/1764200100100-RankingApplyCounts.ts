import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Applications per job (the ranking pipeline's load balancing reads all counts once a minute): a partial index on applies. */
export class RankingApplyCounts1764200100100 implements MigrationInterface {
  name = 'RankingApplyCounts1764200100100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX interactions_apply_job_idx ON interactions (job_id) WHERE type = 'apply'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX interactions_apply_job_idx`);
  }
}
