/**
 * What goes into one alert (pure): window jobs minus expired and already-sent ones, saved-search filters,
 * near-duplicates collapsed (same company, normalised title, location), ranked by score, top k.
 */
export interface AlertFilters {
  keywords?: string[];
  location?: string | null;
  remote?: boolean | null;
  minSalary?: number | null;
}

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

export function duplicateKey(job: WindowJob): string {
  const company = job.companyId ?? (job.companyName ?? '').toLowerCase().trim();
  const where = job.remote && !job.city ? 'remote' : [job.city, job.region, job.country].map((x) => (x ?? '').toLowerCase().trim()).join('|');
  return `${company}\u0000${normaliseTitle(job.title)}\u0000${where}`;
}

export function isLive(job: WindowJob, nowMs: number): boolean {
  return job.status === 'active' && (job.expiresAt === null || job.expiresAt > nowMs);
}

export function matchesFilters(job: WindowJob, f: AlertFilters): boolean {
  if (f.remote === true && !job.remote) return false;
  if (f.remote === false && job.remote) return false;
  if (f.location) {
    const want = f.location.toLowerCase().trim();
    const where = [job.city, job.region, job.country].filter(Boolean).map((x) => x!.toLowerCase());
    // A remote job matches any location unless the filter also asks for on-site.
    if (!where.some((w) => w === want || w.includes(want)) && !(job.remote && f.remote !== false)) return false;
  }
  if (f.minSalary !== null && f.minSalary !== undefined) {
    const top = job.salaryAnnualMax ?? job.salaryAnnualMin;
    if (top === null || top < f.minSalary) return false;
  }
  if (f.keywords && f.keywords.length > 0) {
    const text = `${job.title} ${job.skills.join(' ')} ${job.description}`.toLowerCase();
    if (!f.keywords.every((k) => text.includes(k.toLowerCase()))) return false;
  }
  return true;
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
  const better = (a: ScoredWindowJob, b: ScoredWindowJob) => b.score - a.score || b.postedAt - a.postedAt || compareIds(a.id, b.id);
  const best = new Map<string, ScoredWindowJob>();
  for (const j of scored) {
    const key = duplicateKey(j);
    const cur = best.get(key);
    if (!cur || better(j, cur) < 0) best.set(key, j);
  }
  return [...best.values()]
    .sort(better)
    .slice(0, Math.max(0, k))
    .map((job, i) => ({ job, position: i + 1 }));
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
