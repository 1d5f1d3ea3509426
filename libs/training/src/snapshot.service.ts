import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PiiCipher, piiContext } from '@app/pii';
import type { TrainingSnapshot } from '@app/recsys';
import { DataSource } from 'typeorm';
import { buildSnapshot, type CandidateRow, type InteractionRow, type JobRow, type SnapshotInfo, type SnapshotOptions } from './snapshot.js';

const CANDIDATE_COLUMNS = `c.id::text AS id, c.desired_titles, c.skills, c.city, c.country, c.salary_expectation, c.preferences,
  (SELECT json_agg(json_build_array(r.text, r.text_enc, r.source, r.external_id) ORDER BY r.id) FROM resumes r WHERE r.candidate_id = c.id) AS resume`;

type StoredResume = [text: string | null, textEnc: string | null, source: string, externalId: string];

/** The resume texts (encrypted at rest: decrypted here, in one pass over the rows) joined as the snapshot expects. */
async function decryptResumes(rows: CandidateRow[]): Promise<CandidateRow[]> {
  const pii = await PiiCipher.current();
  for (const row of rows) {
    const stored = row.resume as unknown as StoredResume[] | null;
    row.resume = stored ? stored.map(([text, enc, source, ext]) => pii.reveal(enc, text, piiContext.resumeText(source, ext)) ?? '').join('\n\n') : null;
  }
  return rows;
}

/**
 * Reads a training snapshot from the market tables. Only candidates with consent_training = true are used
 * (their interactions too); jobs posted before the cut-off, except duplicates, are the catalogue.
 */
@Injectable()
export class SnapshotService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async build(opts: SnapshotOptions): Promise<{ snapshot: TrainingSnapshot; info: SnapshotInfo }> {
    const cutoff = opts.cutoff;
    const jobs: JobRow[] = await this.db.query(
      `SELECT id::text AS id, title, description, skills, city, country, remote, salary_annual_min, salary_annual_max,
              seniority, employment_type, expires_at, status
         FROM jobs WHERE posted_at < $1 AND status <> 'duplicate' ORDER BY id`,
      [cutoff],
    );
    const candidates = await decryptResumes(await this.db.query(`SELECT ${CANDIDATE_COLUMNS} FROM candidates c WHERE c.consent_training ORDER BY c.id`));
    const interactions: InteractionRow[] = await this.db.query(
      `SELECT i.candidate_id::text AS candidate_id, i.job_id::text AS job_id, i.type, extract(epoch FROM i.occurred_at)::float8 AS t
         FROM interactions i JOIN candidates c ON c.id = i.candidate_id
        WHERE c.consent_training AND i.occurred_at < $1 AND i.type <> 'unsubscribe' ${opts.includeImpressions ? '' : "AND i.type <> 'impression'"}
        ORDER BY i.occurred_at, i.id`,
      [cutoff],
    );
    for (const x of interactions) x.t = Number(x.t);
    return buildSnapshot(jobs, candidates, interactions, opts);
  }

  /** One candidate's features (for candidates a model has not seen), or null when the candidate does not exist. */
  async candidateRow(id: string): Promise<CandidateRow | null> {
    if (!/^\d+$/.test(id)) return null;
    const rows = await decryptResumes(await this.db.query(`SELECT ${CANDIDATE_COLUMNS} FROM candidates c WHERE c.id = $1`, [id]));
    return rows[0] ?? null;
  }
}
