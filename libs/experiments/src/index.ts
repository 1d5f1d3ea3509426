export { ExperimentsModule, ExperimentsCoreModule, experimentsResolvers } from './experiments.module.js';
export { ExperimentsService, type ExperimentDefinition, type ExperimentPatch, type ServedRanking, type InteractionEvent, type VariantResult, type AssignmentView } from './experiments.service.js';
export { ExperimentError, type ExperimentErrorCode } from './experiments.errors.js';
export { ExperimentEntity, ExperimentPhaseEntity, ExperimentAssignmentEntity, ExperimentRankingEntity, ExperimentExposureEntity, type ExperimentStatus, type ExperimentDecision, type StoredVariant } from './experiment.entity.js';
export * from './assignment.js';
export { murmur3_32, murmur3_32Bytes } from './murmur3.js';
export { writeRankings, type RankingEvent } from './exposure-writer.js';
export { EXPERIMENT_METRICS, METRIC_NAMES, metricValue, type ExperimentMetric, type VariantCounts } from './metrics.js';
