import type { FeatureServiceDefinition } from '../definitions/types.js';

/** The tabular features a candidate×job ranker uses (every numeric built-in, no vectors). */
export const jobAlertRankerService: FeatureServiceDefinition = {
  name: 'job_alert_ranker',
  description: 'Candidate, job and candidate×job features for ranking alert candidates (numeric and hashed; no text vectors).',
  owner: 'ml-platform',
  views: [
    { view: 'candidate_profile', features: ['experience_log', 'experience_z', 'experience_bin', 'salary_expectation_z', 'education_ordinal', 'remote_only', 'remote_preferred', 'skills_count', 'desired_title_hash', 'title_location_hash'] },
    { view: 'candidate_activity' },
    { view: 'candidate_engagement' },
    { view: 'job_attributes', features: ['salary_log', 'salary_z', 'salary_bin', 'seniority_ordinal', 'emp_full_time', 'emp_contract', 'remote', 'skills_count', 'title_hash', 'company_hash', 'title_location_hash', 'posted_day_of_week'] },
    { view: 'job_freshness' },
    { view: 'job_engagement' },
    { view: 'candidate_job_match' },
  ],
};

/** Text representations for content models and retrieval. */
export const textFeaturesService: FeatureServiceDefinition = {
  name: 'text_features',
  description: 'TF-IDF vectors of candidates and postings (shared market_text vocabulary) and nearest postings.',
  owner: 'ml-platform',
  views: [{ view: 'candidate_text' }, { view: 'job_text' }, { view: 'job_similarity' }],
};
