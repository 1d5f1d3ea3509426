import { EDUCATION_LEVELS } from '@app/market';
import type { FeatureSpec, FeatureViewDefinition, Row } from '../definitions/types.js';
import { bin, crossBucket, daysBetween, hashBucket, log1p, oneHot, smoothedRate, standardiser, tfidfVector } from '../encodings.js';
import { candidateTokens, decryptResumeText, latestResumeSql, marketVocabulary, VECTOR_TERMS } from './market-text.js';

const DAY = 86_400;
export const HASH_BUCKETS = 1 << 18;
export const EXPERIENCE_BINS = [1, 3, 6, 10, 15];
export const SALARY_BINS = [30_000, 50_000, 75_000, 100_000, 150_000];
const REMOTE = ['only', 'preferred', 'no'] as const;
const OWNER = 'ml-platform';

/**
 * A profile's content is taken as valid from its creation — or from the candidate's first interaction when that
 * is earlier (imported history) — until it is edited (updated_at later than creation).
 */
const FIRST_SEEN = `LEAST(c.created_at, (SELECT min(i.occurred_at) FROM interactions i WHERE i.candidate_id = c.id))`;
const PROFILE_EVENT_TIME = `CASE WHEN c.updated_at > c.created_at + interval '1 minute' THEN c.updated_at ELSE ${FIRST_SEEN} END`;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const candidateProfileView: FeatureViewDefinition = {
  name: 'candidate_profile',
  entity: 'candidate',
  description: 'Numeric transforms of experience and salary expectation (log, z-score, bins), one-hot education and remote preference, hashed desired title and title×location.',
  owner: OWNER,
  ttlSeconds: 365 * DAY,
  eventTimeColumn: 'event_time',
  asOfEventTime: false,
  features: [
    { name: 'experience_years', type: 'float', missing: { strategy: 'mean' } },
    { name: 'experience_log', type: 'float', missing: { strategy: 'mean' } },
    { name: 'experience_z', type: 'float', description: 'Standardised with the mean/std of the candidates in the same computation.', missing: { strategy: 'default', value: 0 } },
    { name: 'experience_bin', type: 'int', description: `Bins at ${EXPERIENCE_BINS.join(', ')} years.` },
    { name: 'salary_expectation_log', type: 'float', missing: { strategy: 'mean' } },
    { name: 'salary_expectation_z', type: 'float', missing: { strategy: 'default', value: 0 } },
    { name: 'salary_expectation_bin', type: 'int', description: `Bins at ${SALARY_BINS.join(', ')}.` },
    { name: 'education_ordinal', type: 'int', description: `0 = ${EDUCATION_LEVELS[0]} … ${EDUCATION_LEVELS.length - 1} = ${EDUCATION_LEVELS.at(-1)}.` },
    ...EDUCATION_LEVELS.map((e): FeatureSpec => ({ name: `edu_${e}`, type: 'int', missing: { strategy: 'default', value: 0 } })),
    ...REMOTE.map((r): FeatureSpec => ({ name: `remote_${r}`, type: 'int', missing: { strategy: 'default', value: 0 } })),
    { name: 'skills_count', type: 'int', missing: { strategy: 'default', value: 0 } },
    { name: 'country', type: 'string' },
    { name: 'desired_title_hash', type: 'int', description: `Hashing trick over the first desired title, ${HASH_BUCKETS} buckets.` },
    { name: 'title_location_hash', type: 'int', description: 'Interaction: first desired title × city (hashed).' },
  ],
  source: {
    sql: `SELECT * FROM (
      SELECT c.id::text AS candidate_id, ${PROFILE_EVENT_TIME} AS event_time,
             c.years_experience, c.education_level, c.salary_expectation, c.preferences->>'remote' AS remote_pref,
             cardinality(c.skills) AS skills_count, c.country, c.city, c.desired_titles[1] AS desired_title
        FROM candidates c) s
      WHERE s.event_time <= $1`,
  },
  transform: {
    version: '1',
    params: { hashBuckets: HASH_BUCKETS, experienceBins: EXPERIENCE_BINS, salaryBins: SALARY_BINS },
    fn: (rows: Row[]) => {
      const exp = standardiser(rows.map((r) => num(r['years_experience'])));
      const sal = standardiser(rows.map((r) => log1p(num(r['salary_expectation']))));
      return rows.map((r) => {
        const years = num(r['years_experience']);
        const salaryLog = log1p(num(r['salary_expectation']));
        const edu = r['education_level'] as string | null;
        return {
          candidate_id: r['candidate_id'],
          event_time: r['event_time'],
          experience_years: years,
          experience_log: log1p(years),
          experience_z: exp.z(years),
          experience_bin: bin(years, EXPERIENCE_BINS),
          salary_expectation_log: salaryLog,
          salary_expectation_z: sal.z(salaryLog),
          salary_expectation_bin: bin(num(r['salary_expectation']), SALARY_BINS),
          education_ordinal: edu ? EDUCATION_LEVELS.indexOf(edu as (typeof EDUCATION_LEVELS)[number]) : null,
          ...(edu ? oneHot(edu, EDUCATION_LEVELS, 'edu') : {}),
          ...(r['remote_pref'] ? oneHot(r['remote_pref'] as string, REMOTE, 'remote') : {}),
          skills_count: r['skills_count'],
          country: r['country'],
          desired_title_hash: hashBucket(r['desired_title'] as string | null, HASH_BUCKETS),
          title_location_hash: crossBucket(r['desired_title'] as string | null, r['city'] as string | null, HASH_BUCKETS),
        };
      });
    },
  },
};

