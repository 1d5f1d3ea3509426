export { StatisticsError, type StatisticsErrorCode } from './statistics.errors.js';
export * from './distributions.js';
