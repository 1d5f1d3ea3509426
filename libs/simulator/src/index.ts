export { SimulatorModule } from './simulator.module.js';
export { SimulatorService, type SimulateOptions, type SimulateProgress, type SimulateResult } from './simulator.service.js';
export { SimulatorError, type SimulatorErrorCode } from './simulator.errors.js';
export { Mulberry32, stream } from './prng.js';
export * from './taxonomy.js';
export {
  generateMarket, generateCompanies, generateJob, generateCandidate, normalizeSimTitle, contentHash, defaultCompanyCount,
  jobExternalId, candidateExternalId, SIM_SOURCE,
  type MarketParams, type SimMarket, type SimCompany, type SimJob, type SimCandidate,
} from './generate.js';
export { utility, locationFit, MODEL_VERSION, LATENT_DIM, UTILITY_WEIGHTS, type CandidateTruth, type JobTruth } from './utility.js';
export { respondToList, examinationProbability, clickProbability, DEFAULT_BEHAVIOUR, type BehaviourParams, type BehaviourEvent, type SimEventType } from './behaviour.js';
export { simulateHistory, DEFAULT_HISTORY, type HistoryParams, type SimInteraction } from './history.js';
export { truthGain, gradedNdcg, topNIndicator } from './ground-truth.js';
/** Fixed BullMQ job id of the first-run seed job: two processes enqueueing it never seed twice. */
export const SEED_JOB_ID = 'seed-market';
export const SEED_JOB_NAME = 'seed-market';
