export { EvaluationError, type EvaluationErrorCode } from './evaluation.errors.js';
export * from './kernel.js';
export * from './aggregate.js';
export * from './bootstrap.js';
export * from './lists.js';
export * from './splits.js';
export * from './shard.js';
export { SeededRandom, fnv1a } from './rng.js';
export { EvaluationModule } from './evaluation.module.js';
