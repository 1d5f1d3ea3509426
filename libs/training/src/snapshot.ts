import type { CandidateFeatures, EmploymentType, InteractionType, JobFeatures, TrainingSnapshot } from '@app/recsys';

/** Rows as read from the market tables (see SnapshotService); everything here is pure. */
export interface JobRow {
  id: string;
  title: string;
  description: string;
  skills: string[];
  city: string | null;
  country: string | null;
  remote: boolean;
  salary_annual_min: number | null;
  salary_annual_max: number | null;
  seniority: string | null;
  employment_type: string | null;
  expires_at: Date | null;
  status: string;
}

export interface CandidateRow {
  id: string;
  desired_titles: string[];
  skills: string[];
  resume: string | null;
  city: string | null;
  country: string | null;
  salary_expectation: number | null;
  preferences: { remote?: 'only' | 'preferred' | 'no'; employmentTypes?: string[]; minSalary?: number } | null;
}

export interface InteractionRow {
  candidate_id: string;
  job_id: string;
  type: 'impression' | 'click' | 'save' | 'apply' | 'dismiss';
  /** Seconds since the epoch. */
  t: number;
}

/** Interaction weights by type (apply 3, save 2, click 1); dismissals are carried with weight 0 and type 'dismiss'. */
export const INTERACTION_WEIGHTS: Record<InteractionRow['type'], number> = { apply: 3, save: 2, click: 1, impression: 0.25, dismiss: 0 };

/** Ordinal used for `JobFeatures.seniority`: intern … executive = 0 … 5. */
export const SENIORITY_ORDINAL: Record<string, number> = { intern: 0, junior: 1, mid: 2, senior: 3, lead: 4, executive: 5 };

const EMPLOYMENT_TYPES = new Set<string>(['full_time', 'part_time', 'contract', 'temporary', 'internship']);

export interface SnapshotOptions {
  /** Interactions with occurred_at < cutoff are used. */
  cutoff: Date;
  /** Impressions are ignored unless asked for (then weighted 0.25, a weak positive). */
  includeImpressions?: boolean;
  /** Further filter on interactions (offline evaluation refits on the training side of its split). */
  keep?: (x: InteractionRow) => boolean;
}

/** What the version's `dataset` JSON records about the snapshot. */
export interface SnapshotInfo {
  source: 'market';
  cutoff: string;
  rows: { interactions: number; candidates: number; jobs: number };
  interactionTypes: string[];
  weights: Record<string, number>;
  consent: 'candidates.consent_training = true';
  /** Start of the training window when one was set (interactions before it were left out). */
  since?: string;
}

export function jobFeatures(r: JobRow): JobFeatures {
  const f: JobFeatures = { id: String(r.id), title: r.title, description: r.description, skills: r.skills ?? [], remote: r.remote };
  if (r.city || r.country) f.location = { ...(r.country ? { country: r.country } : {}), ...(r.city ? { city: r.city } : {}) };
  if (r.salary_annual_min !== null) f.salaryMin = Number(r.salary_annual_min);
  if (r.salary_annual_max !== null) f.salaryMax = Number(r.salary_annual_max);
  if (r.seniority !== null && r.seniority in SENIORITY_ORDINAL) f.seniority = SENIORITY_ORDINAL[r.seniority];
  if (r.employment_type && EMPLOYMENT_TYPES.has(r.employment_type)) f.employmentType = r.employment_type as EmploymentType;
  if (r.expires_at) f.expiresAt = new Date(r.expires_at).getTime() / 1000;
  if (r.status === 'closed' || r.status === 'expired') f.closed = true;
  return f;
}

export function candidateFeatures(r: CandidateRow): CandidateFeatures {
  const f: CandidateFeatures = { id: String(r.id), desiredTitles: r.desired_titles ?? [], skills: r.skills ?? [] };
  if (r.resume) f.resume = r.resume;
  if (r.city || r.country) f.location = { ...(r.country ? { country: r.country } : {}), ...(r.city ? { city: r.city } : {}) };
  const p = r.preferences ?? {};
  const prefs: NonNullable<CandidateFeatures['preferences']> = {};
  if (p.remote === 'only') prefs.remoteOnly = true;
  const minSalary = p.minSalary ?? r.salary_expectation ?? undefined;
  if (typeof minSalary === 'number' && Number.isFinite(minSalary) && minSalary > 0) prefs.minSalary = Number(minSalary);
  const types = (p.employmentTypes ?? []).filter((t) => EMPLOYMENT_TYPES.has(t)) as EmploymentType[];
  if (types.length) prefs.employmentTypes = types;
  if (Object.keys(prefs).length) f.preferences = prefs;
  return f;
}

/**
 * Dense indices (candidates and jobs sorted by database id), weighted interactions; interactions of candidates
 * or jobs outside the given rows (no training consent, job unknown) are dropped.
 */
