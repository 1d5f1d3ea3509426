// GraphQL operations of the experiment pages (validated against apps/api/schema.gql in data/queries.spec.ts).
import { EXPERIMENT_FIELDS } from '../data/resources.js';

export const ANALYSIS = `query ConsoleExperimentAnalysis($key: String!, $refresh: Boolean!) {
  experimentAnalysis(key: $key, refresh: $refresh) {
    experimentKey phase computedAt durationMs control primaryMetric cupedAvailable
    srm { chi2 df p flagged expected }
    unitsPerVariant { variant units weight }
    variants { variant units rankings items clicks applies saves dismisses metrics { metric role value } }
    comparisons { variant metric role kind controlUnits treatmentUnits controlMean treatmentMean
      absolute { estimate ciLow ciHigh p } relative { estimate ciLow ciHigh p } welchP adjustedP cuped
      sequentialRelative { ciLow ciHigh } sequentialSignificant chanceToBeatControl
      nonInferiority { margin harmful estimate bound p nonInferior } note }
    timeSeries { day variant controlUnits treatmentUnits relativeLift ciLow ciHigh sequentialCiLow sequentialCiHigh }
    interleaving { control units rankings creditedLists
      variants { variant credit creditedClicks creditedApplies note vsControl { preference ciLow ciHigh p wins losses ties units } } }
  }
}`;

export const EXPOSURES = `query ConsoleExperimentExposures($key: String!) { experimentExposures(key: $key) { day variant units newUnits rankings items } }`;

export const LIFECYCLE: Record<'start' | 'pause' | 'stop', string> = {
  start: `mutation ConsoleStartExperiment($key: String!) { experiment: startExperiment(key: $key) { ${EXPERIMENT_FIELDS} } }`,
  pause: `mutation ConsolePauseExperiment($key: String!) { experiment: pauseExperiment(key: $key) { ${EXPERIMENT_FIELDS} } }`,
  stop: `mutation ConsoleStopExperiment($key: String!) { experiment: stopExperiment(key: $key) { ${EXPERIMENT_FIELDS} } }`,
};

export const CONCLUDE = `mutation ConsoleConcludeExperiment($key: String!, $decision: String!, $variant: String, $note: String) {
  experiment: concludeExperiment(key: $key, decision: $decision, variant: $variant, note: $note) { ${EXPERIMENT_FIELDS} }
}`;

export const PROMOTE = `mutation ConsolePromoteExperiment($key: String!) {
  promoteExperiment(key: $key) { model version gateReason experiment { key promotedVersion } }
}`;

export const CREATE = `mutation ConsoleCreateExperiment($input: CreateExperimentInput!) { experiment: createExperiment(input: $input) { ${EXPERIMENT_FIELDS} } }`;

export const SAMPLE_SIZE = `query ConsoleSampleSize($input: SampleSizeInput!) { sampleSize(input: $input) { perArm total absoluteMde alpha power } }`;

export const WIZARD_CONTEXT = `query ConsoleWizardContext {
  models { name aliases { alias version } versions { version status } }
  alertOverview(days: 7) { sent from to }
}`;

export const OVERVIEW = `query ConsoleOverview($days: Int!) {
  alertOverview(days: $days) { from to sent failed activeSubscriptions pausedSubscriptions opensTracked
    days { day experimentKey variant sent items clicked applied clicks applies } }
  experiments { ${EXPERIMENT_FIELDS} }
  models { name strategy aliases { alias version updatedAt } }
}`;

export const UPDATE_SUBSCRIPTION = `mutation ConsoleUpdateSubscription($id: ID!, $status: String!) {
  updateAlertSubscription(id: $id, input: { status: $status }) { id status statusReason nextDueAt }
}`;
