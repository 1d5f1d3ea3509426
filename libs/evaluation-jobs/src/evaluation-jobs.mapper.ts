import type { EvaluationComparison } from './evaluation-jobs.service.js';
import type { EvaluationRunEntity } from './evaluation-run.entity.js';
import type { EvaluationComparisonModel, EvaluationJobModel, EvaluationModel, EvaluationProgressModel, EvaluationShardModel } from './evaluation-jobs.model.js';

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const date = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);

export function toProgressModel(e: EvaluationRunEntity): EvaluationProgressModel {
  const p = e.progress ?? {};
  const ended = e.status === 'failed' || e.status === 'cancelled';
  return {
    percent: p.percent ?? 0,
    phase: ended ? e.status : (p.phase ?? e.status),
    shards: p.shards ?? e.shards,
    shardsDone: p.shardsDone ?? e.shardsDone,
    users: p.users ?? e.dataset?.users ?? null,
    usersDone: p.usersDone ?? null,
  };
}

export function toEvaluationModel(e: EvaluationRunEntity): EvaluationModel {
  const s = e.protocol.split;
  const d = e.dataset;
  return {
    id: e.id,
    modelRef: e.modelRef,
    model: e.model,
    version: e.version,
    strategy: e.strategy,
    mode: e.mode,
    status: e.status,
    progress: toProgressModel(e),
    protocol: {
      split: s.kind,
      cutoff: s.kind === 'temporal' ? new Date(s.cutoff) : null,
      n: s.kind === 'leave_last_n' ? s.n : null,
      testRatio: s.kind === 'random_ratio' ? s.testRatio : null,
      seed: s.kind === 'random_ratio' ? s.seed : null,
      grades: Object.entries(e.protocol.relevance.grades).map(([type, grade]) => ({ type, grade })),
      threshold: e.protocol.relevance.threshold,
      excludeTraining: e.protocol.excludeTraining,
      gain: e.protocol.gain,
    },
    k: e.ks,
    metricNames: e.metricNames,
    shards: e.shards,
    dataset: d
      ? {
          asOf: new Date(d.asOf),
          fingerprint: d.fingerprint,
          interactions: d.interactions,
          trainInteractions: d.trainInteractions,
          testInteractions: d.testInteractions,
          candidates: d.candidates,
          jobs: d.jobs,
          users: d.users,
          firstInteractionAt: date(d.firstInteractionAt),
          lastInteractionAt: date(d.lastInteractionAt),
          types: d.types,
          versionCutoff: date(d.versionCutoff),
          catalogue: d.catalogue ?? null,
        }
      : null,
    metrics: (e.results ?? []).map((m) => ({ name: m.name, value: finite(m.value), ciLow: finite(m.ciLow), ciHigh: finite(m.ciHigh), users: m.users })),
    bootstrapSamples: e.bootstrap.samples,
    bootstrapSeed: e.bootstrap.seed,
    attachedToVersion: e.attachedToVersion,
    durationSeconds: e.durationSeconds,
    timeoutSeconds: e.options.timeoutSeconds,
    error: e.error,
    errorCode: e.errorCode,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
  };
}

export function toEvaluationJobModel(e: EvaluationRunEntity, shards: EvaluationShardModel[]): EvaluationJobModel {
  return { id: e.id, status: e.status, progress: toProgressModel(e), shards, error: e.error, errorCode: e.errorCode, startedAt: e.startedAt, finishedAt: e.finishedAt };
}

export function toComparisonModel(c: EvaluationComparison): EvaluationComparisonModel {
  return { a: toEvaluationModel(c.a), b: toEvaluationModel(c.b), users: c.users, method: c.method, metrics: c.metrics };
}
