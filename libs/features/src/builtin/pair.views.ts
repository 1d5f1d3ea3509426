import { SENIORITIES } from '@app/market';
import type { FeatureViewDefinition, Row } from '../definitions/types.js';
import { skillKey, skillRelevance, sparseCosine, tfidfVector, tokenize } from '../encodings.js';
import { JOB_EVENT_TIME } from './job.views.js';
import { candidateTokens, decryptResumeText, latestResumeSql, jobTokens, marketVocabulary, VECTOR_TERMS } from './market-text.js';

const DAY = 86_400;

/** Years of experience that usually go with each seniority level (for the seniority gap). */
const SENIORITY_YEARS = [0, 1, 3, 6, 10, 15];
function impliedSeniority(years: number | null): number | null {
  if (years === null) return null;
  let s = 0;
  while (s + 1 < SENIORITY_YEARS.length && years >= SENIORITY_YEARS[s + 1]!) s++;
  return s;
}

function titleOverlap(desired: string[], title: string): number | null {
  const a = new Set(desired.flatMap((t) => tokenize(t)));
  const b = new Set(tokenize(title));
  if (a.size === 0 || b.size === 0) return null;
  let both = 0;
  for (const t of b) if (a.has(t)) both++;
  return both / (a.size + b.size - both);
}

/**
 * Candidate × job features for the pairs the platform has shown (any interaction before the as-of time):
 * rarity-weighted skill relevance, TF-IDF cosine, title overlap, location, remote, seniority and salary fit.
 * Valid from the later of the two records' content times.
 */
