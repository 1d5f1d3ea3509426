import type { AliasHistoryEntity, ModelAliasEntity, ModelEntity, ModelVersionEntity } from './model.entity.js';
import type { AliasHistoryEntryModel, ModelModel, ModelVersionModel } from './model.model.js';

export function toModelModel(m: ModelEntity): ModelModel {
  return { id: m.id, name: m.name, strategy: m.strategy, description: m.description, owner: m.owner, gate: JSON.stringify(m.gate), createdAt: m.createdAt };
}

export function toVersionModel(modelName: string, v: ModelVersionEntity, aliases: ModelAliasEntity[]): ModelVersionModel {
  return {
    id: v.id,
    model: modelName,
    version: v.version,
    status: v.status,
    strategy: v.strategy,
    params: JSON.stringify(v.params),
    dataset: JSON.stringify(v.dataset),
    featureSet: JSON.stringify(v.featureSet),
    codeVersion: v.codeVersion,
    trainingSeconds: v.trainingSeconds,
    artifactSha256: v.artifactSha256,
    artifactFormat: v.artifactFormat,
    metrics: Object.entries(v.metrics).map(([name, value]) => ({ name, value })),
    tags: JSON.stringify(v.tags),
    createdBy: v.createdBy,
    trainingJobId: v.trainingJobId,
    createdAt: v.createdAt,
    archivedAt: v.archivedAt,
    aliases: aliases.filter((a) => a.versionId === v.id).map((a) => a.alias),
  };
}

export function toHistoryModel(h: AliasHistoryEntity): AliasHistoryEntryModel {
  return { id: h.id, alias: h.alias, fromVersion: h.fromVersion, toVersion: h.toVersion, action: h.action, actor: h.actor, reason: h.reason, experimentKey: h.experimentKey, at: h.at };
}
