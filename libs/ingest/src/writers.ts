import { PiiCipher, piiContext } from '@app/pii';
import type { LshIndex } from './lsh-index.js';
import { textMinhash } from './minhash.js';
import { sha1, signatureText, type PreparedCandidate, type PreparedJob, type PreparedResume } from './prepare.js';
import type { InteractionRow } from './schemas.js';
import { copyText, type CopyValue } from './copy-text.js';

export type Query = (sql: string, params?: unknown[]) => Promise<any[]>;
/** Streams COPY text into `COPY <target> FROM STDIN` on the transaction's connection (not available on PGlite). */
export type CopyIn = (target: string, text: string) => Promise<void>;

export interface BatchCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  rejections: Array<{ line: number; field: string | null; reason: string }>;
}
const emptyCounts = (): BatchCounts => ({ inserted: 0, updated: 0, unchanged: 0, duplicates: 0, rejections: [] });

export interface Lined<T> {
  line: number;
  row: T;
}

const JOB_COLUMNS: Array<[string, string]> = [
  ['source', 'text'], ['external_id', 'text'], ['company_id', 'bigint'], ['title', 'text'], ['normalized_title', 'text'],
  ['description', 'text'], ['skills', 'text[]'], ['city', 'text'], ['region', 'text'], ['country', 'text'], ['remote', 'boolean'],
  ['salary_min', 'double precision'], ['salary_max', 'double precision'], ['salary_currency', 'text'], ['salary_period', 'text'],
  ['salary_annual_min', 'double precision'], ['salary_annual_max', 'double precision'], ['seniority', 'text'],
  ['employment_type', 'text'], ['posted_at', 'timestamptz'], ['expires_at', 'timestamptz'], ['content_hash', 'text'],
  ['status', 'text'], ['canonical_job_id', 'bigint'], ['direct_apply', 'boolean'],
];
const JOB_UPDATABLE = JOB_COLUMNS.map(([c]) => c).filter((c) => c !== 'source' && c !== 'external_id');

/**
 * Multi-row upsert of jobs from one JSON parameter. Rows whose every column is already equal are left alone
 * (not returned → "unchanged"); xmax = 0 tells a fresh insert from an update. A missing posted_at keeps the
 * stored value (or becomes the import time on first insert), so re-imports stay unchanged: those rows take
 * the variant that joins the stored row, the rest skip the join. `json` (not `jsonb`) because the rows are
 * read once: parsing into jsonb and the join made the statement ~1.7× slower.
 */
function jobUpsertSql(keepStoredPostedAt: boolean): string {
  return `
  INSERT INTO jobs AS j (${JOB_COLUMNS.map(([c]) => c).join(', ')})
  SELECT ${JOB_COLUMNS.map(([c]) => (c === 'posted_at' ? (keepStoredPostedAt ? 'COALESCE(r.posted_at, e.posted_at, now())' : 'COALESCE(r.posted_at, now())') : `r.${c}`)).join(', ')}
  FROM json_to_recordset($1::json) AS r(${JOB_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})
  ${keepStoredPostedAt ? 'LEFT JOIN jobs e ON e.source = r.source AND e.external_id = r.external_id' : ''}
  ON CONFLICT (source, external_id) DO UPDATE SET ${JOB_UPDATABLE.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
  WHERE (${JOB_UPDATABLE.map((c) => `j.${c}`).join(', ')}) IS DISTINCT FROM (${JOB_UPDATABLE.map((c) => `EXCLUDED.${c}`).join(', ')})
  RETURNING (xmax = 0) AS inserted`;
}
const JOB_UPSERT = { withPostedAt: jobUpsertSql(false), withoutPostedAt: jobUpsertSql(true) };

/**
 * The same upsert reading a session-local staging table filled by COPY: on PostgreSQL this halves the
 * database time of a batch (COPY text parses faster than JSON and the statement plans once per session).
 */
const JOB_STAGE = 'import_jobs_stage';
const JOB_STAGE_DDL = `CREATE TEMP TABLE IF NOT EXISTS ${JOB_STAGE} (${JOB_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})`;
const JOB_UPSERT_FROM_STAGE = jobUpsertSql(true).replace(/FROM json_to_recordset\(\$1::json\) AS r\([^)]*\)/, `FROM ${JOB_STAGE} r`);

