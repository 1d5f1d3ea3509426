import type { CandidatesStage, DiversityStage, FiltersStage, FreshnessStage, LoadBalanceStage, ProfileChangeStage, ScoreStage } from './config.js';
import { jaccardIds, jobTokenIds, skillKey } from './similarity.js';
import type { RankContext, RankItem, RankJob, SearchFilters, SourceHit } from './types.js';

/** Pure stage functions: each takes the list in order and returns the list out (a new array; items may be copied). */

const DAY_MS = 86_400_000;

/** Best first; ties: newer posting, then smaller id (numeric for database ids). */
export function byScore(a: RankItem, b: RankItem): number {
  return b.score - a.score || b.job.postedAt - a.job.postedAt || compareIds(a.job.id, b.job.id);
}

export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Union of the sources' top-N (in source order, each job once, remembering every source that produced it). */
export function candidatesStage(cfg: CandidatesStage, sources: Partial<Record<string, SourceHit[]>>, jobs: ReadonlyMap<string, RankJob>): RankItem[] {
  const byId = new Map<string, RankItem>();
  cfg.sources.forEach((s, n) => {
    const key = sourceKey(s, n);
    for (const hit of (sources[key] ?? []).slice(0, s.topN)) {
      const job = jobs.get(hit.jobId);
      if (!job) continue;
      const cur = byId.get(hit.jobId);
      if (cur) {
        if (!cur.sources.includes(s.source)) cur.sources.push(s.source);
        if (cur.modelScore === null && hit.score !== null && s.source !== 'profile') cur.modelScore = hit.score;
        continue;
      }
      byId.set(hit.jobId, { job, score: 0, modelScore: s.source === 'profile' ? null : hit.score, sources: [s.source], boosts: {}, notes: {} });
    }
  });
  return [...byId.values()];
}

/** The key a source's hits are passed under: its name, or name#index when a pipeline lists the same source twice. */
export function sourceKey(s: CandidatesStage['sources'][number], index: number): string {
  return s.modelRef ? `${s.source}:${s.modelRef}` : index === 0 || s.source !== 'model' ? s.source : `${s.source}#${index}`;
}

/**
 * Model scores → [0, 1]: jobs the model knows are min-max scaled into [knownFloor, 1]; jobs it does not know
 * (posted after training) get knownFloor × recency (half-life 7 days) below them, as the alert ranking always did.
 * `scoreOf` may rescore every job with the variant's model (else the sources' scores are used).
 */
export function scoreStage(cfg: ScoreStage, items: RankItem[], nowMs: number, scoreOf?: (jobIds: string[]) => Array<number | null>): RankItem[] {
  const out = items.map((i) => ({ ...i, boosts: { ...i.boosts }, notes: { ...i.notes }, sources: [...i.sources] }));
  if (scoreOf) {
    const s = scoreOf(out.map((i) => i.job.id));
    out.forEach((i, n) => (i.modelScore = s[n] ?? null));
  }
  let min = Infinity, max = -Infinity;
  for (const i of out) if (i.modelScore !== null && Number.isFinite(i.modelScore)) { min = Math.min(min, i.modelScore); max = Math.max(max, i.modelScore); }
  const f = cfg.knownFloor;
  for (const i of out) {
    if (i.modelScore !== null && Number.isFinite(i.modelScore)) i.score = max > min ? f + (1 - f) * ((i.modelScore - min) / (max - min)) : 1;
    else i.score = 0.99 * f * Math.pow(2, -Math.max(0, nowMs - i.job.postedAt) / (7 * DAY_MS)); // strictly below known jobs
  }
  return out.sort(byScore);
}

function boost(items: RankItem[], stage: string, delta: (i: RankItem) => number): RankItem[] {
  const out = items.map((i) => {
    const d = delta(i);
    if (d === 0) return i;
    return { ...i, score: i.score + d, boosts: { ...i.boosts, [stage]: d } };
  });
  return out.sort(byScore);
}

