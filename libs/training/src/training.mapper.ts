import { toJobModel } from '@app/market';
import type { Recommendation } from './serving.service.js';
import type { TrainingJobEntity } from './training-job.entity.js';
import type { RecommendationModel, TrainingJobModel } from './training.model.js';
import { TrainingError } from './training.errors.js';

export function toTrainingJobModel(e: TrainingJobEntity, logLines = 20): TrainingJobModel {
  const { data: _data, ...options } = e.options as Record<string, unknown>;
  return {
    id: e.id,
    kind: e.kind,
    model: e.model,
    strategy: e.strategy,
    params: JSON.stringify(e.params),
    options: JSON.stringify(options),
    status: e.status,
    progress: { percent: 0, phase: e.status, ...e.progress },
    logs: logLines > 0 ? e.logs.slice(-logLines) : [],
    error: e.error,
    errorCode: e.errorCode,
    version: e.version,
    result: e.result ? JSON.stringify(e.result) : null,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
  };
}

export function toRecommendationModel(candidateId: string, r: Recommendation): RecommendationModel {
  return {
    modelRef: r.modelRef,
    model: r.served.model,
    version: r.served.version,
    strategy: r.served.strategy,
    candidateId,
    items: r.items.map((i) => ({ position: i.position, score: i.score, job: toJobModel(i.job) })),
  };
}

/** A JSON object argument; anything else is INVALID_INPUT naming the field. */
export function parseJsonObject(field: string, raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw new TrainingError('INVALID_INPUT', `${field} is not valid JSON: ${(err as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new TrainingError('INVALID_INPUT', `${field} must be a JSON object`);
  return v as Record<string, unknown>;
}
