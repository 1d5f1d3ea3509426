import { CronExpressionParser } from 'cron-parser';
import { RetrainError } from './retraining.errors.js';

/**
 * Pure: a model's retraining policy, validated. What is stored is exactly what runs (defaults filled in).
 */
export interface RetrainSchedule {
  /** Cron pattern (5 or 6 fields, UTC), e.g. "0 3 * * 1" — or an interval; exactly one of the two. */
  cron?: string;
  intervalMinutes?: number;
}

export interface RetrainEvaluation {
  /** The latest `holdoutDays` before the run are held out: the new version trains before them, both models are evaluated on them. */
  holdoutDays: number;
  /** The metric the gate compares, e.g. "ndcg@10" (ndcg, map, recall, precision, mrr or hit_rate at k). */
  metric: string;
}

export interface RetrainGate {
  /** The new version may be worse than the champion by at most this much (absolute); default: the model's gate. */
  maxDrop?: number;
}

export interface RetrainDrift {
  /** Feature service whose drift runs can trigger a retrain. */
  service: string;
  /** Features (as `view.feature`) that count; empty = every feature of the service. */
  features: string[];
}

export interface RetrainPolicy {
  enabled: boolean;
  schedule: RetrainSchedule;
  /** Strategy and params of the new versions; strategy null = the model's strategy. */
  strategy: string | null;
  params: Record<string, unknown>;
  /** Training window in days before the cut-off; null = all interactions before it. */
  trainingWindowDays: number | null;
  evaluation: RetrainEvaluation;
  gate: RetrainGate;
  drift: RetrainDrift | null;
}

export interface RetrainPolicyInput {
  enabled?: boolean;
  schedule?: RetrainSchedule;
  strategy?: string | null;
  params?: Record<string, unknown>;
  trainingWindowDays?: number | null;
  evaluation?: Partial<RetrainEvaluation>;
  gate?: RetrainGate;
  drift?: { service: string; features?: string[] } | null;
}

export const METRIC_PATTERN = /^(ndcg|map|recall|precision|mrr|hit_rate)@([1-9]\d{0,2})$/;
export const DEFAULT_EVALUATION: RetrainEvaluation = { holdoutDays: 7, metric: 'ndcg@10' };

const bad = (field: string, message: string) => new RetrainError('INVALID_INPUT', `${field}: ${message}`, { field });

export function parsePolicy(input: RetrainPolicyInput): RetrainPolicy {
  const s = input.schedule;
  if (!s || (s.cron === undefined || s.cron === null) === (s.intervalMinutes === undefined || s.intervalMinutes === null)) {
    throw bad('schedule', 'give exactly one of cron or intervalMinutes');
  }
  let schedule: RetrainSchedule;
  if (s.cron !== undefined && s.cron !== null) {
    const cron = s.cron.trim();
    const fields = cron.split(/\s+/).length;
    if (fields < 5 || fields > 6) throw bad('schedule.cron', `"${cron}" must have 5 or 6 fields`);
    try {
      CronExpressionParser.parse(cron, { tz: 'UTC' });
    } catch (err) {
      throw bad('schedule.cron', `"${cron}" is not a valid cron pattern (${(err as Error).message})`);
    }
    schedule = { cron };
  } else {
    const m = s.intervalMinutes!;
    if (!Number.isInteger(m) || m < 1 || m > 366 * 24 * 60) throw bad('schedule.intervalMinutes', `must be an integer in 1..${366 * 24 * 60}, got ${m}`);
    schedule = { intervalMinutes: m };
  }
  const w = input.trainingWindowDays ?? null;
  if (w !== null && !(Number.isInteger(w) && w >= 1 && w <= 3650)) throw bad('trainingWindowDays', `must be an integer in 1..3650 or null, got ${w}`);
  const holdoutDays = input.evaluation?.holdoutDays ?? DEFAULT_EVALUATION.holdoutDays;
  if (!(typeof holdoutDays === 'number' && holdoutDays > 0 && holdoutDays <= 365)) throw bad('evaluation.holdoutDays', `must be in (0, 365], got ${holdoutDays}`);
  const metric = (input.evaluation?.metric ?? DEFAULT_EVALUATION.metric).trim().toLowerCase();
  const mm = METRIC_PATTERN.exec(metric);
  if (!mm || Number(mm[2]) > 200) throw bad('evaluation.metric', `"${metric}" is not a ranking metric at k (ndcg, map, recall, precision, mrr or hit_rate @ 1..200)`);
  const gate: RetrainGate = {};
  if (input.gate?.maxDrop !== undefined && input.gate.maxDrop !== null) {
    const d = input.gate.maxDrop;
    if (!(typeof d === 'number' && d >= 0 && d <= 1)) throw bad('gate.maxDrop', `must be within [0, 1], got ${d}`);
    gate.maxDrop = d;
  }
  let drift: RetrainDrift | null = null;
  if (input.drift) {
    const service = (input.drift.service ?? '').trim();
    if (!service) throw bad('drift.service', 'a feature service name is required');
    const features = [...new Set((input.drift.features ?? []).map((f) => f.trim()))];
    for (const f of features) if (!/^[a-z0-9_]+\.[a-z0-9_]+$/i.test(f)) throw bad('drift.features', `"${f}" must be "view.feature"`);
    drift = { service, features };
  }
  const params = input.params ?? {};
  if (typeof params !== 'object' || Array.isArray(params)) throw bad('params', 'must be an object');
  return { enabled: input.enabled ?? true, schedule, strategy: input.strategy ?? null, params: { ...params }, trainingWindowDays: w, evaluation: { holdoutDays, metric }, gate, drift };
}

/** The k of the policy's metric (the evaluation ranks at this cut-off). */
export function metricK(metric: string): number {
  return Number(METRIC_PATTERN.exec(metric)![2]);
}

/** The BullMQ repeat options of a schedule (cron in UTC, or a fixed interval). */
export function repeatOptions(s: RetrainSchedule): { pattern: string; tz: string } | { every: number } {
  return s.cron ? { pattern: s.cron, tz: 'UTC' } : { every: s.intervalMinutes! * 60_000 };
}

/** Which of a drift run's flagged features (`view.feature` of `service`) concern the policy. */
export function driftHits(policy: Pick<RetrainPolicy, 'drift'>, rows: ReadonlyArray<{ service: string; feature: string; drifted: boolean }>): string[] {
  const d = policy.drift;
  if (!d) return [];
  return rows.filter((r) => r.drifted && r.service === d.service && (d.features.length === 0 || d.features.includes(r.feature))).map((r) => r.feature).sort();
}

/**
 * The time points of a run at `asOf`: the new version trains on [since, cutoff), both models are evaluated on
 * [cutoff, asOf).
 */
export function runWindow(policy: Pick<RetrainPolicy, 'trainingWindowDays' | 'evaluation'>, asOf: Date): { cutoff: Date; since: Date | null } {
  const cutoff = new Date(asOf.getTime() - Math.round(policy.evaluation.holdoutDays * 86_400_000));
  const since = policy.trainingWindowDays === null ? null : new Date(cutoff.getTime() - policy.trainingWindowDays * 86_400_000);
  return { cutoff, since };
}
