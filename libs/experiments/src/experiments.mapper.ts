import type { ExperimentEntity, ExperimentPhaseEntity } from './experiment.entity.js';
import type { ExperimentModel, ExperimentPhaseModel } from './experiment.model.js';

export function toExperimentModel(e: ExperimentEntity): ExperimentModel {
  return {
    id: e.id,
    key: e.key,
    hypothesis: e.hypothesis,
    owner: e.owner,
    unit: e.unit,
    status: e.status,
    type: e.type,
    bandit: e.bandit ? { explorationFloor: e.bandit.explorationFloor, reward: e.bandit.reward, refreshMinutes: e.bandit.refreshMinutes, samples: e.bandit.samples } : null,
    variants: e.variants.map((v) => ({ key: v.key, weight: v.weight, modelRef: v.modelRef ?? null, strategy: v.strategy ? JSON.stringify(v.strategy) : null, killed: e.killed.includes(v.key) })),
    coverage: e.coverage,
    namespace: e.namespace ? { name: e.namespace, start: e.namespaceStart!, end: e.namespaceEnd! } : null,
    targeting: e.targeting.map((t) => ({ attribute: t.attribute, op: t.op, value: t.value === undefined ? null : JSON.stringify(t.value) })),
    sticky: e.sticky,
    primaryMetric: e.primaryMetric,
    secondaryMetrics: e.secondaryMetrics,
    guardrailMetrics: e.guardrailMetrics,
    plannedDays: e.plannedDays,
    plannedSampleSize: e.plannedSampleSize,
    phase: e.phase,
    decision: e.decision,
    decisionVariant: e.decisionVariant,
    decisionNote: e.decisionNote,
    promotedVersion: e.promotedVersion,
    startedAt: e.startedAt,
    stoppedAt: e.stoppedAt,
    concludedAt: e.concludedAt,
    createdAt: e.createdAt,
  };
}

export function toPhaseModel(p: ExperimentPhaseEntity): ExperimentPhaseModel {
  return { phase: p.phase, seed: p.seed, coverage: p.coverage, reason: p.reason, startedAt: p.startedAt, endedAt: p.endedAt };
}
