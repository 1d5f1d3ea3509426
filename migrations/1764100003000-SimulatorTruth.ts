import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Synthetic markets and their ground truth (latent vectors and the attributes the utility uses). */
export class SimulatorTruth1764100003000 implements MigrationInterface {
  name = 'SimulatorTruth1764100003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sim_markets (
        id bigserial PRIMARY KEY,
        seed bigint NOT NULL UNIQUE CHECK (seed >= 0),
        model_version integer NOT NULL,
        candidates integer NOT NULL,
        jobs integer NOT NULL,
        companies integer NOT NULL,
        days integer NOT NULL,
        start_at timestamptz NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        status varchar(10) NOT NULL DEFAULT 'running' CHECK (status IN ('running','completed')),
        interactions integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE sim_candidate_truth (
        candidate_id bigint PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
        market_id bigint NOT NULL REFERENCES sim_markets(id) ON DELETE CASCADE,
        occupation varchar(40) NOT NULL,
        skills text[] NOT NULL,
        seniority_level smallint NOT NULL,
        salary_expectation_usd double precision NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        remote_preference varchar(10) NOT NULL,
        latent double precision[] NOT NULL
      )`);
    await q.query(`CREATE INDEX sim_candidate_truth_market_idx ON sim_candidate_truth (market_id)`);
    await q.query(`
      CREATE TABLE sim_job_truth (
        job_id bigint PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        market_id bigint NOT NULL REFERENCES sim_markets(id) ON DELETE CASCADE,
        occupation varchar(40) NOT NULL,
        skills text[] NOT NULL,
        seniority_level smallint NOT NULL,
        salary_annual_max_usd double precision NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        remote boolean NOT NULL,
        quality double precision NOT NULL,
        latent double precision[] NOT NULL
      )`);
    await q.query(`CREATE INDEX sim_job_truth_market_idx ON sim_job_truth (market_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS sim_job_truth`);
    await q.query(`DROP TABLE IF EXISTS sim_candidate_truth`);
    await q.query(`DROP TABLE IF EXISTS sim_markets`);
  }
}
