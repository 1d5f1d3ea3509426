import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The job market: companies, jobs, candidates, resumes, interactions, plus imports and currency rates. */
export class MarketSchema1764100000000 implements MigrationInterface {
  name = 'MarketSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE currency_rates (
        currency char(3) PRIMARY KEY,
        units_per_usd double precision NOT NULL CHECK (units_per_usd > 0),
        as_of date NOT NULL
      )`);
    // Explicit, dated rates (approximate ECB reference rates); editable with the CLI or SQL.
    await q.query(`
      INSERT INTO currency_rates (currency, units_per_usd, as_of) VALUES
        ('USD', 1, '2026-11-02'), ('EUR', 0.92, '2026-11-02'), ('GBP', 0.78, '2026-11-02'),
        ('CAD', 1.38, '2026-11-02'), ('AUD', 1.52, '2026-11-02'), ('INR', 84.1, '2026-11-02'),
        ('JPY', 151.0, '2026-11-02'), ('CHF', 0.86, '2026-11-02'), ('SGD', 1.33, '2026-11-02'),
        ('SEK', 10.6, '2026-11-02'), ('PLN', 4.0, '2026-11-02'), ('BRL', 5.7, '2026-11-02'),
        ('MXN', 20.0, '2026-11-02'), ('CNY', 7.1, '2026-11-02'), ('ILS', 3.75, '2026-11-02')`);

    await q.query(`
      CREATE TABLE companies (
        id bigserial PRIMARY KEY,
        name varchar(300) NOT NULL,
        normalized_name varchar(300) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE jobs (
        id bigserial PRIMARY KEY,
        source varchar(100) NOT NULL,
        external_id varchar(200) NOT NULL,
        company_id bigint REFERENCES companies(id),
        title varchar(300) NOT NULL,
        normalized_title varchar(300) NOT NULL,
        description text NOT NULL DEFAULT '',
        skills text[] NOT NULL DEFAULT '{}',
        city varchar(120),
        region varchar(120),
        country char(2),
        remote boolean NOT NULL DEFAULT false,
        salary_min double precision CHECK (salary_min >= 0),
        salary_max double precision CHECK (salary_max >= 0),
        salary_currency char(3),
        salary_period varchar(10) CHECK (salary_period IN ('hour','day','week','month','year')),
        salary_annual_min double precision,
        salary_annual_max double precision,
        seniority varchar(12) CHECK (seniority IN ('intern','junior','mid','senior','lead','executive')),
        employment_type varchar(12) CHECK (employment_type IN ('full_time','part_time','contract','temporary','internship')),
        posted_at timestamptz NOT NULL,
        expires_at timestamptz,
        content_hash char(40) NOT NULL,
        minhash integer[],
        lsh_bands bigint[],
        status varchar(10) NOT NULL DEFAULT 'active' CHECK (status IN ('active','expired','closed','duplicate')),
        canonical_job_id bigint REFERENCES jobs(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT jobs_source_external_uq UNIQUE (source, external_id)
      )`);
    await q.query(`CREATE INDEX jobs_status_posted_idx ON jobs (status, posted_at DESC, id)`);
    await q.query(`CREATE INDEX jobs_posted_idx ON jobs (posted_at DESC, id)`);
    await q.query(`CREATE INDEX jobs_company_idx ON jobs (company_id)`);
    await q.query(`CREATE INDEX jobs_content_hash_idx ON jobs (content_hash)`);
    await q.query(`CREATE INDEX jobs_normalized_title_idx ON jobs (normalized_title)`);
    await q.query(`CREATE INDEX jobs_location_idx ON jobs (country, city)`);
    await q.query(`CREATE INDEX jobs_skills_idx ON jobs USING gin (skills)`);
    await q.query(`CREATE INDEX jobs_lsh_idx ON jobs USING gin (lsh_bands)`);

    await q.query(`
      CREATE TABLE candidates (
        id bigserial PRIMARY KEY,
        source varchar(100) NOT NULL,
        external_id varchar(200) NOT NULL,
        name varchar(200),
        email varchar(320),
        city varchar(120),
        region varchar(120),
        country char(2),
        desired_titles text[] NOT NULL DEFAULT '{}',
        skills text[] NOT NULL DEFAULT '{}',
        years_experience real CHECK (years_experience >= 0),
        education_level varchar(12) CHECK (education_level IN ('none','high_school','associate','bachelor','master','phd')),
        salary_expectation double precision CHECK (salary_expectation >= 0),
        preferences jsonb NOT NULL DEFAULT '{}',
        consent_alerts boolean NOT NULL DEFAULT false,
        consent_training boolean NOT NULL DEFAULT false,
        time_zone varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT candidates_source_external_uq UNIQUE (source, external_id)
      )`);
    await q.query(`CREATE INDEX candidates_location_idx ON candidates (country, city)`);
    await q.query(`CREATE INDEX candidates_skills_idx ON candidates USING gin (skills)`);

    await q.query(`
      CREATE TABLE resumes (
        id bigserial PRIMARY KEY,
        source varchar(100) NOT NULL,
        external_id varchar(200) NOT NULL,
        candidate_id bigint NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        category varchar(120),
        text text NOT NULL,
        parsed_skills text[] NOT NULL DEFAULT '{}',
        content_hash char(40) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT resumes_source_external_uq UNIQUE (source, external_id)
      )`);
    await q.query(`CREATE INDEX resumes_candidate_idx ON resumes (candidate_id)`);
    await q.query(`CREATE INDEX resumes_content_hash_idx ON resumes (content_hash)`);

    await q.query(`
      CREATE TABLE interactions (
        id bigserial PRIMARY KEY,
        event_id varchar(100) NOT NULL UNIQUE,
        candidate_id bigint NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        job_id bigint NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        type varchar(12) NOT NULL CHECK (type IN ('impression','click','save','apply','dismiss')),
        occurred_at timestamptz NOT NULL,
        ranking_id varchar(64),
        experiment_key varchar(100),
        variant varchar(100),
        position integer CHECK (position >= 0),
        source varchar(100) NOT NULL DEFAULT 'api',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX interactions_candidate_time_idx ON interactions (candidate_id, occurred_at)`);
    await q.query(`CREATE INDEX interactions_job_idx ON interactions (job_id)`);
    await q.query(`CREATE INDEX interactions_time_idx ON interactions (occurred_at, id)`);
    await q.query(`CREATE INDEX interactions_ranking_idx ON interactions (ranking_id) WHERE ranking_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE import_runs (
        id bigserial PRIMARY KEY,
        kind varchar(20) NOT NULL CHECK (kind IN ('jobs','candidates','resumes','interactions')),
        source_name varchar(500) NOT NULL,
        format varchar(10) NOT NULL,
        strict boolean NOT NULL DEFAULT false,
        status varchar(12) NOT NULL DEFAULT 'running' CHECK (status IN ('running','completed','rejected','failed')),
        total_rows integer NOT NULL DEFAULT 0,
        inserted integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        duplicates integer NOT NULL DEFAULT 0,
        rejected integer NOT NULL DEFAULT 0,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE import_rejections (
        run_id bigint NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
        line integer NOT NULL,
        field varchar(100),
        reason text NOT NULL,
        raw text,
        PRIMARY KEY (run_id, line)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['import_rejections', 'import_runs', 'interactions', 'resumes', 'candidates', 'jobs', 'companies', 'currency_rates']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
