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

// ---------------------------------------------------------------------------------------------------------------
// Experiments (libs/experiments), statistics (libs/statistics) and alerts (libs/alerts).

export const EXPERIMENT_STATUSES = ['draft', 'running', 'paused', 'stopped', 'concluded'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];
/** libs/experiments/src/metrics.ts */
export const EXPERIMENT_METRICS: Record<string, string> = {
  click_rate: 'clicks / items exposed',
  apply_rate: 'applies / items exposed',
  save_rate: 'saves / items exposed',
  dismiss_rate: 'dismisses / items exposed',
  clicks_per_unit: 'clicks / units exposed',
  applies_per_unit: 'applies / units exposed',
  units_with_click: 'share of exposed units with at least one click',
  units_with_apply: 'share of exposed units with at least one apply',
};
export const DECISIONS = ['ship', 'rollback', 'inconclusive'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface ExperimentVariant {
  key: string;
  weight: number;
  modelRef: string | null;
  strategy: string | null;
  killed: boolean;
}

export interface Experiment {
  /** The experiment's key (the console's record id). */
  id: string;
  key: string;
  type: 'ab' | 'interleaving' | string;
  hypothesis: string;
  owner: string;
  unit: string;
  status: ExperimentStatus;
  phase: number;
  coverage: number;
  variants: ExperimentVariant[];
  primaryMetric: string;
  secondaryMetrics: string[];
  guardrailMetrics: string[];
  plannedDays: number | null;
  plannedSampleSize: number | null;
  decision: Decision | null;
  decisionVariant: string | null;
  decisionNote: string | null;
  promotedVersion: string | null;
  createdAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  concludedAt: string | null;
}

export interface Interval {
  estimate: number;
  ciLow: number;
  ciHigh: number;
  p: number;
}

export interface MetricComparisonRow {
  variant: string;
  metric: string;
  role: 'primary' | 'secondary' | 'guardrail' | 'diagnostic' | string;
  kind: string;
  controlUnits: number;
  treatmentUnits: number;
  controlMean: number | null;
  treatmentMean: number | null;
  absolute: Interval | null;
  relative: Interval | null;
  welchP: number | null;
  adjustedP: number | null;
  cuped: boolean;
  sequentialRelative: { ciLow: number; ciHigh: number } | null;
  sequentialSignificant: boolean | null;
  chanceToBeatControl: number | null;
  nonInferiority: { margin: number; harmful: string; estimate: number; bound: number; p: number; nonInferior: boolean } | null;
  note: string | null;
}

export interface LiftPoint {
  day: string;
  variant: string;
  controlUnits: number;
  treatmentUnits: number;
  relativeLift: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  sequentialCiLow: number | null;
  sequentialCiHigh: number | null;
}

export interface VariantCounts {
  variant: string;
  units: number;
  rankings: number;
  items: number;
  clicks: number;
  applies: number;
  saves: number;
  dismisses: number;
  metrics: Array<{ metric: string; role: string; value: number | null }>;
}

export interface InterleavingResult {
  control: string;
  units: number;
  rankings: number;
  creditedLists: number;
  variants: Array<{
    variant: string;
    credit: number;
    creditedClicks: number;
    creditedApplies: number;
    note: string | null;
    vsControl: { preference: number; ciLow: number; ciHigh: number; p: number; wins: number; losses: number; ties: number; units: number } | null;
  }>;
}

export interface ExperimentAnalysis {
  experimentKey: string;
  phase: number;
  computedAt: string;
  durationMs: number;
  control: string;
  primaryMetric: string;
  cupedAvailable: boolean;
  srm: { chi2: number; df: number; p: number; flagged: boolean; expected: number[] } | null;
  unitsPerVariant: Array<{ variant: string; units: number; weight: number }>;
  variants: VariantCounts[];
  comparisons: MetricComparisonRow[];
  timeSeries: LiftPoint[];
  interleaving: InterleavingResult | null;
}

export interface SampleSizeResult {
  perArm: number;
  total: number;
  absoluteMde: number;
  alpha: number;
  power: number;
}

export interface AlertSubscription {
  id: string;
  candidateId: string;
  channel: 'email' | 'webhook' | string;
  email: string | null;
  webhookUrl: string | null;
  frequency: 'instant' | 'daily' | 'weekly' | string;
  sendHour: number;
  sendWeekday: number | null;
  timeZone: string;
  quietStart: number | null;
  quietEnd: number | null;
  filters: { keywords: string[]; location: string | null; remote: boolean | null; minSalary: number | null };
  modelRef: string | null;
  topK: number;
  status: 'active' | 'paused' | 'unsubscribed' | string;
  statusReason: string | null;
  lastSentAt: string | null;
  nextDueAt: string | null;
  createdAt: string;
}

export interface AlertDelivery {
  id: string;
  subscriptionId: string;
  candidateId: string;
  channel: string;
  status: string;
  messageId: string;
  dueAt: string;
  windowStart: string;
  windowEnd: string;
  rankingId: string | null;
  modelRef: string | null;
  modelVersion: number | null;
  experimentKey: string | null;
  variant: string | null;
  items?: Array<{ jobId: string; position: number; score: number; title: string; company: string | null; location: string | null }>;
  attempts: number;
  attemptLog?: Array<{ at: string; durationMs: number; responseStatus: number | null; error: string | null }>;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface AlertOverviewDay {
  day: string;
  experimentKey: string | null;
  variant: string | null;
  sent: number;
  items: number;
  clicked: number;
  applied: number;
  clicks: number;
  applies: number;
}

export interface AlertOverview {
  from: string;
  to: string;
  sent: number;
  failed: number;
  activeSubscriptions: number;
  pausedSubscriptions: number;
  opensTracked: boolean;
  days: AlertOverviewDay[];
}
