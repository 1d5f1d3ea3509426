export { RegistryModule, RegistryCoreModule, registryResolvers } from './registry.module.js';
export { RegistryService, type NewVersion, type AliasMove } from './registry.service.js';
export { REGISTRY_EVENTS_CHANNEL, REGISTRY_EVENT_TYPES, RegistryEventEntity, type RegistryEvent, type RegistryEventType } from './registry-events.js';
export { RegistryError, type RegistryErrorCode } from './registry.errors.js';
export { evaluateGate, DEFAULT_GATE, type PromotionGate } from './promotion-gate.js';
export { parseModelRef, type ModelRef } from './model-ref.js';
export { ModelEntity, ModelVersionEntity, ModelAliasEntity, AliasHistoryEntity } from './model.entity.js';
