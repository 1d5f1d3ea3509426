import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connectors (libs/connectors):
 * - `job_sources`: where postings come from (career pages, XML feeds, Greenhouse / Lever / generic JSON feeds), with
 *   the schedule, the field mapping and the owner; `state` keeps what the next run needs (conditional-GET validators,
 *   the ids each crawled page held). `name` is the `source` of the jobs it writes.
 * - `job_source_runs`: one row per sync with its counts (fetched, new, updated, unchanged, expired, rejected with
 *   reasons), progress, status and duration; `import_run_id` links the import run that validated and wrote the rows.
 */
export class JobSources1764200800000 implements MigrationInterface {
  name = 'JobSources1764200800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_sources (
        id bigserial PRIMARY KEY,
        name varchar(100) NOT NULL UNIQUE,
        type varchar(20) NOT NULL CHECK (type IN ('career_pages','xml_feed','greenhouse','lever','json_feed')),
        url text,
        file text,
        start_urls text[] NOT NULL DEFAULT '{}',
        schedule varchar(100),
        mapping jsonb NOT NULL DEFAULT '{}',
        owner varchar(320),
        enabled boolean NOT NULL DEFAULT true,
        state jsonb NOT NULL DEFAULT '{}',
        last_run_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (url IS NOT NULL OR file IS NOT NULL OR cardinality(start_urls) > 0)
      )`);
    await q.query(`
      CREATE TABLE job_source_runs (
        id bigserial PRIMARY KEY,
        source_id bigint NOT NULL REFERENCES job_sources(id) ON DELETE CASCADE,
        trigger varchar(12) NOT NULL CHECK (trigger IN ('scheduled','manual')),
        status varchar(14) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','completed','not_modified','failed')),
        progress integer NOT NULL DEFAULT 0,
        fetched integer NOT NULL DEFAULT 0,
        new integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        duplicates integer NOT NULL DEFAULT 0,
        expired integer NOT NULL DEFAULT 0,
        rejected integer NOT NULL DEFAULT 0,
        rejections jsonb NOT NULL DEFAULT '[]',
        skipped jsonb NOT NULL DEFAULT '[]',
        import_run_id bigint REFERENCES import_runs(id) ON DELETE SET NULL,
        error text,
        queued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms integer
      )`);
    await q.query(`CREATE INDEX job_source_runs_source_idx ON job_source_runs (source_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_source_runs`);
    await q.query(`DROP TABLE job_sources`);
  }
}
