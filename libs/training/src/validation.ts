import { evaluateLists, type RankedListRow } from '@app/evaluation';
import type { Recommender } from '@app/recsys';
import type { TemporalSplit } from './snapshot.js';

export const VALIDATION_K = 10;

/**
 * Offline metrics of a model fitted on `split.train`, on the held-out interactions: each candidate with held-out
 * targets gets its top-k (training items excluded, jobs expired before the split time filtered), graded NDCG with
 * the interaction grades as gains, computed by @app/evaluation. Names: "ndcg@10", "recall@10", … plus
 * "validation_users".
 */
export function validationMetrics(model: Recommender, split: TemporalSplit, k = VALIDATION_K): Record<string, number> {
  const users = [...split.relevant.keys()].sort((a, b) => a - b);
  if (users.length === 0) return { validation_users: 0 };
  const lists = model.recommendBatch(users, k, { now: split.splitAt, applyPreferences: false });
  const rows: RankedListRow[] = users.map((u, t) => ({
    user: String(u),
    ranked: lists[t]!.map((s) => String(s.job)),
    relevant: Object.fromEntries([...split.relevant.get(u)!].map(([j, g]) => [String(j), g])),
  }));
  const result = evaluateLists(rows, { ks: [k], graded: true, gain: 'linear' });
  const out: Record<string, number> = { validation_users: result.users };
  for (const [name, value] of Object.entries(result.metrics)) if (Number.isFinite(value)) out[name] = value;
  return out;
}
