import { DEFAULT_RELEVANCE, EvaluationError, RANK_METRICS, validateRelevance, type Gain, type RankMetric, type RelevanceConfig, type SplitProtocol } from '@app/evaluation';
import { INTERACTION_TYPES } from '@app/market';

/**
 * Pure: turns a start request into the recorded specification of an evaluation (defaults filled in, every
 * value checked), so what is stored is exactly what runs and a later run with the same record is identical.
 */

export type SplitKind = SplitProtocol['kind'];
export type JobMetric = RankMetric | 'coverage';
export const JOB_METRICS: readonly JobMetric[] = [...RANK_METRICS, 'coverage'];
export const DEFAULT_METRICS: readonly JobMetric[] = ['precision', 'recall', 'map', 'ndcg', 'mrr', 'hit_rate', 'coverage'];
export const DEFAULT_KS = [5, 10, 20];
export const MAX_K = 200;
export const MAX_SHARDS = 64;
export const DEFAULT_TIMEOUT_SECONDS = 3600;

/** What defines the split and the metric values: two evaluations are comparable only when this is equal. */
export interface EvaluationProtocol {
  /** Temporal: `cutoff` in epoch ms. */
  split: SplitProtocol;
  relevance: RelevanceConfig;
  excludeTraining: boolean;
  gain: Gain;
}

export interface EvaluationRequest {
  modelRef: string;
  split?: { kind?: SplitKind; cutoff?: Date; n?: number; testRatio?: number; seed?: number };
  /** Read interactions before this time (default: now). */
  asOf?: Date;
  ks?: number[];
  metrics?: string[];
  relevance?: { grades?: Record<string, number>; threshold?: number };
  gain?: Gain;
  excludeTraining?: boolean;
  /** artifact: rank with the registered artifact; refit: fit the version's strategy and params on the split's training side. */
  mode?: 'artifact' | 'refit';
  shards?: number;
  timeoutSeconds?: number;
  attachToVersion?: boolean;
  bootstrapSeed?: number;
  bootstrapSamples?: number;
}

export interface EvaluationSpec {
  protocol: EvaluationProtocol;
  ks: number[];
  metrics: JobMetric[];
  mode: 'artifact' | 'refit';
  shards: number;
  timeoutSeconds: number;
  attachToVersion: boolean;
  asOf: Date;
  bootstrap: { samples: number; seed: number; level: number };
}

const bad = (message: string, details?: Record<string, unknown>) => new EvaluationError('INVALID_INPUT', message, details);
const intIn = (name: string, v: number, lo: number, hi: number): number => {
  if (!Number.isInteger(v) || v < lo || v > hi) throw bad(`${name} must be an integer in ${lo}..${hi}, got ${v}`);
  return v;
};

/**
 * @param versionCutoff the version's training cut-off (its registry `dataset.cutoff`), the default temporal
 *   cut-off; a temporal cut-off before it would test the artifact on interactions it was trained on (LEAKAGE).
 */
