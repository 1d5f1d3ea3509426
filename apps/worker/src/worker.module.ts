import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { AlertsCoreModule } from '@app/alerts';
import { ConnectorsCoreModule } from '@app/connectors';
import { EvaluationJobsCoreModule } from '@app/evaluation-jobs';
import { ExperimentsCoreModule } from '@app/experiments';
import { FairnessCoreModule } from '@app/fairness';
import { FeaturesCoreModule } from '@app/features';
import { MarketCoreModule } from '@app/market';
import { QueueNames } from '@app/queue';
import { RetrainingCoreModule } from '@app/retraining';
import { SimulatorModule } from '@app/simulator';
import { TrainingCoreModule } from '@app/training';
import { WebhooksCoreModule } from '@app/webhooks';
import { AlertsProcessor, AlertsScheduler } from './processors/alerts.processor.js';
import { EvaluationProcessor } from './processors/evaluation.processor.js';
import { ExperimentResultsScheduler, ExperimentsProcessor } from './processors/experiments.processor.js';
import { FairnessAuditScheduler, FairnessProcessor } from './processors/fairness.processor.js';
import { FeaturePushPoller } from './processors/feature-push.poller.js';
import { FeatureDriftScheduler, FeaturesProcessor } from './processors/features.processor.js';
import { MaintenanceProcessor, MaintenanceScheduler } from './processors/maintenance.processor.js';
import { RetrainingProcessor, RetrainingScheduler } from './processors/retraining.processor.js';
import { SourcesProcessor, SourcesScheduler } from './processors/sources.processor.js';
import { SimulationProcessor } from './processors/simulation.processor.js';
import { TrainingProcessor } from './processors/training.processor.js';
import { WebhooksDispatchTrigger, WebhooksProcessor } from './processors/webhooks.processor.js';

/** Every queue processor. Imported by the worker app, and by the API in single-process mode. */
@Module({})
export class WorkerModule {
  static register(): DynamicModule {
    return {
      module: WorkerModule,
      imports: [MarketCoreModule, SimulatorModule, TrainingCoreModule, EvaluationJobsCoreModule, WebhooksCoreModule, FeaturesCoreModule, AlertsCoreModule, ExperimentsCoreModule, RetrainingCoreModule, ConnectorsCoreModule, FairnessCoreModule, BullModule.registerQueue({ name: QueueNames.maintenance })],
      providers: [MaintenanceProcessor, MaintenanceScheduler, SimulationProcessor, TrainingProcessor, EvaluationProcessor, WebhooksProcessor, WebhooksDispatchTrigger, FeaturesProcessor, FeatureDriftScheduler, FeaturePushPoller, AlertsProcessor, AlertsScheduler, ExperimentsProcessor, ExperimentResultsScheduler, RetrainingProcessor, RetrainingScheduler, SourcesProcessor, SourcesScheduler, FairnessProcessor, FairnessAuditScheduler],
    };
  }
}
