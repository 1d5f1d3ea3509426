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

export const JOB_TEXT_SQL = `SELECT j.id::text AS job_id, j.title, j.description, j.skills FROM jobs j WHERE j.posted_at <= $1 AND j.canonical_job_id IS NULL`;
export const CANDIDATE_TEXT_SQL = `
  SELECT c.id::text AS candidate_id, c.desired_titles, c.skills,
         (SELECT r.text FROM resumes r WHERE r.candidate_id = c.id AND r.created_at <= $1 ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS resume_text
    FROM candidates c WHERE c.created_at <= $1`;

/** The stored vocabulary, fitted on the market's texts as of the computation the first time (or on refit). */
export async function marketVocabulary(ctx: TransformContext): Promise<{ vocab: StoredVocabulary; index: Map<string, number>; idf: Float64Array }> {
  const vocab = await ctx.vocabulary(MARKET_VOCABULARY, async () => {
    const [jobs, cands] = await Promise.all([ctx.query(JOB_TEXT_SQL, [ctx.asOf]), ctx.query(CANDIDATE_TEXT_SQL, [ctx.asOf])]);
    return fitVocabulary([...jobs.map(jobTokens), ...cands.map(candidateTokens)], { minDf: 2, maxTerms: 20000 });
  });
  return { vocab, index: new Map(vocab.terms.map((t, i) => [t, i])), idf: idfOf(vocab) };
}
