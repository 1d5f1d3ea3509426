export { RegistryModule, RegistryCoreModule, registryResolvers } from './registry.module.js';
export { RegistryService, REGISTRY_EVENTS_CHANNEL, type RegistryEvent, type NewVersion, type AliasMove } from './registry.service.js';
export { RegistryError, type RegistryErrorCode } from './registry.errors.js';
export { evaluateGate, DEFAULT_GATE, type PromotionGate } from './promotion-gate.js';
export { parseModelRef, type ModelRef } from './model-ref.js';
export { ModelEntity, ModelVersionEntity, ModelAliasEntity, AliasHistoryEntity } from './model.entity.js';