/** + weight · 2^(−age / half-life): a posting of age 0 gets the whole weight. */
export function freshnessStage(cfg: FreshnessStage, items: RankItem[], nowMs: number): RankItem[] {
  if (cfg.weight === 0) return items;
  return boost(items, 'freshness', (i) => cfg.weight * Math.pow(2, -Math.max(0, nowMs - i.job.postedAt) / (cfg.halfLifeDays * DAY_MS)));
}

const norm = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/** How well a job's location matches a place: same city 1, same region 0.5, else 0 (remote jobs are not "in" a place). */
export function locationMatch(job: RankJob, where: { city: string | null; region: string | null; country: string | null }): number {
  if (job.remote && !job.city) return 0;
  if (where.country && job.country && norm(where.country) !== norm(job.country)) return 0;
  if (where.city && norm(job.city) === norm(where.city)) return 1;
  if (where.region && norm(job.region) === norm(where.region)) return 0.5;
  return 0;
}

/**
 * Boost while the candidate's last profile change is recent (within windowDays): jobs in the new location (city 1,
 * region 0.5) and jobs using newly added skills (share of the added skills the job lists); the larger counts.
 */
export function profileChangeStage(cfg: ProfileChangeStage, items: RankItem[], ctx: RankContext): RankItem[] {
  const ch = ctx.profileChange;
  if (!ch || cfg.weight === 0 || ctx.nowMs - ch.at > cfg.windowDays * DAY_MS) return items;
  const added = cfg.features.includes('skills') ? ch.addedSkills.map(skillKey) : [];
  const loc = cfg.features.includes('location') ? ch.newLocation : null;
  const out = items.map((i) => {
    const l = loc ? locationMatch(i.job, loc) : 0;
    const have = added.length ? new Set(i.job.skills.map(skillKey)) : null;
    const matched = have ? ch.addedSkills.filter((s) => have.has(skillKey(s))) : [];
    const sk = added.length ? matched.length / added.length : 0;
    const v = Math.max(l, sk);
    if (v === 0) return i;
    const notes = { ...i.notes };
    if (l > 0) notes['profileLocation'] = [loc!.city && l === 1 ? loc!.city : loc!.region].filter(Boolean).join('');
    if (sk > 0) notes['profileSkills'] = matched.join(', ');
    return { ...i, score: i.score + cfg.weight * v, boosts: { ...i.boosts, profileChange: cfg.weight * v }, notes };
  });
  return out.sort(byScore);
}

/**
 * Application-load balancing (LinkedIn's job recommendations): postings with more applications than they need are
 * demoted (up to the whole weight at 4× the target), under-applied ones promoted by promote · weight · (1 − share).
 */
export function loadBalanceStage(cfg: LoadBalanceStage, items: RankItem[], ctx: RankContext): RankItem[] {
  if (cfg.weight === 0) return items;
  return boost(items, 'loadBalance', (i) => loadDelta(cfg, ctx.applicants.get(i.job.id) ?? 0));
}

export function loadDelta(cfg: LoadBalanceStage, applicants: number): number {
  const ratio = applicants / cfg.targetApplicants;
  if (ratio > 1) return -cfg.weight * Math.min(1, Math.log2(ratio) / 2);
  return cfg.weight * cfg.promote * (1 - ratio);
}

/**
 * Maximal marginal relevance over the first `window` positions: repeatedly take the job maximising
 * λ·score − (1 − λ)·max similarity to the jobs already taken, skipping companies that already have maxPerCompany
 * jobs while any other job is left (then the capped ones follow, still by MMR). Scores are not changed;
 * positions after the window keep their order. Similarities are computed on the window only.
 */