export function normalizeRequest(req: EvaluationRequest, versionCutoff: Date | null, now = new Date()): EvaluationSpec {
  const asOf = req.asOf ?? now;
  if (Number.isNaN(asOf.getTime())) throw bad('asOf is not a valid time');
  const ks = [...new Set(req.ks ?? DEFAULT_KS)].sort((a, b) => a - b);
  if (ks.length === 0) throw bad('k needs at least one cut-off');
  for (const k of ks) if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw bad(`k must be integers in 1..${MAX_K}, got ${k}`, { k });
  const metrics = [...new Set(req.metrics ?? DEFAULT_METRICS)] as JobMetric[];
  for (const m of metrics) if (!JOB_METRICS.includes(m)) throw bad(`unknown metric "${m}"; known: ${JOB_METRICS.join(', ')}`, { metric: m });
  if (!metrics.some((m) => m !== 'coverage')) throw bad('metrics needs at least one per-user metric (coverage alone cannot be compared)');
  const grades = req.relevance?.grades ?? DEFAULT_RELEVANCE.grades;
  for (const t of Object.keys(grades)) if (!(INTERACTION_TYPES as readonly string[]).includes(t)) throw bad(`unknown interaction type "${t}" in grades; known: ${INTERACTION_TYPES.join(', ')}`);
  const relevance = validateRelevance({ grades: { ...grades }, threshold: req.relevance?.threshold ?? DEFAULT_RELEVANCE.threshold });
  const gain = req.gain ?? 'linear';
  if (!['binary', 'linear', 'exponential'].includes(gain)) throw bad(`gain must be binary, linear or exponential, got "${gain}"`);

  const kind = req.split?.kind ?? 'temporal';
  let split: SplitProtocol;
  if (kind === 'temporal') {
    const cutoff = req.split?.cutoff ?? versionCutoff;
    if (!cutoff) throw bad('a temporal split needs a cutoff (this version records no training cut-off)');
    if (Number.isNaN(cutoff.getTime())) throw bad('cutoff is not a valid time');
    if (!(cutoff.getTime() < asOf.getTime())) throw bad(`cutoff ${cutoff.toISOString()} must be before asOf ${asOf.toISOString()}`);
    split = { kind: 'temporal', cutoff: cutoff.getTime() };
  } else if (kind === 'leave_last_n') {
    split = { kind: 'leave_last_n', n: intIn('n', req.split?.n ?? 1, 1, 100) };
  } else if (kind === 'random_ratio') {
    const testRatio = req.split?.testRatio ?? 0.2;
    if (!(testRatio > 0 && testRatio < 1)) throw bad(`testRatio must be in (0, 1), got ${testRatio}`);
    split = { kind: 'random_ratio', testRatio, seed: intIn('seed', req.split?.seed ?? 42, 0, 0xffffffff) };
  } else {
    throw bad(`split must be temporal, leave_last_n or random_ratio, got "${String(kind)}"`);
  }
  // A registered artifact was trained on everything before its cut-off: only a temporal split at or after it
  // holds out data the artifact has not seen. Other protocols refit the version's recipe by default.
  const mode = req.mode ?? (kind === 'temporal' ? 'artifact' : 'refit');
  if (mode !== 'artifact' && mode !== 'refit') throw bad(`mode must be artifact or refit, got "${String(mode)}"`);
  if (mode === 'artifact' && split.kind === 'temporal' && versionCutoff && split.cutoff < versionCutoff.getTime()) {
    throw new EvaluationError(
      'LEAKAGE',
      `cutoff ${new Date(split.cutoff).toISOString()} is before the version's training cut-off ${versionCutoff.toISOString()}: the artifact was trained on part of the test period; use a cutoff >= ${versionCutoff.toISOString()} or mode refit`,
      { cutoff: new Date(split.cutoff).toISOString(), versionCutoff: versionCutoff.toISOString() },
    );
  }
  return {
    protocol: { split, relevance, excludeTraining: req.excludeTraining ?? true, gain },
    ks,
    metrics,
    mode,
    shards: intIn('shards', req.shards ?? 1, 1, MAX_SHARDS),
    timeoutSeconds: intIn('timeoutSeconds', req.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, 1, 86400),
    attachToVersion: req.attachToVersion ?? true,
    asOf,
    bootstrap: { samples: intIn('bootstrapSamples', req.bootstrapSamples ?? 1000, 100, 100_000), seed: intIn('bootstrapSeed', req.bootstrapSeed ?? 42, 0, 0xffffffff), level: 0.95 },
  };
}

/** Graded interaction types: the only ones an evaluation reads (impressions and dismissals carry no grade by default). */
export function gradedTypes(r: RelevanceConfig): string[] {
  return Object.entries(r.grades).filter(([, g]) => g > 0).map(([t]) => t).sort();
}

/** The names of the differences between two protocols (empty: the same split and metric definitions). */
export function protocolDifferences(a: EvaluationProtocol, b: EvaluationProtocol): string[] {
  const out: string[] = [];
  const s = (x: unknown) => JSON.stringify(canonical(x));
  if (s(a.split) !== s(b.split)) out.push(`split ${describeSplit(a.split)} vs ${describeSplit(b.split)}`);
  if (s(a.relevance) !== s(b.relevance)) out.push(`relevance ${s(a.relevance)} vs ${s(b.relevance)}`);
  if (a.excludeTraining !== b.excludeTraining) out.push(`excludeTraining ${a.excludeTraining} vs ${b.excludeTraining}`);
  if (a.gain !== b.gain) out.push(`gain ${a.gain} vs ${b.gain}`);
  return out;
}

export function describeSplit(p: SplitProtocol): string {
  if (p.kind === 'temporal') return `temporal (cutoff ${new Date(p.cutoff).toISOString()})`;
  if (p.kind === 'leave_last_n') return `leave-last-${p.n}`;
  return `random ${p.testRatio} (seed ${p.seed})`;
}

function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical((x as Record<string, unknown>)[k])]));
  return x;
}
