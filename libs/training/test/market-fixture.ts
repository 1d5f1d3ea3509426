import pg from 'pg';

/** Small deterministic market for training tests: 4 taste groups; candidates prefer jobs of their group. */
export interface FixtureOptions {
  candidates?: number;
  jobs?: number;
  /** Candidates with id > consenting have consent_training = false. */
  consenting?: number;
  eventsPerCandidate?: number;
  days?: number;
  seed?: number;
}

export const FIXTURE_END = new Date('2026-11-01T00:00:00Z');

export async function insertMarket(url: string, o: FixtureOptions = {}): Promise<void> {
  const nc = o.candidates ?? 40, nj = o.jobs ?? 48, consenting = o.consenting ?? nc - 5, ev = o.eventsPerCandidate ?? 10, days = o.days ?? 30;
  let s = (o.seed ?? 7) >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const seniorities = ['intern', 'junior', 'mid', 'senior', 'lead', 'executive'];
    const jobs: string[] = [];
    for (let j = 1; j <= nj; j++) {
      jobs.push(`('fx', 'job-${j}', 'Job ${j} group ${j % 4}', 'job ${j}', 'skills for group ${j % 4}', ARRAY['skill${j % 4}'], 'Berlin', 'DE', ${j % 5 === 0},
        ${50000 + j * 1000}, ${60000 + j * 1000}, 'EUR', 'year', ${50000 + j * 1000}, ${60000 + j * 1000}, '${seniorities[j % 6]}', 'full_time',
        timestamptz '2026-09-01T00:00:00Z', NULL, repeat('${(j % 10).toString()}', 40))`);
    }
    await c.query(`INSERT INTO jobs (source, external_id, title, normalized_title, description, skills, city, country, remote,
      salary_min, salary_max, salary_currency, salary_period, salary_annual_min, salary_annual_max, seniority, employment_type, posted_at, expires_at, content_hash)
      VALUES ${jobs.join(',\n')}`);
    const cands: string[] = [];
    for (let u = 1; u <= nc; u++) {
      cands.push(`('fx', 'cand-${u}', ARRAY['Job group ${u % 4}'], ARRAY['skill${u % 4}'], 'Berlin', 'DE', ${u <= consenting})`);
    }
    await c.query(`INSERT INTO candidates (source, external_id, desired_titles, skills, city, country, consent_training) VALUES ${cands.join(',')}`);
    const { rows: jr } = await c.query<{ id: string; external_id: string }>(`SELECT id::text, external_id FROM jobs WHERE source = 'fx' ORDER BY id`);
    const { rows: cr } = await c.query<{ id: string }>(`SELECT id::text FROM candidates WHERE source = 'fx' ORDER BY id`);
    const types = ['impression', 'impression', 'click', 'click', 'save', 'apply', 'dismiss'];
    const events: string[] = [];
    let e = 0;
    cr.forEach((cand, ui) => {
      const group = (ui + 1) % 4;
      for (let t = 0; t < ev; t++) {
        const inGroup = rand() < 0.85;
        let j: number;
        do j = Math.floor(rand() * nj); while (inGroup ? (j + 1) % 4 !== group : false);
        const type = types[Math.floor(rand() * types.length)]!;
        const at = new Date(FIXTURE_END.getTime() - days * 86400_000 + Math.floor(rand() * days * 86400) * 1000);
        events.push(`('ev-${++e}', ${cand.id}, ${jr[j]!.id}, '${type}', '${at.toISOString()}')`);
      }
    });
    await c.query(`INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at) VALUES ${events.join(',')}`);
  } finally {
    await c.end();
  }
}
