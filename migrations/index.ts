import { MarketSchema1764100000000 } from './1764100000000-MarketSchema.js';
import { AuthAndKeyValue1764100001000 } from './1764100001000-AuthAndKeyValue.js';
import { ModelRegistry1764100005000 } from './1764100005000-ModelRegistry.js';
import { SimulatorTruth1764100003000 } from './1764100003000-SimulatorTruth.js';
import { TrainingJobs1764100006000 } from './1764100006000-TrainingJobs.js';
import { JobsSignaturesInMemory1764100007000 } from './1764100007000-JobsSignaturesInMemory.js';
import { Evaluations1764100008000 } from './1764100008000-Evaluations.js';
import { RegistryWebhooks1764100009000 } from './1764100009000-RegistryWebhooks.js';
import { FeatureStore1764100010000 } from './1764100010000-FeatureStore.js';
import { Experiments1764100017000 } from './1764100017000-Experiments.js';
import { Alerts1764100020000 } from './1764100020000-Alerts.js';
import { UnsubscribeInteraction1764100021000 } from './1764100021000-UnsubscribeInteraction.js';
import { ExperimentResults1764100022500 } from './1764100022500-ExperimentResults.js';
import { InterleavingExperiments1764100023000 } from './1764100023000-InterleavingExperiments.js';
import { RankingPipeline1764200100000 } from './1764200100000-RankingPipeline.js';
import { RankingApplyCounts1764200100100 } from './1764200100100-RankingApplyCounts.js';
import { BanditExperiments1764200300000 } from './1764200300000-BanditExperiments.js';
import { Retraining1764200200000 } from './1764200200000-Retraining.js';
import { CandidateActivity1764200210000 } from './1764200210000-CandidateActivity.js';
import { AlertReplayAndOwnerNotices1764200400000 } from './1764200400000-AlertReplayAndOwnerNotices.js';
import { PrivacyAuditLog1764200500000 } from './1764200500000-PrivacyAuditLog.js';
import { AuthSessionsAndKeyScopes1764200600000 } from './1764200600000-AuthSessionsAndKeyScopes.js';
import { FairnessAudits1764200700000 } from './1764200700000-FairnessAudits.js';
import { JobSources1764200800000 } from './1764200800000-JobSources.js';
import { JobDirectApply1764200950000 } from './1764200950000-JobDirectApply.js';
import { PiiEncryption1764200900000 } from './1764200900000-PiiEncryption.js';

/** Every migration, in order. Hand-written and reviewed; the app never uses `synchronize`. */
export const migrations = [MarketSchema1764100000000, AuthAndKeyValue1764100001000, ModelRegistry1764100005000, SimulatorTruth1764100003000, TrainingJobs1764100006000, JobsSignaturesInMemory1764100007000, Evaluations1764100008000, RegistryWebhooks1764100009000, FeatureStore1764100010000, Experiments1764100017000, Alerts1764100020000, UnsubscribeInteraction1764100021000, ExperimentResults1764100022500, InterleavingExperiments1764100023000, RankingPipeline1764200100000, RankingApplyCounts1764200100100, Retraining1764200200000, CandidateActivity1764200210000, BanditExperiments1764200300000, AlertReplayAndOwnerNotices1764200400000, PrivacyAuditLog1764200500000, AuthSessionsAndKeyScopes1764200600000, FairnessAudits1764200700000, JobSources1764200800000, PiiEncryption1764200900000, JobDirectApply1764200950000];