export const candidateJobMatchView: FeatureViewDefinition = {
  name: 'candidate_job_match',
  entity: 'candidate_job',
  description: 'Skill relevance (share of the job’s skill rarity mass the candidate has), text cosine, title overlap, location/remote/seniority/salary fit for shown pairs.',
  owner: 'ml-platform',
  ttlSeconds: 365 * DAY,
  eventTimeColumn: 'event_time',
  asOfEventTime: false,
  features: [
    { name: 'skill_relevance', type: 'float', description: 'Σ idf(s) over shared skills / Σ idf(s) over the job’s skills; idf over postings.', missing: { strategy: 'default', value: 0 } },
    { name: 'skill_overlap', type: 'int', missing: { strategy: 'default', value: 0 } },
    { name: 'text_cosine', type: 'float', missing: { strategy: 'default', value: 0 } },
    { name: 'title_overlap', type: 'float', description: 'Jaccard of desired-title tokens and job-title tokens.', missing: { strategy: 'default', value: 0 } },
    { name: 'same_city', type: 'bool', missing: { strategy: 'default', value: false } },
    { name: 'same_country', type: 'bool', missing: { strategy: 'default', value: false } },
    { name: 'remote_match', type: 'bool', description: 'The posting is remote and the candidate wants remote (only or preferred).', missing: { strategy: 'default', value: false } },
    { name: 'seniority_gap', type: 'int', description: 'Job seniority ordinal − the level implied by the candidate’s years of experience.' },
    { name: 'salary_fit', type: 'float', description: 'Job annual max (else min) salary / candidate expectation.' },
  ],
  source: {
    sql: `WITH pairs AS (SELECT DISTINCT candidate_id, job_id FROM interactions WHERE occurred_at < $1)
      SELECT * FROM (
        SELECT p.candidate_id::text AS candidate_id, p.job_id::text AS job_id,
               GREATEST(
                 CASE WHEN c.updated_at > c.created_at + interval '1 minute' THEN c.updated_at
                      ELSE LEAST(c.created_at, (SELECT min(i.occurred_at) FROM interactions i WHERE i.candidate_id = c.id)) END,
                 ${JOB_EVENT_TIME}) AS event_time,
               c.skills AS candidate_skills, c.desired_titles, c.city AS candidate_city, c.country AS candidate_country,
               c.preferences->>'remote' AS remote_pref, c.years_experience, c.salary_expectation,
               ${latestResumeSql()},
               j.title, j.description, j.skills AS job_skills, j.city AS job_city, j.country AS job_country, j.remote,
               j.seniority, j.salary_annual_min, j.salary_annual_max
          FROM pairs p JOIN candidates c ON c.id = p.candidate_id JOIN jobs j ON j.id = p.job_id) s
      WHERE s.event_time <= $1`,
  },
  transform: {
    version: '1',
    params: { topK: VECTOR_TERMS, seniorityYears: SENIORITY_YEARS },
    fn: async (rows: Row[], ctx) => {
      await decryptResumeText(rows);
      const { vocab, index, idf } = await marketVocabulary(ctx);
      const skillRows = await ctx.query<{ skill: string; df: string }>(
        `SELECT lower(s) AS skill, count(DISTINCT j.id)::text AS df FROM jobs j, unnest(j.skills) s WHERE j.posted_at <= $1 GROUP BY lower(s)`, [ctx.asOf]);
      const jobsTotal = Number((await ctx.query<{ n: string }>(`SELECT count(*)::text AS n FROM jobs WHERE posted_at <= $1`, [ctx.asOf]))[0]?.n ?? 0);
      const skillDf = new Map(skillRows.map((r) => [skillKey(r.skill), Number(r.df)]));
      const skillIdf = (s: string) => Math.log((1 + jobsTotal) / (1 + (skillDf.get(s) ?? 0))) + 1;
      const candVec = new Map<string, ReturnType<typeof tfidfVector>>(), jobVec = new Map<string, ReturnType<typeof tfidfVector>>();
      return rows.map((r) => {
        const cid = r['candidate_id'] as string, jid = r['job_id'] as string;
        let cv = candVec.get(cid);
        if (!cv) candVec.set(cid, (cv = tfidfVector(candidateTokens({ ...r, skills: r['candidate_skills'] }), index, idf, vocab.version, VECTOR_TERMS)));
        let jv = jobVec.get(jid);
        if (!jv) jobVec.set(jid, (jv = tfidfVector(jobTokens({ ...r, skills: r['job_skills'] }), index, idf, vocab.version, VECTOR_TERMS)));
        const cSkills = (r['candidate_skills'] as string[] | null) ?? [], jSkills = (r['job_skills'] as string[] | null) ?? [];
        const cSet = new Set(cSkills.map(skillKey));
        const years = r['years_experience'] === null ? null : Number(r['years_experience']);
        const seniority = r['seniority'] ? SENIORITIES.indexOf(r['seniority'] as (typeof SENIORITIES)[number]) : null;
        const implied = impliedSeniority(years);
        const jobSalary = r['salary_annual_max'] ?? r['salary_annual_min'];
        const expectation = r['salary_expectation'] === null ? null : Number(r['salary_expectation']);
        const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : null);
        return {
          candidate_id: cid, job_id: jid, event_time: r['event_time'],
          skill_relevance: skillRelevance(cSkills, jSkills, skillIdf),
          skill_overlap: new Set(jSkills.map(skillKey).filter((s) => cSet.has(s))).size,
          text_cosine: sparseCosine(cv, jv),
          title_overlap: titleOverlap((r['desired_titles'] as string[] | null) ?? [], r['title'] as string),
          same_city: !!lower(r['candidate_city']) && lower(r['candidate_city']) === lower(r['job_city']),
          same_country: !!lower(r['candidate_country']) && lower(r['candidate_country']) === lower(r['job_country']),
          remote_match: !!r['remote'] && (r['remote_pref'] === 'only' || r['remote_pref'] === 'preferred'),
          seniority_gap: seniority !== null && implied !== null ? seniority - implied : null,
          salary_fit: jobSalary !== null && jobSalary !== undefined && expectation ? Number(jobSalary) / expectation : null,
        };
      });
    },
  },
};
