/**
 * The internal bus message (key-value pub/sub) that a candidate's interactions or profile changed. Published by
 * the feature store's push path after it updated the candidate's online features; serving (request-time fold-in
 * caches) and anyone else caching per-candidate state listen.
 */
export const CANDIDATE_ACTIVITY_CHANNEL = 'matchlab:candidate-activity';

export interface CandidateActivity {
  /** Candidates whose interactions or profile changed. */
  candidateIds: string[];
  /** 'interaction' | 'profile' */
  kinds: string[];
  at: string;
}
