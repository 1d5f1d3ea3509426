// GraphQL operations of the ranking debug page (validated against apps/api/schema.gql in data/queries.spec.ts).
export const RANKING_DEBUG = `query ConsoleRankingDebug($id: String!) {
  rankingDebug(rankingId: $id) {
    rankingId candidateId channel pipeline config createdAt modelRef modelVersion experimentKey variant
    stages { stage params itemsIn itemsOut ms added removed { jobId reason } moves { jobId before after scoreBefore scoreAfter } }
    items { jobId position score modelScore reasons { code text detail } }
  }
}`;