/** Upserts job records; returns how many were inserted and how many updated (the rest were unchanged). */
async function upsertJobs(q: Query, records: Array<Record<string, CopyValue>>, copy?: CopyIn): Promise<{ inserted: number; updated: number }> {
  const out = { inserted: 0, updated: 0 };
  const count = (rows: Array<{ inserted: boolean }>) => {
    for (const r of rows) {
      if (r.inserted) out.inserted++;
      else out.updated++;
    }
  };
  if (!records.length) return out;
  if (copy) {
    await q(JOB_STAGE_DDL);
    await q(`TRUNCATE ${JOB_STAGE}`);
    await copy(`${JOB_STAGE} (${JOB_COLUMNS.map(([c]) => c).join(', ')})`, copyText(records, JOB_COLUMNS.map(([c]) => c)));
    count(await q(JOB_UPSERT_FROM_STAGE));
    return out;
  }
  const dated = records.filter((r) => r.posted_at !== null);
  const undated = records.filter((r) => r.posted_at === null);
  for (const [sql, part] of [[JOB_UPSERT.withPostedAt, dated], [JOB_UPSERT.withoutPostedAt, undated]] as const) {
    if (part.length) count(await q(sql, [JSON.stringify(part)]));
  }
  return out;
}

/** Resolves company names to ids in bulk (insert the missing ones, then one select), cached for the run. */
export async function resolveCompanies(q: Query, rows: PreparedJob[], cache: Map<string, string>): Promise<void> {
  const missing = new Map<string, string>();
  for (const r of rows) if (r.company_key && !cache.has(r.company_key) && !missing.has(r.company_key)) missing.set(r.company_key, r.company!.trim());
  if (!missing.size) return;
  const keys = [...missing.keys()];
  await q(`INSERT INTO companies (name, normalized_name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (normalized_name) DO NOTHING`, [[...missing.values()], keys]);
  for (const r of await q(`SELECT id, normalized_name FROM companies WHERE normalized_name = ANY($1::text[])`, [keys])) cache.set(r.normalized_name, String(r.id));
}

/**
 * Near duplicates are found in the run's in-memory LSH index (lsh-index.ts). A company's stored jobs are
 * loaded into it the first time the run meets that company (one query per batch for the new companies);
 * rows the run writes are added as it goes. Looking band keys up in PostgreSQL instead (GIN `&&` with ~32k
 * keys per batch, or a join over unnested bands) cost 0.5–7 s per batch.
 */
async function loadCompanies(q: Query, index: LshIndex, companyIds: string[]): Promise<void> {
  const fresh = companyIds.filter((c) => !index.companies.has(c));
  if (!fresh.length) return;
  for (const c of fresh) index.companies.add(c);
  // In slices: a re-import's first batch meets thousands of companies, and their stored jobs' descriptions read in
  // one query held ~200 MB at once (100,000 stored jobs). Each company's jobs still go in in id order.
  for (let i = 0; i < fresh.length; i += LOAD_COMPANIES_PER_QUERY) {
    const rows = await q(`SELECT id::text, source, external_id, company_id::text, normalized_title, description FROM jobs WHERE company_id = ANY($1::bigint[]) AND status <> 'duplicate' ORDER BY id`, [fresh.slice(i, i + LOAD_COMPANIES_PER_QUERY)]);
    for (const r of rows) {
      const { signature, bands } = textMinhash(signatureText(r.normalized_title, r.description));
      index.add(r.company_id, bands, { id: r.id, source: r.source, external_id: r.external_id }, signature);
    }
  }
}
const LOAD_COMPANIES_PER_QUERY = 250;

type Canonical = { id: string } | { externalId: string };

/**
 * Writes one batch of prepared jobs: exact duplicates (same content hash) and near duplicates (same company,
 * MinHash Jaccard estimate >= 0.8 via LSH bands) get status 'duplicate' and canonical_job_id of the earliest
 * non-duplicate job (in the database or earlier in the run); everything else is upserted.
 */
