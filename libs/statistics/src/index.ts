export { StatisticsError, type StatisticsErrorCode } from './statistics.errors.js';
export * from './distributions.js';
export * from './analysis.js';
export * from './power.js';
export * from './interleaving.js';
export * from './online-metrics.js';
export * from './group-sequential.js';
export { buildPanel, simulateExperiments, plannedFractions, type Panel, type PanelOptions, type SimulationOptions, type SimulationResult, type MetricRates } from './calibration.js';
export { StatisticsModule } from './statistics.module.js';
