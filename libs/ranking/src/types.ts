/** Plain data shapes of the ranking pipeline (no Nest, no database): everything here is pure. */

/** A job as the pipeline sees it. Times in milliseconds since the epoch. */
export interface RankJob {
  id: string;
  title: string;
  companyId: string | null;
  companyName?: string | null;
  skills: string[];
  city: string | null;
  region: string | null;
  country: string | null;
  remote: boolean;
  /** Annual salary range in the base currency. */
  salaryMin: number | null;
  salaryMax: number | null;
  postedAt: number;
  expiresAt: number | null;
  status: string;
  /** Used by saved-search keyword filters only (may be omitted). */
  description?: string;
}

export interface RankLocation {
  city: string | null;
  region: string | null;
  country: string | null;
}

export interface RankCandidate extends RankLocation {
  id: string;
  skills: string[];
  salaryExpectation: number | null;
  remoteOnly?: boolean;
}

/** The candidate's most recent profile change (from candidate_profile_changes). */
export interface ProfileChange {
  at: number;
  addedSkills: string[];
  /** Set when the location changed: where the candidate is now. */
  newLocation: RankLocation | null;
}

/** Saved-search filters (same semantics as alert filters). */
export interface SearchFilters {
  keywords?: string[];
  location?: string | null;
  remote?: boolean | null;
  minSalary?: number | null;
}

export interface RankContext {
  nowMs: number;
  candidate: RankCandidate;
  profileChange?: ProfileChange | null;
  /** Jobs the candidate applied to (ids). */
  applied: ReadonlySet<string>;
  dismissed?: ReadonlySet<string>;
  /** A few recent applied jobs (features) for "similar to jobs you applied to". */
  appliedJobs?: RankJob[];
  /** Applications per job (interactions of type apply), for load balancing. */
  applicants: ReadonlyMap<string, number>;
  filters?: SearchFilters;
  /** Model name shown in the fallback reason. */
  modelName?: string;
}

/** One entry of a list flowing through the stages. */
export interface RankItem {
  job: RankJob;
  /** Current relevance score (stages add boosts to it). */
  score: number;
  /** The model's raw score (null: the model does not know the job, e.g. posted after training). */
  modelScore: number | null;
  /** Which candidate sources produced the job. */
  sources: string[];
  /** Score added per re-ranking stage (for reasons and the debug view). */
  boosts: Record<string, number>;
  /** Stage notes that become reasons (e.g. profile change matches). */
  notes: Record<string, string>;
}

export interface RankingReason {
  code: ReasonCode;
  text: string;
  detail: string | null;
}

export type ReasonCode = 'MATCHED_SKILLS' | 'SIMILAR_TO_APPLIED' | 'NEW_IN_YOUR_AREA' | 'SALARY_FITS' | 'PROFILE_LOCATION' | 'PROFILE_SKILLS' | 'UNDER_APPLIED' | 'MODEL';

/** A scored job from one candidate source (model top-N, profile-change query, a pool). */
export interface SourceHit {
  jobId: string;
  score: number | null;
}