export async function writeJobs(q: Query, batch: Array<Lined<PreparedJob>>, companies: Map<string, string>, index: LshIndex, copy?: CopyIn): Promise<BatchCounts> {
  const counts = emptyCounts();
  if (!batch.length) return counts;
  await resolveCompanies(q, batch.map((b) => b.row), companies);
  const companyOf = (r: PreparedJob) => (r.company_key ? companies.get(r.company_key)! : null);
  const source = batch[0]!.row.source;

  const hashes = [...new Set(batch.map((b) => b.row.content_hash))];
  // bpchar[] matches the char(40) column; text[] would cast the column and skip its index (a sequential scan per batch).
  const sameHash: Array<{ id: string; source: string; external_id: string; content_hash: string }> = await q(
    `SELECT id::text, source, external_id, content_hash FROM jobs WHERE status <> 'duplicate' AND content_hash = ANY($1::bpchar[]) ORDER BY id`,
    [hashes],
  );
  const byHash = new Map<string, typeof sameHash>();
  for (const e of sameHash) (byHash.get(e.content_hash) ?? byHash.set(e.content_hash, []).get(e.content_hash)!).push(e);
  await loadCompanies(q, index, [...new Set(batch.map((b) => companyOf(b.row)).filter((c): c is string => !!c))]);

  const canonical: Array<Canonical | null> = [];
  const batchHash = new Map<string, string>();
  for (const { row } of batch) {
    const isSelf = (e: { source: string; external_id: string }) => e.source === row.source && e.external_id === row.external_id;
    const company = companyOf(row);
    let found: Canonical | null = null;
    const exact = byHash.get(row.content_hash)?.find((e) => !isSelf(e));
    if (exact) found = { id: exact.id };
    else if (batchHash.has(row.content_hash)) found = { externalId: batchHash.get(row.content_hash)! };
    else if (company) {
      const near = index.find(company, row.lsh_bands, row.minhash, isSelf);
      if (near) found = near.id ? { id: near.id } : { externalId: near.external_id };
    }
    canonical.push(found);
    if (!found) {
      batchHash.set(row.content_hash, row.external_id);
      // An unchanged re-import: the row's stored self (same content, so the same signature) is in the index already.
      const indexed = !!byHash.get(row.content_hash)?.some(isSelf);
      if (company && !indexed) index.add(company, row.lsh_bands, { source: row.source, external_id: row.external_id }, row.minhash);
    }
  }

  const record = (r: PreparedJob, canonicalId: string | null) => {
    const { company: _c, company_key: _k, lsh_bands: _b, minhash: _m, ...cols } = r;
    return { ...cols, company_id: companyOf(r), status: canonicalId ? 'duplicate' : r.status, canonical_job_id: canonicalId };
  };
  const primary = batch.filter((_, i) => !canonical[i]).map((b) => record(b.row, null));
  const written = await upsertJobs(q, primary, copy);
  counts.inserted += written.inserted;
  counts.updated += written.updated;
  counts.unchanged += primary.length - written.inserted - written.updated;

  const dupIdx = batch.map((_, i) => i).filter((i) => canonical[i]);
  if (dupIdx.length) {
    const refs = [...new Set(dupIdx.map((i) => canonical[i]!).flatMap((c) => ('externalId' in c ? [c.externalId] : [])))];
    const ids = new Map<string, string>();
    if (refs.length) {
      for (const r of await q(`SELECT id::text, external_id FROM jobs WHERE source = $1 AND external_id = ANY($2::text[])`, [source, refs])) ids.set(r.external_id, r.id);
    }
    const dups = dupIdx.map((i) => {
      const c = canonical[i]!;
      return record(batch[i]!.row, 'id' in c ? c.id : ids.get(c.externalId)!);
    });
    const dupWritten = await upsertJobs(q, dups, copy);
    const changed = dupWritten.inserted + dupWritten.updated;
    counts.duplicates += changed;
    counts.unchanged += dups.length - changed;
  }
  return counts;
}

// name and email are written NULL (they hold only legacy plaintext, cleared on update); the PII goes into the envelopes.
const CANDIDATE_COLUMNS: Array<[string, string]> = [
  ['source', 'text'], ['external_id', 'text'], ['name', 'text'], ['email', 'text'], ['name_enc', 'text'], ['email_enc', 'text'],
  ['email_index', 'text'], ['pii_digest', 'text'], ['city', 'text'], ['region', 'text'],
  ['country', 'text'], ['desired_titles', 'text[]'], ['skills', 'text[]'], ['years_experience', 'real'], ['education_level', 'text'],
  ['salary_expectation', 'double precision'], ['preferences', 'jsonb'], ['consent_alerts', 'boolean'], ['consent_training', 'boolean'],
  ['time_zone', 'text'],
];
const CANDIDATE_UPDATABLE = CANDIDATE_COLUMNS.map(([c]) => c).filter((c) => c !== 'source' && c !== 'external_id');
// Envelopes differ on every write (fresh data key and IV): pii_digest stands for them in the change test.
const CANDIDATE_COMPARED = CANDIDATE_UPDATABLE.filter((c) => c !== 'name_enc' && c !== 'email_enc');
const CANDIDATE_UPSERT = `
  INSERT INTO candidates AS c (${CANDIDATE_COLUMNS.map(([c]) => c).join(', ')})
  SELECT ${CANDIDATE_COLUMNS.map(([c]) => `r.${c}`).join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${CANDIDATE_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})
  ON CONFLICT (source, external_id) DO UPDATE SET ${CANDIDATE_UPDATABLE.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
  WHERE (${CANDIDATE_COMPARED.map((c) => `c.${c}`).join(', ')}) IS DISTINCT FROM (${CANDIDATE_COMPARED.map((c) => `EXCLUDED.${c}`).join(', ')})
  RETURNING (xmax = 0) AS inserted`;

