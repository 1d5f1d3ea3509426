import type { ModelEntity, PromotionGate } from '@app/registry';
import { DEFAULT_GATE } from '@app/registry';
import type { RetrainPolicyEntity, RetrainRunEntity } from './retrain.entity.js';
import type { RetrainPolicyModel, RetrainRunModel } from './retraining.model.js';

export function toRetrainPolicyModel(model: ModelEntity, p: RetrainPolicyEntity, nextRunAt: Date | null): RetrainPolicyModel {
  const gate = { ...DEFAULT_GATE, ...(model.gate as Partial<PromotionGate>) };
  return {
    model: model.name,
    enabled: p.enabled,
    schedule: { cron: p.schedule.cron ?? null, intervalMinutes: p.schedule.intervalMinutes ?? null },
    strategy: p.strategy ?? model.strategy,
    params: JSON.stringify(p.params),
    trainingWindowDays: p.trainingWindowDays,
    holdoutDays: p.evaluation.holdoutDays,
    metric: p.evaluation.metric,
    maxDrop: p.gate.maxDrop ?? gate.maxDrop,
    drift: p.drift,
    nextRunAt,
    updatedBy: p.updatedBy,
    updatedAt: p.updatedAt,
  };
}

export function toRetrainRunModel(r: RetrainRunEntity): RetrainRunModel {
  return {
    id: r.id, model: r.model, trigger: r.trigger, triggerDetail: JSON.stringify(r.triggerDetail), status: r.status, progress: r.progress,
    steps: r.steps.map((s) => ({ name: s.name, status: s.status, jobs: s.jobs, startedAt: s.startedAt ? new Date(s.startedAt) : null, finishedAt: s.finishedAt ? new Date(s.finishedAt) : null, detail: s.detail ?? null })),
    asOf: r.asOf, championVersion: r.championVersion, trainingJobId: r.trainingJobId, version: r.version,
    candidateEvaluationId: r.candidateEvaluationId, championEvaluationId: r.championEvaluationId, gate: r.gate, challengerSet: r.challengerSet,
    error: r.error, errorCode: r.errorCode, createdBy: r.createdBy, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
  };
}
