/**
 * The database write of a batch of served rankings, shared by the queue processor and the bench.
 * At-least-once delivery is made exactly-once here: the ranking id is the event id, headers are inserted with
 * ON CONFLICT DO NOTHING, and items are written only for the headers this call inserted. Run it inside a transaction
 * so that a header is never stored without its items.
 */
export interface RankingEvent {
  /** Event id; unique per served list. */
  rankingId: string;
  experimentId: string;
  phase: number;
  unitId: string;
  variant: string;
  modelVersion: string | null;
  servedAt: string;
  jobIds: string[];
  scores: number[];
  /** Interleaved lists: the team (variant key) of each position. */
  teams?: string[] | null;
  /** Bandit lists: the probability with which the served arm was drawn, and the allocation epoch. */
  propensity?: number | null;
  allocationEpoch?: number | null;
}

export type Query = (sql: string, params: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

export async function writeRankings(query: Query, batch: RankingEvent[]): Promise<{ inserted: number; duplicates: number; items: number }> {
  if (batch.length === 0) return { inserted: 0, duplicates: 0, items: 0 };
  // Inserting in ranking-id order makes concurrent batches that share ids (redeliveries) wait on each other instead of
  // deadlocking.
  const events = [...batch].sort((a, b) => (a.rankingId < b.rankingId ? -1 : a.rankingId > b.rankingId ? 1 : 0));
  const header = await query(
    `INSERT INTO experiment_rankings (ranking_id, experiment_id, phase, unit_id, variant, model_version, items, served_at, propensity, allocation_epoch)
     SELECT * FROM unnest($1::varchar[], $2::bigint[], $3::int[], $4::varchar[], $5::varchar[], $6::varchar[], $7::int[], $8::timestamptz[], $9::float8[], $10::int[])
     ON CONFLICT (ranking_id) DO NOTHING RETURNING ranking_id, seq`,
    [
      events.map((e) => e.rankingId),
      events.map((e) => e.experimentId),
      events.map((e) => e.phase),
      events.map((e) => e.unitId),
      events.map((e) => e.variant),
      events.map((e) => e.modelVersion),
      events.map((e) => e.jobIds.length),
      events.map((e) => e.servedAt),
      events.map((e) => e.propensity ?? null),
      events.map((e) => e.allocationEpoch ?? null),
    ],
  );
  const fresh = new Map(header.rows.map((r) => [r['ranking_id'] as string, String(r['seq'])]));
  const ids: string[] = [];
  const positions: number[] = [];
  const jobs: string[] = [];
  const scores: number[] = [];
  const teams: Array<string | null> = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (!fresh.has(e.rankingId) || seen.has(e.rankingId)) continue;
    seen.add(e.rankingId);
    const seq = fresh.get(e.rankingId)!;
    for (let p = 0; p < e.jobIds.length; p++) {
      ids.push(seq);
      positions.push(p);
      jobs.push(e.jobIds[p]!);
      scores.push(e.scores[p] ?? 0);
      teams.push(e.teams?.[p] ?? null);
    }
  }
  if (ids.length > 0) {
    await query(`INSERT INTO experiment_exposures (ranking_seq, position, job_id, score, team) SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::bigint[], $4::real[], $5::varchar[])`, [ids, positions, jobs, scores, teams]);
  }
  return { inserted: fresh.size, duplicates: events.length - fresh.size, items: ids.length };
}