export async function writeCandidates(q: Query, batch: Array<Lined<PreparedCandidate>>): Promise<BatchCounts> {
  const counts = emptyCounts();
  if (!batch.length) return counts;
  const pii = await PiiCipher.current();
  const rows = batch.map(({ row: r }) => ({
    ...r, name: null, email: null,
    name_enc: pii.encrypt(r.name, piiContext.candidateName(r.source, r.external_id)), email_enc: pii.encrypt(r.email, piiContext.candidateEmail(r.source, r.external_id)),
    email_index: pii.emailIndex(r.email), pii_digest: pii.profileDigest(r.name, r.email),
  }));
  for (const r of await q(CANDIDATE_UPSERT, [JSON.stringify(rows)])) { if (r.inserted) counts.inserted++; else counts.updated++; }
  counts.unchanged = batch.length - counts.inserted - counts.updated;
  return counts;
}

/**
 * Resumes: identical texts (same content hash) under another external id are duplicates and are not stored.
 * The resume's candidate (same source) is created as a stub when missing; parsed skills are merged into it.
 */
export async function writeResumes(q: Query, batch: Array<Lined<PreparedResume>>): Promise<BatchCounts> {
  const counts = emptyCounts();
  if (!batch.length) return counts;
  const source = batch[0]!.row.source;
  // The stored content hash is keyed (a plain hash of a resume would let anyone test a guessed text), the text an envelope.
  const pii = await PiiCipher.current();
  batch = batch.map((b) => ({ ...b, row: { ...b.row, content_hash: pii.contentHash(b.row.content_hash) } }));
  const existing = await q(`SELECT source, external_id, content_hash FROM resumes WHERE content_hash = ANY($1::bpchar[]) ORDER BY id`, [[...new Set(batch.map((b) => b.row.content_hash))]]);
  const hashOwner = new Map<string, string>();
  for (const e of existing) if (!hashOwner.has(e.content_hash)) hashOwner.set(e.content_hash, `${e.source}\u0000${e.external_id}`);
  const keep: PreparedResume[] = [];
  for (const { row } of batch) {
    const key = `${row.source}\u0000${row.external_id}`;
    const owner = hashOwner.get(row.content_hash);
    if (owner && owner !== key) {
      counts.duplicates++;
      continue;
    }
    hashOwner.set(row.content_hash, key);
    keep.push(row);
  }
  if (!keep.length) return counts;
  const candidateIds = [...new Set(keep.map((r) => r.candidate_external_id))];
  await q(`INSERT INTO candidates (source, external_id) SELECT $1, unnest($2::text[]) ON CONFLICT (source, external_id) DO NOTHING`, [source, candidateIds]);
  const rows = await q(
    `INSERT INTO resumes AS x (source, external_id, candidate_id, category, text, text_enc, parsed_skills, content_hash)
     SELECT r.source, r.external_id, c.id, r.category, NULL, r.text_enc, r.parsed_skills, r.content_hash
     FROM jsonb_to_recordset($1::jsonb) AS r(source text, external_id text, candidate_external_id text, category text, text_enc text, parsed_skills text[], content_hash text)
     JOIN candidates c ON c.source = r.source AND c.external_id = r.candidate_external_id
     ON CONFLICT (source, external_id) DO UPDATE SET candidate_id = EXCLUDED.candidate_id, category = EXCLUDED.category, text = NULL, text_enc = EXCLUDED.text_enc,
       parsed_skills = EXCLUDED.parsed_skills, content_hash = EXCLUDED.content_hash, updated_at = now()
     WHERE (x.candidate_id, x.category, x.content_hash, x.parsed_skills) IS DISTINCT FROM (EXCLUDED.candidate_id, EXCLUDED.category, EXCLUDED.content_hash, EXCLUDED.parsed_skills)
     RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(keep.map(({ text, ...r }) => ({ ...r, text_enc: pii.encrypt(text, piiContext.resumeText(r.source, r.external_id)) })))],
  );
  for (const r of rows) { if (r.inserted) counts.inserted++; else counts.updated++; }
  counts.unchanged += keep.length - counts.inserted - counts.updated;
  // Merge parsed skills into the candidate's skills (only when something is new, so re-imports change nothing).
  await q(
    `UPDATE candidates c SET skills = ARRAY(SELECT DISTINCT unnest(c.skills || s.skills) ORDER BY 1), updated_at = now()
     FROM (SELECT r.candidate_external_id AS ext, array_agg(DISTINCT sk) AS skills
           FROM jsonb_to_recordset($1::jsonb) AS r(candidate_external_id text, parsed_skills text[]), unnest(r.parsed_skills) sk GROUP BY 1) s
     WHERE c.source = $2 AND c.external_id = s.ext AND NOT (c.skills @> s.skills)`,
    [JSON.stringify(keep.map((r) => ({ candidate_external_id: r.candidate_external_id, parsed_skills: r.parsed_skills }))), source],
  );
  return counts;
}

/** Interactions: candidate and job resolved by external id (unknown → rejected row); dedupe by event id. */
export async function writeInteractions(q: Query, batch: Array<Lined<InteractionRow>>, source: string): Promise<BatchCounts> {
  const counts = emptyCounts();
  if (!batch.length) return counts;
  const cands = new Map<string, string>();
  for (const r of await q(`SELECT id::text, external_id FROM candidates WHERE source = $1 AND external_id = ANY($2::text[])`, [source, [...new Set(batch.map((b) => b.row.candidate_external_id))]])) cands.set(r.external_id, r.id);
  const jobs = new Map<string, string>();
  const jobKeys = [...new Set(batch.map((b) => `${b.row.job_source ?? source}\u0000${b.row.job_external_id}`))];
  const bySource = new Map<string, string[]>();
  for (const k of jobKeys) {
    const [s, e] = k.split('\u0000') as [string, string];
    (bySource.get(s) ?? bySource.set(s, []).get(s)!).push(e);
  }
  for (const [s, ids] of bySource) {
    for (const r of await q(`SELECT id::text, external_id FROM jobs WHERE source = $1 AND external_id = ANY($2::text[])`, [s, ids])) jobs.set(`${s}\u0000${r.external_id}`, r.id);
  }

  const records: unknown[] = [];
  for (const { line, row } of batch) {
    const candidateId = cands.get(row.candidate_external_id);
    const jobId = jobs.get(`${row.job_source ?? source}\u0000${row.job_external_id}`);
    if (!candidateId) {
      counts.rejections.push({ line, field: 'candidate_external_id', reason: `unknown candidate ${JSON.stringify(row.candidate_external_id)} in source ${JSON.stringify(source)}` });
      continue;
    }
    if (!jobId) {
      counts.rejections.push({ line, field: 'job_external_id', reason: `unknown job ${JSON.stringify(row.job_external_id)} in source ${JSON.stringify(row.job_source ?? source)}` });
      continue;
    }
    const eventId = row.event_id ?? sha1([source, row.candidate_external_id, row.job_source ?? source, row.job_external_id, row.type, row.occurred_at.toISOString()].join('|'));
    records.push({ event_id: eventId, candidate_id: candidateId, job_id: jobId, type: row.type, occurred_at: row.occurred_at.toISOString(), ranking_id: row.ranking_id ?? null, experiment_key: row.experiment_key ?? null, variant: row.variant ?? null, position: row.position ?? null, source });
  }
  if (records.length) {
    const rows = await q(
      `INSERT INTO interactions (event_id, candidate_id, job_id, type, occurred_at, ranking_id, experiment_key, variant, position, source)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, candidate_id bigint, job_id bigint, type text, occurred_at timestamptz, ranking_id text, experiment_key text, variant text, position integer, source text)
       ON CONFLICT (event_id) DO NOTHING RETURNING 1`,
      [JSON.stringify(records)],
    );
    counts.inserted += rows.length;
    counts.unchanged += records.length - rows.length;
  }
  return counts;
}
