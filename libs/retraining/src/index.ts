export { RetrainingModule, RetrainingCoreModule } from './retraining.module.js';
export { RetrainingService, type RetrainJobData, type TriggerOptions } from './retraining.service.js';
export { RetrainError, type RetrainErrorCode } from './retraining.errors.js';
export { RetrainPolicyEntity, RetrainRunEntity, type RetrainTrigger, type RetrainStatus, type RetrainStep, type GateRecord } from './retrain.entity.js';
export { parsePolicy, runWindow, driftHits, metricK, repeatOptions, type RetrainPolicy, type RetrainPolicyInput, type RetrainSchedule } from './retrain-policy.js';
