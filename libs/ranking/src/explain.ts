import { jaccard, jobTokens, skillKey } from './similarity.js';
import { locationMatch } from './stages.js';
import type { RankContext, RankItem, RankingReason } from './types.js';

export interface ExplainOptions {
  /** Jaccard (skills + title words) above which a job is "similar to" an applied one. */
  similarThreshold: number;
  /** "New" = posted within this many days. */
  newDays: number;
  /** At most this many reasons per job. */
  maxReasons: number;
}

export const DEFAULT_EXPLAIN: ExplainOptions = { similarThreshold: 0.5, newDays: 7, maxReasons: 4 };

const money = (n: number) => `${Math.round(n).toLocaleString('en-US')}`;
const list = (xs: string[], n = 3) => (xs.length <= n ? xs.join(', ') : `${xs.slice(0, n).join(', ')} +${xs.length - n} more`);

/**
 * Short, truthful reasons for one ranked job, each derived from data the ranking used: the profile-change match,
 * skills the candidate and the job share, the most similar applied job, a recent posting in the candidate's area
 * (or remote), a salary range that covers the expectation, few applicants. Falls back to the model.
 */
export function explain(item: RankItem, ctx: RankContext, opts: ExplainOptions = DEFAULT_EXPLAIN): RankingReason[] {
  const out: RankingReason[] = [];
  const j = item.job, c = ctx.candidate;
  if (item.notes['profileLocation']) out.push({ code: 'PROFILE_LOCATION', text: `In your new location: ${item.notes['profileLocation']}`, detail: item.notes['profileLocation'] });
  if (item.notes['profileSkills']) out.push({ code: 'PROFILE_SKILLS', text: `Uses skills you just added: ${item.notes['profileSkills']}`, detail: item.notes['profileSkills'] });
  const have = new Set(c.skills.map(skillKey));
  const matched = j.skills.filter((s) => have.has(skillKey(s)));
  if (matched.length > 0) out.push({ code: 'MATCHED_SKILLS', text: `Matches your skills: ${list(matched)}`, detail: matched.join(', ') });
  if (ctx.appliedJobs?.length) {
    const mine = jobTokens(j);
    let best: { id: string; title: string; sim: number } | null = null;
    for (const a of ctx.appliedJobs) {
      if (a.id === j.id) continue;
      const sim = jaccard(mine, jobTokens(a));
      if (sim >= opts.similarThreshold && (!best || sim > best.sim)) best = { id: a.id, title: a.companyName ? `${a.title} at ${a.companyName}` : a.title, sim };
    }
    if (best) out.push({ code: 'SIMILAR_TO_APPLIED', text: `Similar to ${best.title}, which you applied to`, detail: best.id });
  }
  const ageDays = (ctx.nowMs - j.postedAt) / 86_400_000;
  if (ageDays >= 0 && ageDays <= opts.newDays) {
    const where = locationMatch(j, c);
    if (where === 1) out.push({ code: 'NEW_IN_YOUR_AREA', text: `New in ${j.city}`, detail: `posted ${ageText(ageDays)}` });
    else if (where > 0) out.push({ code: 'NEW_IN_YOUR_AREA', text: `New in ${j.region}`, detail: `posted ${ageText(ageDays)}` });
    else if (j.remote) out.push({ code: 'NEW_IN_YOUR_AREA', text: 'New remote job', detail: `posted ${ageText(ageDays)}` });
  }
  const exp = c.salaryExpectation;
  if (exp !== null && exp > 0) {
    const lo = j.salaryMin, hi = j.salaryMax;
    if (hi !== null && hi >= exp && (lo === null || lo <= exp)) out.push({ code: 'SALARY_FITS', text: `Salary fits your expectation (${lo !== null ? `${money(lo)}–` : 'up to '}${money(hi)}, you expect ${money(exp)})`, detail: `${lo ?? ''}-${hi}` });
    else if (lo !== null && lo > exp) out.push({ code: 'SALARY_FITS', text: `Salary above your expectation (from ${money(lo)}, you expect ${money(exp)})`, detail: `${lo}-${hi ?? ''}` });
  }
  const boost = item.boosts['loadBalance'] ?? 0;
  const apps = ctx.applicants.get(j.id) ?? 0;
  if (boost > 0 && apps <= 2) out.push({ code: 'UNDER_APPLIED', text: apps === 0 ? 'No applicants yet' : `Only ${apps} applicant${apps === 1 ? '' : 's'} so far`, detail: String(apps) });
  if (out.length === 0) {
    out.push(item.modelScore !== null
      ? { code: 'MODEL', text: ctx.modelName ? `Picked for you by the ${ctx.modelName} model from your activity` : 'Picked for you from your activity', detail: ctx.modelName ?? null }
      : { code: 'MODEL', text: 'Recent posting', detail: `posted ${ageText(Math.max(0, ageDays))}` });
  }
  return out.slice(0, opts.maxReasons);
}

function ageText(days: number): string {
  if (days < 1 / 24) return 'within the hour';
  if (days < 1) return `${Math.floor(days * 24)} h ago`;
  return `${Math.floor(days)} d ago`;
}
