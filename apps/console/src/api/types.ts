// Record shapes the console reads, mirroring apps/api/schema.gql (only the fields the console selects).

export const SENIORITIES = ['intern', 'junior', 'mid', 'senior', 'lead', 'executive'] as const;
export type Seniority = (typeof SENIORITIES)[number];
export const JOB_STATUSES = ['active', 'expired', 'closed', 'duplicate'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const EMPLOYMENT_TYPES = ['full_time', 'part_time', 'contract', 'temporary', 'internship'] as const;
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];
export const INTERACTION_TYPES = ['impression', 'click', 'save', 'apply', 'dismiss', 'unsubscribe'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];
export const EDUCATION_LEVELS = ['none', 'high_school', 'associate', 'bachelor', 'master', 'phd'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];
export const ROLES = ['admin', 'ml_engineer', 'analyst', 'app'] as const;
export type Role = (typeof ROLES)[number];

/** Annualised salaries are in the API's base currency (libs/ingest: USD unless configured otherwise). */
export const BASE_CURRENCY = 'USD';

export interface Job {
  id: string;
  title: string;
  normalizedTitle: string;
  description: string;
  skills: string[];
  company: { id: string; name: string } | null;
  location: { city: string | null; region: string | null; country: string | null; remote: boolean };
  salary: {
    min: number | null;
    max: number | null;
    currency: string | null;
    period: string | null;
    annualMin: number | null;
    annualMax: number | null;
  } | null;
  seniority: Seniority | null;
  employmentType: EmploymentType | null;
  postedAt: string;
  expiresAt: string | null;
  status: JobStatus;
  source: string;
  externalId: string;
  canonicalJobId: string | null;
}

export interface Candidate {
  id: string;
  externalId: string;
  source: string;
  /** Masked ("•••") unless the caller may read PII. */
  name: string | null;
  email: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  desiredTitles: string[];
  skills: string[];
  yearsExperience: number | null;
  educationLevel: EducationLevel | null;
  salaryExpectation: number | null;
  timeZone: string | null;
  consentAlerts: boolean;
  consentTraining: boolean;
  preferences: { remote: string | null; minSalary: number | null; maxDistanceKm: number | null; employmentTypes: string[] | null };
  createdAt: string;
  resumes: Array<{ id: string; category: string | null; parsedSkills: string[]; text: string; createdAt: string }>;
}

export interface Interaction {
  id: string;
  eventId: string;
  candidateId: string;
  jobId: string;
  type: InteractionType;
  occurredAt: string;
  rankingId: string | null;
  experimentKey: string | null;
  variant: string | null;
  position: number | null;
  source: string;
}

export interface Principal {
  id: string;
  kind: string;
  label: string;
  role: Role;
}

export interface MetricValue {
  name: string;
  value: number;
}

export interface ModelVersion {
  id: string;
  version: number;
  status: 'ready' | 'archived';
  strategy: string;
  params: string;
  createdAt: string;
  createdBy: string;
  trainingSeconds: number;
  codeVersion: string;
  artifactSha256: string;
  aliases: string[];
  archivedAt: string | null;
  metrics: MetricValue[];
}

export interface Model {
  /** The model's name (the console's record id). */
  id: string;
  name: string;
  strategy: string;
  owner: string;
  description: string;
  createdAt: string;
  gate?: string;
  aliases: Array<{ alias: string; version: number; updatedAt: string }>;
  versions: ModelVersion[];
}

export interface AliasHistoryEntry {
  id: string;
  alias: string;
  action: string;
  actor: string;
  at: string;
  fromVersion: number | null;
  toVersion: number | null;
  reason: string;
  experimentKey: string | null;
}

export const EVALUATION_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

export interface EvaluationMetric {
  name: string;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  users: number;
}

export interface Evaluation {
  id: string;
  modelRef: string;
  model: string;
  version: number;
  strategy: string;
  mode: string;
  status: EvaluationStatus;
  createdAt: string;
  durationSeconds: number | null;
  shards: number;
  k: number[];
  error: string | null;
  errorCode: string | null;
  progress: { percent: number; phase: string; shards: number | null; shardsDone: number | null; users: number | null; usersDone: number | null };
  protocol: { split: string; cutoff: string | null; n: number | null; testRatio: number | null; seed: number | null; threshold: number; excludeTraining: boolean; gain: string; grades?: Array<{ type: string; grade: number }> };
  dataset: { users: number; fingerprint: string; asOf?: string; interactions?: number; trainInteractions?: number; testInteractions?: number; candidates?: number; jobs?: number; catalogue?: number | null; versionCutoff?: string | null } | null;
  metrics: EvaluationMetric[];
  createdBy?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  attachedToVersion?: boolean;
}

export interface MetricComparison {
  name: string;
  a: number;
  b: number;
  difference: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
  users: number;
}

export interface EvaluationComparison {
  users: number;
  method: string;
  a: Evaluation;
  b: Evaluation;
  metrics: MetricComparison[];
}

export interface TrainingJob {
  id: string;
  kind: string;
  model: string;
  strategy: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  params: string;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  finishedAt: string | null;
  version: number | null;
  error: string | null;
  errorCode: string | null;
  progress: { percent: number; phase: string; iteration: number | null; iterations: number | null; loss: number | null; trial: number | null; trials: number | null };
  options?: string;
  result?: string | null;
  logs?: string[];
}

export interface ImportRun {
  id: string;
  kind: string;
  format: string;
  sourceName: string;
  status: string;
  strict: boolean;
  totalRows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  rejected: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  rejections?: Array<{ line: number; field: string | null; reason: string }>;
}

export interface Webhook {
  id: string;
  url: string;
  description: string;
  events: string[];
  models: string[];
  enabled: boolean;
  disabledReason: string | null;
  secretHint: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventType: string;
  model: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  attemptLog: Array<{ at: string; durationMs: number; responseStatus: number | null; error: string | null }>;
}

export interface FeatureViewVersion {
  id: string;
  version: number;
  current: boolean;
  createdAt: string;
  fingerprint: string;
  ttlSeconds: number;
  eventTimeColumn: string;
  features: Array<{ name: string; type: string; description: string | null; missing: string }>;
  offline: { rows: number; entities: number; latestEventTime: string | null };
  online: { backend: string; generation: number; rows: number; materializedAt: string } | null;
}

export interface FeatureView {
  id: string;
  name: string;
  entity: string;
  owner: string;
  description: string;
  versions: FeatureViewVersion[];
}

export interface FeatureStatistics {
  feature: string;
  kind: string;
  type: string;
  count: number;
  missingRate: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  quantiles: string;
  categories: string;
  computedAt: string;
}

export interface FeatureDrift {
  feature: string;
  psi: number | null;
  ks: number | null;
  ksPValue: number | null;
  drifted: boolean;
  recentCount: number;
  recentMissingRate: number;
  computedAt: string;
}

export interface FeatureServiceVersion {
  id: string;
  version: number;
  current: boolean;
  createdAt: string;
  fingerprint: string;
  features: string[];
  views: Array<{ view: string; version: number; features: string[] }>;
  statistics: FeatureStatistics[];
  drift: FeatureDrift[];
}

export interface FeatureService {
  id: string;
  name: string;
  owner: string;
  description: string;
  versions: FeatureServiceVersion[];
}

export interface FeatureJob {
  id: string;
  kind: string;
  status: string;
  createdAt: string;
  createdBy: string;
  finishedAt: string | null;
  error: string | null;
  errorCode: string | null;
  progress: { percent: number; phase: string; done: number | null; total: number | null };
  options?: string;
  result?: string | null;
  logs?: string[];
}
