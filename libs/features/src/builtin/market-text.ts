import { PiiCipher, piiContext } from '@app/pii';
import type { Row, StoredVocabulary, TransformContext } from '../definitions/types.js';
import { fitVocabulary, idfOf, tokenize } from '../encodings.js';

/**
 * The text side shared by job_text, candidate_text, job_similarity and candidate_job_match: one versioned
 * vocabulary ("market_text") over postings and candidate texts, so job and candidate vectors are comparable.
 */
export const MARKET_VOCABULARY = 'market_text';
export const VECTOR_TERMS = 64;

/** Title counts twice, as in the content recommender. */
export function jobTokens(r: Row): string[] {
  const title = tokenize(r['title'] as string | undefined);
  return [...title, ...title, ...tokenize(r['description'] as string | undefined), ...((r['skills'] as string[] | null) ?? []).flatMap((s) => tokenize(s))];
}

export function candidateTokens(r: Row): string[] {
  const titles = ((r['desired_titles'] as string[] | null) ?? []).flatMap((t) => tokenize(t));
  return [...tokenize(r['resume_text'] as string | undefined), ...titles, ...titles, ...((r['skills'] as string[] | null) ?? []).flatMap((s) => tokenize(s))];
}

/**
 * The latest resume as the SQL of a view selects it (`latestResumeSql`): `[legacy text, envelope, source, external id]`.
 * Resume text is encrypted at rest (libs/pii); it is decrypted here in Node, once per candidate of a batch.
 */
export const latestResumeSql = (asOf = false) =>
  `(SELECT json_build_array(r.text, r.text_enc, r.source, r.external_id) FROM resumes r WHERE r.candidate_id = c.id${asOf ? ' AND r.created_at <= $1' : ''} ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS resume`;

/** Replaces each row's `resume` (see {@link latestResumeSql}) with the decrypted `resume_text` that {@link candidateTokens} reads. */
export async function decryptResumeText(rows: Row[]): Promise<Row[]> {
  const pii = await PiiCipher.current();
  const byCandidate = new Map<unknown, string | null>();
  for (const r of rows) {
    const stored = r['resume'] as [string | null, string | null, string, string] | null | undefined;
    delete r['resume'];
    if (!stored) continue;
    const key = r['candidate_id'];
    let text = byCandidate.get(key);
    if (text === undefined) byCandidate.set(key, (text = pii.reveal(stored[1], stored[0], piiContext.resumeText(stored[2], stored[3]))));
    r['resume_text'] = text;
  }
  return rows;
}

export const JOB_TEXT_SQL = `SELECT j.id::text AS job_id, j.title, j.description, j.skills FROM jobs j WHERE j.posted_at <= $1 AND j.canonical_job_id IS NULL`;
export const CANDIDATE_TEXT_SQL = `
  SELECT c.id::text AS candidate_id, c.desired_titles, c.skills,
         ${latestResumeSql(true)}
    FROM candidates c WHERE c.created_at <= $1`;

/** The stored vocabulary, fitted on the market's texts as of the computation the first time (or on refit). */
export async function marketVocabulary(ctx: TransformContext): Promise<{ vocab: StoredVocabulary; index: Map<string, number>; idf: Float64Array }> {
  const vocab = await ctx.vocabulary(MARKET_VOCABULARY, async () => {
    const [jobs, cands] = await Promise.all([ctx.query(JOB_TEXT_SQL, [ctx.asOf]), ctx.query(CANDIDATE_TEXT_SQL, [ctx.asOf]).then(decryptResumeText)]);
    return fitVocabulary([...jobs.map(jobTokens), ...cands.map(candidateTokens)], { minDf: 2, maxTerms: 20000 });
  });
  return { vocab, index: new Map(vocab.terms.map((t, i) => [t, i])), idf: idfOf(vocab) };
}
