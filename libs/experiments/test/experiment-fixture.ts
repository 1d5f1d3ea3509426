import type pg from 'pg';

/**
 * The rows the experiments integration tests serve and log against: `jobs` postings of one company and
 * `candidates` candidates (unit ids), returned as database ids in insertion order.
 */
export async function insertUnitsAndJobs(sql: pg.Client, counts: { jobs: number; candidates: number }): Promise<{ jobs: string[]; candidates: string[] }> {
  const company = (await sql.query(`INSERT INTO companies (name, normalized_name) VALUES ('Acme', 'acme') RETURNING id`)).rows[0].id;
  const jobs: string[] = [];
  for (let i = 0; i < counts.jobs; i++) {
    const r = await sql.query(
      `INSERT INTO jobs (source, external_id, company_id, title, normalized_title, description, skills, city, country, remote, posted_at, content_hash)
       VALUES ('test', $1::text, $2, 'Engineer', 'engineer', 'desc', '{typescript}', 'Berlin', 'DE', false, now(), md5($1::text) || '00000000') RETURNING id::text AS id`,
      [`j${i}`, company],
    );
    jobs.push(r.rows[0].id);
  }
  const candidates: string[] = [];
  for (let i = 0; i < counts.candidates; i++) {
    const r = await sql.query(`INSERT INTO candidates (source, external_id, name, email, time_zone, consent_alerts) VALUES ('test', $1, 'C', $2, 'UTC', true) RETURNING id::text AS id`, [`c${i}`, `c${i}@example.org`]);
    candidates.push(r.rows[0].id);
  }
  return { jobs, candidates };
}
