/**
 * What goes into one alert (pure): window jobs minus expired and already-sent ones, saved-search filters,
 * near-duplicates collapsed (same company, normalised title, location), ranked by score, top k.
 */
import { matchesSearch, type SearchFilters } from '@app/ranking';

export type AlertFilters = SearchFilters;

export interface WindowJob {
  id: string;
  title: string;
  companyId: string | null;
  companyName: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  remote: boolean;
  skills: string[];
  description: string;
  salaryAnnualMin: number | null;
  salaryAnnualMax: number | null;
  postedAt: number;
  expiresAt: number | null;
  status: string;
}

export interface ScoredWindowJob extends WindowJob {
  score: number;
}

export interface RankedItem {
  job: ScoredWindowJob;
  position: number;
}

export const DEFAULT_TOP_K = 10;

/** Lower case, accents stripped, punctuation as spaces, seniority/gender markers like "(m/f/d)" dropped. */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\((?:m|f|w|d|x|h)(?:\s*\/\s*(?:m|f|w|d|x|h))+\)/g, ' ')
    .replace(/[^a-z0-9+#]+/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

const duplicateKeys = new WeakMap<WindowJob, string>();

/** Company, normalised title and location; memoised per job object (window job lists are shared between alerts). */
export function duplicateKey(job: WindowJob): string {
  let key = duplicateKeys.get(job);
  if (key === undefined) {
    const company = job.companyId ?? (job.companyName ?? '').toLowerCase().trim();
    const where = job.remote && !job.city ? 'remote' : [job.city, job.region, job.country].map((x) => (x ?? '').toLowerCase().trim()).join('|');
    key = `${company}\u0000${normaliseTitle(job.title)}\u0000${where}`;
    duplicateKeys.set(job, key);
  }
  return key;
}

export function isLive(job: WindowJob, nowMs: number): boolean {
  return job.status === 'active' && (job.expiresAt === null || job.expiresAt > nowMs);
}

/** Saved-search filters on a window job: the ranking pipeline's rule, so alerts and rankedJobs filter alike. */
export function matchesFilters(job: WindowJob, f: AlertFilters): boolean {
  return matchesSearch({ ...job, salaryMin: job.salaryAnnualMin, salaryMax: job.salaryAnnualMax }, f);
}

/** Window jobs an alert may contain, before ranking: live, not already sent, matching the filters. */
export function eligibleJobs(jobs: WindowJob[], opts: { nowMs: number; alreadySent: ReadonlySet<string>; filters: AlertFilters }): WindowJob[] {
  return jobs.filter((j) => isLive(j, opts.nowMs) && !opts.alreadySent.has(j.id) && matchesFilters(j, opts.filters));
}

/**
 * Collapses near-duplicates keeping the best-scored one of each group (ties: the newest, then the smaller id),
 * sorts by score and keeps the top k. An empty result means "send nothing".
 */
export function selectTop(scored: ScoredWindowJob[], k = DEFAULT_TOP_K): RankedItem[] {
  return rankTop(scored, (j) => (j as ScoredWindowJob).score, k);
}

/** {@link selectTop} with scores from a function: only the k kept jobs are copied. */
export function rankTop(jobs: WindowJob[], scoreOf: (job: WindowJob) => number, k = DEFAULT_TOP_K): RankedItem[] {
  type Entry = { job: WindowJob; score: number };
  const better = (a: Entry, b: Entry) => b.score - a.score || b.job.postedAt - a.job.postedAt || compareIds(a.job.id, b.job.id);
  const best = new Map<string, Entry>();
  for (const job of jobs) {
    const e = { job, score: scoreOf(job) };
    const key = duplicateKey(job);
    const cur = best.get(key);
    if (!cur || better(e, cur) < 0) best.set(key, e);
  }
  return [...best.values()]
    .sort(better)
    .slice(0, Math.max(0, k))
    .map((e, i) => ({ job: { ...e.job, score: e.score }, position: i + 1 }));
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