export const candidateActivityView: FeatureViewDefinition = {
  name: 'candidate_activity',
  entity: 'candidate',
  description: 'Recency: days since the candidate last saw an alert (impression), clicked, saved and applied, as of each computation.',
  owner: OWNER,
  ttlSeconds: 2 * DAY,
  eventTimeColumn: 'event_time',
  asOfEventTime: true,
  features: ['impression', 'click', 'save', 'apply'].map((t): FeatureSpec => ({ name: `days_since_last_${t}`, type: 'float', missing: { strategy: 'default', value: 365 } })),
  source: {
    sql: `SELECT i.candidate_id::text AS candidate_id, $1::timestamptz AS event_time,
                 max(i.occurred_at) FILTER (WHERE i.type = 'impression') AS last_impression,
                 max(i.occurred_at) FILTER (WHERE i.type = 'click') AS last_click,
                 max(i.occurred_at) FILTER (WHERE i.type = 'save') AS last_save,
                 max(i.occurred_at) FILTER (WHERE i.type = 'apply') AS last_apply
            FROM interactions i WHERE i.occurred_at < $1 AND i.occurred_at >= $1::timestamptz - interval '365 days'
           GROUP BY i.candidate_id`,
  },
  transform: {
    version: '1',
    fn: (rows: Row[], ctx) => rows.map((r) => ({
      candidate_id: r['candidate_id'],
      event_time: ctx.asOf,
      days_since_last_impression: daysBetween(r['last_impression'] as Date | null, ctx.asOf),
      days_since_last_click: daysBetween(r['last_click'] as Date | null, ctx.asOf),
      days_since_last_save: daysBetween(r['last_save'] as Date | null, ctx.asOf),
      days_since_last_apply: daysBetween(r['last_apply'] as Date | null, ctx.asOf),
    })),
  },
};

/** Beta-prior strength: a candidate or job with fewer impressions than this stays close to the population rate. */
export const SMOOTHING_STRENGTH = 20;

const COUNT_COL = { click: 'clicks', apply: 'applies' } as const;
const RATE_COL = { click: 'ctr', apply: 'apply_rate' } as const;

/**
 * Engagement over 7 and 30 days with Bayesian smoothing towards the population rate of the same window:
 * rate = (events + k·prior) / (impressions + k), k = 20.
 */
export function engagementTransform(key: string, windows: number[], kinds: Array<'click' | 'apply'>) {
  return (rows: Row[], ctx: { asOf: Date }) => {
    const prior: Record<string, number> = {};
    for (const w of windows) {
      const imps = rows.reduce((s, r) => s + Number(r[`impressions_${w}d`] ?? 0), 0);
      for (const k of kinds) prior[`${k}_${w}`] = imps > 0 ? rows.reduce((s, r) => s + Number(r[`${COUNT_COL[k]}_${w}d`] ?? 0), 0) / imps : 0;
    }
    return rows.map((r) => {
      const out: Row = { [key]: r[key], event_time: ctx.asOf };
      for (const w of windows) {
        const imps = Number(r[`impressions_${w}d`] ?? 0);
        out[`impressions_${w}d`] = imps;
        for (const k of kinds) {
          const events = Number(r[`${COUNT_COL[k]}_${w}d`] ?? 0);
          out[`${COUNT_COL[k]}_${w}d`] = events;
          // An event whose impression fell just outside the window must not push the rate above 1.
          out[`${RATE_COL[k]}_${w}d`] = smoothedRate(events, Math.max(imps, events), prior[`${k}_${w}`]!, SMOOTHING_STRENGTH);
        }
      }
      return out;
    });
  };
}

