import { EMPLOYMENT_TYPES, SENIORITIES } from '@app/market';
import type { FeatureSpec, FeatureViewDefinition, Row, SparseVector } from '../definitions/types.js';
import { bin, crossBucket, dayOfWeek, daysBetween, hashBucket, log1p, oneHot, sparseCosine, standardiser, tfidfVector } from '../encodings.js';
import { engagementView, HASH_BUCKETS, SALARY_BINS } from './candidate.views.js';
import { jobTokens, marketVocabulary, VECTOR_TERMS } from './market-text.js';

const DAY = 86_400;
const OWNER = 'ml-platform';

/** A posting's content is valid from its posting (or import, if earlier) until it is edited. */
export const JOB_EVENT_TIME = `CASE WHEN j.updated_at > j.created_at + interval '1 minute' THEN j.updated_at ELSE LEAST(j.posted_at, j.created_at) END`;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function salaryMid(r: Row): number | null {
  const lo = num(r['salary_annual_min']), hi = num(r['salary_annual_max']);
  return lo !== null && hi !== null ? (lo + hi) / 2 : (lo ?? hi);
}

export const jobAttributesView: FeatureViewDefinition = {
  name: 'job_attributes',
  entity: 'job',
  description: 'Salary transforms (log, z-score, bins), seniority ordinal, one-hot employment type, hashed title and company, title×location cross, posting weekday.',
  owner: OWNER,
  ttlSeconds: 120 * DAY,
  eventTimeColumn: 'event_time',
  asOfEventTime: false,
  features: [
    { name: 'salary_annual_mid', type: 'float', missing: { strategy: 'mean' } },
    { name: 'salary_log', type: 'float', missing: { strategy: 'mean' } },
    { name: 'salary_z', type: 'float', missing: { strategy: 'default', value: 0 } },
    { name: 'salary_bin', type: 'int' },
    { name: 'seniority_ordinal', type: 'int', description: `0 = ${SENIORITIES[0]} … ${SENIORITIES.length - 1} = ${SENIORITIES.at(-1)}.` },
    ...EMPLOYMENT_TYPES.map((e): FeatureSpec => ({ name: `emp_${e}`, type: 'int', missing: { strategy: 'default', value: 0 } })),
    { name: 'remote', type: 'bool' },
    { name: 'skills_count', type: 'int', missing: { strategy: 'default', value: 0 } },
    { name: 'description_length', type: 'int' },
    { name: 'title_hash', type: 'int', description: `Hashing trick over the normalised title, ${HASH_BUCKETS} buckets.` },
    { name: 'company_hash', type: 'int' },
    { name: 'title_location_hash', type: 'int', description: 'Interaction: normalised title × city ("remote" for remote postings), hashed.' },
    { name: 'posted_day_of_week', type: 'int', description: '0 = Sunday (UTC).' },
    { name: 'country', type: 'string' },
  ],
  source: {
    sql: `SELECT * FROM (
      SELECT j.id::text AS job_id, ${JOB_EVENT_TIME} AS event_time, j.salary_annual_min, j.salary_annual_max, j.seniority, j.employment_type,
             j.remote, cardinality(j.skills) AS skills_count, length(j.description) AS description_length, j.normalized_title,
             co.normalized_name AS company, j.city, j.country, j.posted_at
        FROM jobs j LEFT JOIN companies co ON co.id = j.company_id
       WHERE j.canonical_job_id IS NULL) s
      WHERE s.event_time <= $1`,
  },
  transform: {
    version: '1',
    params: { hashBuckets: HASH_BUCKETS, salaryBins: SALARY_BINS },
    fn: (rows: Row[]) => {
      const sal = standardiser(rows.map((r) => log1p(salaryMid(r))));
      return rows.map((r) => {
        const mid = salaryMid(r);
        const seniority = r['seniority'] as string | null;
        const emp = r['employment_type'] as string | null;
        return {
          job_id: r['job_id'],
          event_time: r['event_time'],
          salary_annual_mid: mid,
          salary_log: log1p(mid),
          salary_z: sal.z(log1p(mid)),
          salary_bin: bin(mid, SALARY_BINS),
          seniority_ordinal: seniority ? SENIORITIES.indexOf(seniority as (typeof SENIORITIES)[number]) : null,
          ...(emp ? oneHot(emp, EMPLOYMENT_TYPES, 'emp') : {}),
          remote: r['remote'],
          skills_count: r['skills_count'],
          description_length: r['description_length'],
          title_hash: hashBucket(r['normalized_title'] as string, HASH_BUCKETS),
          company_hash: hashBucket(r['company'] as string | null, HASH_BUCKETS),
          title_location_hash: crossBucket(r['normalized_title'] as string, r['remote'] ? 'remote' : (r['city'] as string | null), HASH_BUCKETS),
          posted_day_of_week: dayOfWeek(r['posted_at'] as Date),
          country: r['country'],
        };
      });
    },
  },
};

