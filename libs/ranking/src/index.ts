export * from './types.js';
export * from './config.js';
export { RankingError, type RankingErrorCode } from './ranking.errors.js';
export { runPipeline, LOG_TOP, type StageLog, type FinalItem, type PipelineInput, type PipelineResult } from './pipeline.js';
export { explain, DEFAULT_EXPLAIN, type ExplainOptions } from './explain.js';
export { stageEffects, type StageEffect, type StageMove } from './debug.js';
export { jaccard, jobTokens, titleTokens } from './similarity.js';
export * from './stages.js';