export function engagementFeatures(windows: number[], kinds: Array<'click' | 'apply'>): FeatureSpec[] {
  return windows.flatMap((w) => [
    { name: `impressions_${w}d`, type: 'int' as const, missing: { strategy: 'default' as const, value: 0 } },
    ...kinds.flatMap((k) => [
      { name: `${COUNT_COL[k]}_${w}d`, type: 'int' as const, missing: { strategy: 'default' as const, value: 0 } },
      { name: `${RATE_COL[k]}_${w}d`, type: 'float' as const, description: `Smoothed ${k === 'click' ? 'click-through' : 'apply'} rate over ${w} days.`, missing: { strategy: 'mean' as const } },
    ]),
  ]);
}

export function engagementSql(keyColumn: 'candidate_id' | 'job_id', windows: number[]): string {
  const cols = windows.flatMap((w) => (['impression', 'click', 'apply'] as const).map((t) =>
    `count(*) FILTER (WHERE i.type = '${t}' AND i.occurred_at >= $1::timestamptz - interval '${w} days') AS ${t === 'impression' ? 'impressions' : COUNT_COL[t]}_${w}d`));
  return `SELECT i.${keyColumn}::text AS ${keyColumn}, $1::timestamptz AS event_time, ${cols.join(', ')}
            FROM interactions i WHERE i.occurred_at < $1 AND i.occurred_at >= $1::timestamptz - interval '${Math.max(...windows)} days'
           GROUP BY i.${keyColumn}`;
}

/** A click-through and apply-rate view over 7 and 30 days for candidates or jobs (the same definition, keyed differently). */
export function engagementView(name: string, entity: 'candidate' | 'job', description: string): FeatureViewDefinition {
  const key = entity === 'candidate' ? 'candidate_id' : 'job_id';
  return {
    name,
    entity,
    description,
    owner: OWNER,
    ttlSeconds: 2 * DAY,
    eventTimeColumn: 'event_time',
    asOfEventTime: true,
    features: engagementFeatures([7, 30], ['click', 'apply']),
    source: { sql: engagementSql(key, [7, 30]) },
    transform: { version: '1', params: { strength: SMOOTHING_STRENGTH }, fn: engagementTransform(key, [7, 30], ['click', 'apply']) },
  };
}

export const candidateEngagementView = engagementView(
  'candidate_engagement',
  'candidate',
  'Candidate click-through and apply rates over 7 and 30 days, Bayesian-smoothed towards the population rate (k = 20).',
);

export const candidateTextView: FeatureViewDefinition = {
  name: 'candidate_text',
  entity: 'candidate',
  description: 'TF-IDF vector of the latest resume, desired titles (×2) and skills over the versioned market_text vocabulary (top 64 terms, L2-normalised).',
  owner: OWNER,
  ttlSeconds: 365 * DAY,
  eventTimeColumn: 'event_time',
  asOfEventTime: false,
  features: [{ name: 'tfidf', type: 'sparse_vector' }, { name: 'token_count', type: 'int', missing: { strategy: 'default', value: 0 } }],
  source: {
    sql: `SELECT * FROM (
      SELECT c.id::text AS candidate_id, c.desired_titles, c.skills,
             ${latestResumeSql()},
             GREATEST(${PROFILE_EVENT_TIME}, (SELECT max(LEAST(r.created_at, ${FIRST_SEEN})) FROM resumes r WHERE r.candidate_id = c.id)) AS event_time
        FROM candidates c) s
      WHERE s.event_time <= $1`,
  },
  transform: {
    version: '1',
    params: { topK: VECTOR_TERMS },
    fn: async (rows: Row[], ctx) => {
      await decryptResumeText(rows);
      const { vocab, index, idf } = await marketVocabulary(ctx);
      return rows.map((r) => {
        const tokens = candidateTokens(r);
        return { candidate_id: r['candidate_id'], event_time: r['event_time'], tfidf: tfidfVector(tokens, index, idf, vocab.version, VECTOR_TERMS), token_count: tokens.length };
      });
    },
  },
};
