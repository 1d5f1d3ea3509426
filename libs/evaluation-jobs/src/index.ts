export { EvaluationJobsModule, EvaluationJobsCoreModule } from './evaluation-jobs.module.js';
export { EvaluationJobService, COMPARISON, COMPARISON_METHOD, versionCutoff, shardJobId, type EvaluationJobData, type EvaluationFilter, type EvaluationComparison, type MetricComparison } from './evaluation-jobs.service.js';
export { EvaluationRunEntity, type EvaluationStatus, type EvaluationMode, type EvaluationProgress, type EvaluationDataset } from './evaluation-run.entity.js';
export { normalizeRequest, gradedTypes, protocolDifferences, describeSplit, DEFAULT_KS, DEFAULT_METRICS, JOB_METRICS, MAX_K, MAX_SHARDS, type EvaluationRequest, type EvaluationSpec, type EvaluationProtocol, type JobMetric, type SplitKind } from './evaluation-spec.js';
export { evaluateShardUsers, type RankableModel, type ShardUser, type ShardSpec } from './rank-shard.js';
export { toEvaluationModel, toComparisonModel, toEvaluationJobModel } from './evaluation-jobs.mapper.js';
