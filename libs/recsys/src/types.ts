/** Plain data shapes shared by every strategy. Candidates and jobs are addressed by their index in the snapshot. */

export type InteractionType = 'view' | 'click' | 'save' | 'apply' | 'dismiss' | 'rating';

export interface Interactions {
  /** Parallel arrays, one entry per interaction. */
  candidate: Int32Array;
  job: Int32Array;
  /** Strength (> 0 for positive feedback). Dismissals are carried with their type and never count as positive. */
  weight: Float32Array;
  /** Seconds since the epoch (or any monotone clock). */
  time: Float64Array;
  /** Optional per-interaction type; absent means every row is a positive 'view'. */
  type?: InteractionType[];
}

export interface Location {
  country?: string;
  city?: string;
}

export type EmploymentType = 'full_time' | 'part_time' | 'contract' | 'temporary' | 'internship';

export interface JobFeatures {
  id: string;
  title?: string;
  description?: string;
  skills?: string[];
  location?: Location;
  remote?: boolean;
  salaryMin?: number;
  salaryMax?: number;
  /** 0 = intern … 5 = principal; free ordinal scale. */
  seniority?: number;
  employmentType?: EmploymentType;
  /** Seconds since the epoch; absent = never expires. */
  expiresAt?: number;
  closed?: boolean;
}

export interface CandidatePreferences {
  remoteOnly?: boolean;
  location?: Location;
  minSalary?: number;
  employmentTypes?: EmploymentType[];
}

export interface CandidateFeatures {
  id: string;
  profile?: string;
  resume?: string;
  desiredTitles?: string[];
  skills?: string[];
  location?: Location;
  seniority?: number;
  preferences?: CandidatePreferences;
}

export interface TrainingSnapshot {
  numCandidates: number;
  numJobs: number;
  interactions: Interactions;
  /** Indexed like the interactions' candidate indices (optional). */
  candidates?: CandidateFeatures[];
  /** Indexed like the interactions' job indices (optional). */
  jobs?: JobFeatures[];
}

/** A known candidate (index) or a new one described by features and (optionally) recent history. */
export interface CandidateQuery {
  index?: number;
  features?: CandidateFeatures;
  /** Job indices the candidate interacted with positively (used by strategies that need history for cold candidates). */
  history?: number[];
  /** Strength per `history` entry (default 1 each), e.g. libs/training's weights (apply 3, save 2, click 1). */
  historyWeights?: number[];
}

export interface RecommendFilters {
  /** Reference time for expiry (seconds); default: now. */
  now?: number;
  /** Exclude the candidate's training items (default true). */
  excludeTraining?: boolean;
  /** Further job indices the candidate applied to or dismissed. */
  applied?: Iterable<number>;
  dismissed?: Iterable<number>;
  /** Apply the candidate's hard preferences (default true). Overrides the snapshot's preferences when given. */
  applyPreferences?: boolean;
  preferences?: CandidatePreferences;
  /** Keep expired/closed jobs (benchmarks on data without expiry need nothing here; default false). */
  includeExpired?: boolean;
}

export interface ScoredJob {
  job: number;
  score: number;
}

export type ProgressFn = (event: { phase: string; done: number; total: number; loss?: number }) => void;
