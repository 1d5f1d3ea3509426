import type { FeatureServiceDefinition, FeatureViewDefinition } from '../definitions/types.js';
import { candidateActivityView, candidateEngagementView, candidateProfileView, candidateTextView } from './candidate.views.js';
import { jobAttributesView, jobEngagementView, jobFreshnessView, jobSimilarityView, jobTextView } from './job.views.js';
import { candidateJobMatchView } from './pair.views.js';
import { jobAlertRankerService, textFeaturesService } from './services.js';

/** The feature engineering every deployment gets (computed from the market tables by the compute job). */
export const BUILTIN_VIEWS: FeatureViewDefinition[] = [
  candidateProfileView, candidateActivityView, candidateEngagementView, candidateTextView,
  jobAttributesView, jobFreshnessView, jobEngagementView, jobTextView, jobSimilarityView,
  candidateJobMatchView,
];

export const BUILTIN_SERVICES: FeatureServiceDefinition[] = [jobAlertRankerService, textFeaturesService];
