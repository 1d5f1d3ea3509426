import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `jobs.direct_apply`: schema.org JobPosting `directApply` (true: the application happens on the posting's own page,
 * without a redirect to another site). Null when the source does not say (files, feeds and ATS boards mostly).
 */
export class JobDirectApply1764200950000 implements MigrationInterface {
  name = 'JobDirectApply1764200950000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ADD COLUMN direct_apply boolean`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs DROP COLUMN direct_apply`);
  }
}