export function buildSnapshot(jobs: JobRow[], candidates: CandidateRow[], interactions: InteractionRow[], opts: SnapshotOptions): { snapshot: TrainingSnapshot; info: SnapshotInfo } {
  const byId = (a: { id: string }, b: { id: string }) => compareIds(String(a.id), String(b.id));
  const js = [...jobs].sort(byId), cs = [...candidates].sort(byId);
  const jobIndex = new Map(js.map((j, i) => [String(j.id), i]));
  const candIndex = new Map(cs.map((c, i) => [String(c.id), i]));
  const cutoff = opts.cutoff.getTime() / 1000;
  const kept: Array<{ u: number; j: number; w: number; t: number; type: InteractionType }> = [];
  const types = new Set<string>();
  for (const x of interactions) {
    if (!(x.type in INTERACTION_WEIGHTS)) continue; // e.g. unsubscribe: about the alert, not the job
    if (x.type === 'impression' && !opts.includeImpressions) continue;
    if (!(x.t < cutoff)) continue;
    if (opts.keep && !opts.keep(x)) continue;
    const u = candIndex.get(String(x.candidate_id)), j = jobIndex.get(String(x.job_id));
    if (u === undefined || j === undefined) continue;
    types.add(x.type);
    kept.push({ u, j, w: INTERACTION_WEIGHTS[x.type], t: x.t, type: x.type === 'impression' ? 'view' : x.type });
  }
  kept.sort((a, b) => a.t - b.t || a.u - b.u || a.j - b.j);
  const snapshot: TrainingSnapshot = {
    numCandidates: cs.length,
    numJobs: js.length,
    interactions: {
      candidate: Int32Array.from(kept, (k) => k.u),
      job: Int32Array.from(kept, (k) => k.j),
      weight: Float32Array.from(kept, (k) => k.w),
      time: Float64Array.from(kept, (k) => k.t),
      type: kept.map((k) => k.type),
    },
    candidates: cs.map(candidateFeatures),
    jobs: js.map(jobFeatures),
  };
  const weights: Record<string, number> = { apply: 3, save: 2, click: 1, dismiss: 0 };
  if (opts.includeImpressions) weights['impression'] = INTERACTION_WEIGHTS.impression;
  return {
    snapshot,
    info: {
      source: 'market',
      cutoff: opts.cutoff.toISOString(),
      rows: { interactions: kept.length, candidates: cs.length, jobs: js.length },
      interactionTypes: [...types].sort(),
      weights,
      consent: 'candidates.consent_training = true',
    },
  };
}

/** Numeric order for bigint ids given as strings. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export interface TemporalSplit {
  train: TrainingSnapshot;
  /** Per candidate index: validation job index → grade (apply 3, save 2, click 1), training items excluded. */
  relevant: Map<number, Map<number, number>>;
  splitAt: number;
  trainInteractions: number;
  validationInteractions: number;
}

/**
 * Temporal validation split: interactions in the last `fraction` of the time range are held out. Held-out
 * positives of candidates that have training positives, minus items already seen in training, are the targets.
 */
export function temporalSplit(s: TrainingSnapshot, fraction: number): TemporalSplit {
  const x = s.interactions;
  const n = x.time.length;
  let lo = Infinity, hi = -Infinity;
  for (let r = 0; r < n; r++) { lo = Math.min(lo, x.time[r]!); hi = Math.max(hi, x.time[r]!); }
  const splitAt = n === 0 ? 0 : hi - (hi - lo) * fraction;
  const trainRows: number[] = [], validRows: number[] = [];
  for (let r = 0; r < n; r++) (x.time[r]! < splitAt || fraction <= 0 ? trainRows : validRows).push(r);
  const pick = <T extends Int32Array | Float32Array | Float64Array>(a: T, ctor: { from(v: number[]): T }): T => ctor.from(trainRows.map((r) => a[r]!));
  const train: TrainingSnapshot = {
    ...s,
    interactions: {
      candidate: pick(x.candidate, Int32Array),
      job: pick(x.job, Int32Array),
      weight: pick(x.weight, Float32Array),
      time: pick(x.time, Float64Array),
      ...(x.type ? { type: trainRows.map((r) => x.type![r]!) } : {}),
    },
  };
  const seen = new Map<number, Set<number>>();
  for (const r of trainRows) {
    if (x.type?.[r] === 'dismiss' || !(x.weight[r]! > 0)) continue;
    let set = seen.get(x.candidate[r]!);
    if (!set) seen.set(x.candidate[r]!, (set = new Set()));
    set.add(x.job[r]!);
  }
  const relevant = new Map<number, Map<number, number>>();
  for (const r of validRows) {
    const u = x.candidate[r]!, j = x.job[r]!, w = x.weight[r]!;
    if (x.type?.[r] === 'dismiss' || !(w >= 1) || !seen.has(u) || seen.get(u)!.has(j)) continue;
    let m = relevant.get(u);
    if (!m) relevant.set(u, (m = new Map()));
    m.set(j, Math.max(m.get(j) ?? 0, Math.round(w)));
  }
  return { train, relevant, splitAt, trainInteractions: trainRows.length, validationInteractions: validRows.length };
}