export function diversityStage(cfg: DiversityStage, items: RankItem[]): RankItem[] {
  const w = Math.min(cfg.window, items.length);
  if (w <= 1 || (cfg.lambda >= 1 && cfg.maxPerCompany === 0)) return items;
  const head = items.slice(0, w);
  const tokens = head.map((i) => jobTokenIds(i.job, cfg.similarity));
  const maxSim = new Float64Array(w);
  const taken = new Uint8Array(w);
  const perCompany = new Map<string, number>();
  const company = (i: RankItem) => i.job.companyId ?? (i.job.companyName ? `name:${i.job.companyName.toLowerCase()}` : null);
  const out: RankItem[] = [];
  const useSim = cfg.lambda < 1;
  for (let step = 0; step < w; step++) {
    let best = -1, bestVal = -Infinity, bestCapped = -1, bestCappedVal = -Infinity;
    for (let t = 0; t < w; t++) {
      if (taken[t]) continue;
      const v = cfg.lambda * head[t]!.score - (1 - cfg.lambda) * maxSim[t]!;
      const c = company(head[t]!);
      const capped = cfg.maxPerCompany > 0 && c !== null && (perCompany.get(c) ?? 0) >= cfg.maxPerCompany;
      if (capped) { if (v > bestCappedVal) { bestCappedVal = v; bestCapped = t; } }
      else if (v > bestVal) { bestVal = v; best = t; }
    }
    const pick = best >= 0 ? best : bestCapped;
    taken[pick] = 1;
    const item = head[pick]!;
    out.push(item);
    const c = company(item);
    if (c !== null) perCompany.set(c, (perCompany.get(c) ?? 0) + 1);
    if (useSim) for (let t = 0; t < w; t++) if (!taken[t]) maxSim[t] = Math.max(maxSim[t]!, jaccardIds(tokens[t]!, tokens[pick]!));
  }
  return out.concat(items.slice(w));
}

/** Saved-search filters; a remote job matches any location unless the filter asks for on-site. */
export function matchesSearch(job: RankJob, f: SearchFilters): boolean {
  if (f.remote === true && !job.remote) return false;
  if (f.remote === false && job.remote) return false;
  if (f.location) {
    const want = f.location.toLowerCase().trim();
    const where = [job.city, job.region, job.country].filter(Boolean).map((x) => x!.toLowerCase());
    if (!where.some((w) => w === want || w.includes(want)) && !(job.remote && f.remote !== false)) return false;
  }
  if (f.minSalary !== null && f.minSalary !== undefined) {
    const top = job.salaryMax ?? job.salaryMin;
    if (top === null || top < f.minSalary) return false;
  }
  if (f.keywords && f.keywords.length > 0) {
    const text = `${job.title} ${job.skills.join(' ')} ${job.description ?? ''}`.toLowerCase();
    if (!f.keywords.every((k) => text.includes(k.toLowerCase()))) return false;
  }
  return true;
}

/** Why the hard filters drop a job, or null when it stays. */
export function filterReason(cfg: FiltersStage, job: RankJob, ctx: RankContext): string | null {
  if (cfg.expired && (job.status !== 'active' || (job.expiresAt !== null && job.expiresAt <= ctx.nowMs))) return job.status !== 'active' ? `job is ${job.status}` : 'job expired';
  if (cfg.applied && ctx.applied.has(job.id)) return 'already applied';
  if (cfg.dismissed && ctx.dismissed?.has(job.id)) return 'dismissed';
  if (cfg.savedSearch && ctx.filters && !matchesSearch(job, ctx.filters)) return 'saved-search filters';
  const c = ctx.candidate;
  if (c.remoteOnly && !job.remote) return 'candidate wants remote jobs only';
  if (cfg.location !== 'none' && !job.remote) {
    if (c.country && job.country && norm(c.country) !== norm(job.country)) return `job is in ${job.country}, candidate in ${c.country}`;
    if (cfg.location === 'city' && c.city && job.city && norm(c.city) !== norm(job.city)) return `job is in ${job.city}, candidate in ${c.city}`;
  }
  return null;
}

export function filtersStage(cfg: FiltersStage, items: RankItem[], ctx: RankContext): { items: RankItem[]; removed: Array<[string, string]> } {
  const kept: RankItem[] = [], removed: Array<[string, string]> = [];
  for (const i of items) {
    const why = filterReason(cfg, i.job, ctx);
    if (why === null) kept.push(i);
    else removed.push([i.job.id, why]);
  }
  return { items: kept, removed };
}
