export { StatisticsError, type StatisticsErrorCode } from './statistics.errors.js';
export * from './distributions.js';
export * from './analysis.js';
export * from './power.js';
export * from './interleaving.js';
