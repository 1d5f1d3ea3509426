/**
 * Minimal ranking metrics for the benchmark and tests (binary relevance): Precision@k = hits/k, Recall@k =
 * hits/|T|, AP@k normalised by min(k, |T|), NDCG@k with IDCG over min(k, |T|) hits. Means over users with |T| > 0.
 */
export function rankingMetrics(ranked: readonly (readonly number[])[], relevant: readonly ReadonlySet<number>[], k: number): Record<string, number> {
  let p = 0, r = 0, ap = 0, ndcg = 0, n = 0;
  for (let u = 0; u < ranked.length; u++) {
    const rel = relevant[u]!;
    if (rel.size === 0) continue;
    n++;
    let hits = 0, sumPrec = 0, dcg = 0;
    const list = ranked[u]!.slice(0, k);
    list.forEach((item, pos) => {
      if (rel.has(item)) { hits++; sumPrec += hits / (pos + 1); dcg += 1 / Math.log2(pos + 2); }
    });
    let idcg = 0;
    for (let pos = 0; pos < Math.min(k, rel.size); pos++) idcg += 1 / Math.log2(pos + 2);
    p += hits / k; r += hits / rel.size; ap += sumPrec / Math.min(k, rel.size); ndcg += dcg / idcg;
  }
  const d = n || 1;
  return { [`precision@${k}`]: p / d, [`recall@${k}`]: r / d, [`ndcg@${k}`]: ndcg / d, [`map@${k}`]: ap / d, users: n };
}