export const jobFreshnessView: FeatureViewDefinition = {
  name: 'job_freshness',
  entity: 'job',
  description: 'Posting age and time to expiry as of each computation.',
  owner: OWNER,
  ttlSeconds: 2 * DAY,
  eventTimeColumn: 'event_time',
  asOfEventTime: true,
  features: [
    { name: 'posting_age_days', type: 'float' },
    { name: 'days_to_expiry', type: 'float', description: 'Null when the posting has no expiry date.' },
    { name: 'expired', type: 'bool', missing: { strategy: 'default', value: false } },
  ],
  source: {
    sql: `SELECT j.id::text AS job_id, $1::timestamptz AS event_time, j.posted_at, j.expires_at
            FROM jobs j WHERE j.posted_at <= $1 AND j.canonical_job_id IS NULL
             AND (j.expires_at IS NULL OR j.expires_at > $1::timestamptz - interval '30 days')`,
  },
  transform: {
    version: '1',
    fn: (rows: Row[], ctx) => rows.map((r) => {
      const expires = r['expires_at'] as Date | null;
      return {
        job_id: r['job_id'], event_time: ctx.asOf,
        posting_age_days: daysBetween(r['posted_at'] as Date, ctx.asOf),
        days_to_expiry: expires ? (expires.getTime() - ctx.asOf.getTime()) / 86_400_000 : null,
        expired: expires ? expires.getTime() <= ctx.asOf.getTime() : false,
      };
    }),
  },
};

export const jobEngagementView = engagementView(
  'job_engagement',
  'job',
  'Posting click-through rate over 7 and 30 days and apply rate over 30 days, Bayesian-smoothed (k = 20).',
);

export const jobTextView: FeatureViewDefinition = {
  name: 'job_text',
  entity: 'job',
  description: 'TF-IDF vector of title (×2), description and skills over the versioned market_text vocabulary (top 64 terms, L2-normalised).',
  owner: OWNER,
  ttlSeconds: 120 * DAY,
  eventTimeColumn: 'event_time',
  asOfEventTime: false,
  features: [{ name: 'tfidf', type: 'sparse_vector' }, { name: 'token_count', type: 'int', missing: { strategy: 'default', value: 0 } }],
  source: {
    sql: `SELECT * FROM (
      SELECT j.id::text AS job_id, ${JOB_EVENT_TIME} AS event_time, j.title, j.description, j.skills
        FROM jobs j WHERE j.canonical_job_id IS NULL) s
      WHERE s.event_time <= $1`,
  },
  transform: {
    version: '1',
    params: { topK: VECTOR_TERMS },
    fn: async (rows: Row[], ctx) => {
      const { vocab, index, idf } = await marketVocabulary(ctx);
      return rows.map((r) => {
        const tokens = jobTokens(r);
        return { job_id: r['job_id'], event_time: r['event_time'], tfidf: tfidfVector(tokens, index, idf, vocab.version, VECTOR_TERMS), token_count: tokens.length };
      });
    },
  },
};

export const SIMILAR_JOBS = 5;

/** Top-k neighbours by cosine through an inverted index over the sparse vectors (exact for the stored vectors). */
export function nearestNeighbours(vectors: SparseVector[], k: number): Array<Array<{ index: number; score: number }>> {
  const postings = new Map<number, Array<[number, number]>>();
  vectors.forEach((v, d) => v.i.forEach((t, p) => {
    let list = postings.get(t);
    if (!list) postings.set(t, (list = []));
    list.push([d, v.x[p]!]);
  }));
  const scores = new Float64Array(vectors.length);
  return vectors.map((v, d) => {
    const touched: number[] = [];
    v.i.forEach((t, p) => {
      for (const [o, w] of postings.get(t) ?? []) {
        if (o === d) continue;
        if (scores[o] === 0) touched.push(o);
        scores[o]! += v.x[p]! * w;
      }
    });
    const top = touched.map((o) => ({ index: o, score: scores[o]! })).sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
    for (const o of touched) scores[o] = 0;
    return top;
  });
}

export const jobSimilarityView: FeatureViewDefinition = {
  name: 'job_similarity',
  entity: 'job',
  description: `The ${SIMILAR_JOBS} nearest open postings by TF-IDF cosine (ids and similarities), as of each computation.`,
  owner: OWNER,
  ttlSeconds: 7 * DAY,
  eventTimeColumn: 'event_time',
  asOfEventTime: true,
  backfill: false,
  features: [
    { name: 'similar_job_ids', type: 'string_list' },
    { name: 'top_similarity', type: 'float', missing: { strategy: 'default', value: 0 } },
    { name: 'mean_top_similarity', type: 'float', missing: { strategy: 'default', value: 0 } },
  ],
  source: {
    sql: `SELECT j.id::text AS job_id, $1::timestamptz AS event_time, j.title, j.description, j.skills
            FROM jobs j WHERE j.posted_at <= $1 AND j.canonical_job_id IS NULL AND (j.expires_at IS NULL OR j.expires_at > $1)
             AND j.status <> 'closed'
           ORDER BY j.id`,
  },
  transform: {
    version: '1',
    params: { k: SIMILAR_JOBS, topK: VECTOR_TERMS },
    fn: async (rows: Row[], ctx) => {
      const { vocab, index, idf } = await marketVocabulary(ctx);
      const vectors = rows.map((r) => tfidfVector(jobTokens(r), index, idf, vocab.version, VECTOR_TERMS));
      const nn = nearestNeighbours(vectors, SIMILAR_JOBS);
      return rows.map((r, d) => {
        const top = nn[d]!.map((n) => ({ id: rows[n.index]!['job_id'] as string, score: Math.min(1, sparseCosine(vectors[d], vectors[n.index])) }));
        return {
          job_id: r['job_id'], event_time: ctx.asOf,
          similar_job_ids: top.map((t) => t.id),
          top_similarity: top[0]?.score ?? null,
          mean_top_similarity: top.length ? top.reduce((s, t) => s + t.score, 0) / top.length : null,
        };
      });
    },
  },
};
