export { FairnessModule, FairnessCoreModule } from './fairness.module.js';
export { FairnessError, type FairnessErrorCode } from './fairness.errors.js';
export { FairnessAuditService, fairnessSettings, type RunAuditOptions } from './fairness-audit.service.js';
export { ProtectedAttributesService, type ProtectedAttributeRecord } from './protected-attributes.service.js';
export * from './protected-attributes.js';
export * from './metrics.js';
export * from './export.js';
