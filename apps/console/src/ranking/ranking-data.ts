// Pure shaping of rankingDebug for the ranking debug page (no React), unit-tested in ranking-data.spec.ts.

export interface RankingReason {
  code: string;
  text: string;
  detail: string | null;
}

export interface RankingStageEffect {
  stage: string;
  params: string;
  itemsIn: number;
  itemsOut: number;
  ms: number;
  added: string[];
  removed: Array<{ jobId: string; reason: string | null }>;
  moves: Array<{ jobId: string; before: number | null; after: number | null; scoreBefore: number | null; scoreAfter: number | null }>;
}

export interface RankingDebug {
  rankingId: string;
  candidateId: string;
  channel: string;
  pipeline: string;
  config: string;
  createdAt: string;
  modelRef: string | null;
  modelVersion: number | null;
  experimentKey: string | null;
  variant: string | null;
  stages: RankingStageEffect[];
  items: Array<{ jobId: string; position: number; score: number; modelScore: number | null; reasons: RankingReason[] }>;
}

export interface StageSummary {
  stage: string;
  itemsIn: number;
  itemsOut: number;
  ms: number;
  added: number;
  removed: number;
  /** Jobs moved up / down within the logged top, and jobs pushed in from below or out of it. */
  up: number;
  down: number;
  enteredTop: number;
  leftTop: number;
  /** Removal reasons with their counts, most frequent first: "expired × 3". */
  removalReasons: string[];
  params: string;
}

/** One row per stage: what went in and out, and how the order changed. */
export function stageSummaries(stages: readonly RankingStageEffect[]): StageSummary[] {
  return stages.map((s) => {
    const reasons = new Map<string, number>();
    for (const r of s.removed) reasons.set(r.reason ?? 'no reason', (reasons.get(r.reason ?? 'no reason') ?? 0) + 1);
    return {
      stage: s.stage,
      itemsIn: s.itemsIn,
      itemsOut: s.itemsOut,
      ms: s.ms,
      added: s.added.length,
      removed: s.removed.length,
      up: s.moves.filter((m) => m.before != null && m.after != null && m.after < m.before).length,
      down: s.moves.filter((m) => m.before != null && m.after != null && m.after > m.before).length,
      enteredTop: s.moves.filter((m) => m.before == null && m.after != null).length,
      leftTop: s.moves.filter((m) => m.before != null && m.after == null).length,
      removalReasons: [...reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([r, n]) => `${r} × ${n}`),
      params: s.params,
    };
  });
}

export interface JobJourney {
  jobId: string;
  position: number;
  score: number;
  modelScore: number | null;
  reasons: RankingReason[];
  /** Per stage after the first: "3→1", "—→5" (entered the logged top), "" when the stage did not move it. */
  steps: Array<{ stage: string; change: string; scoreDelta: number | null }>;
}

/** Each served job with its final position and reasons, and what every stage did to it. */
export function jobJourneys(debug: Pick<RankingDebug, 'stages' | 'items'>): JobJourney[] {
  return [...debug.items]
    .sort((a, b) => a.position - b.position)
    .map((item) => ({
      jobId: item.jobId,
      position: item.position,
      score: item.score,
      modelScore: item.modelScore,
      reasons: item.reasons,
      steps: debug.stages.map((s) => {
        const m = s.moves.find((x) => x.jobId === item.jobId);
        if (!m) return { stage: s.stage, change: s.added.includes(item.jobId) ? 'added' : '', scoreDelta: null };
        const pos = (p: number | null) => (p == null ? '—' : String(p));
        const delta = m.scoreBefore != null && m.scoreAfter != null ? m.scoreAfter - m.scoreBefore : null;
        return { stage: s.stage, change: m.before === m.after ? '' : `${pos(m.before)}→${pos(m.after)}`, scoreDelta: delta != null && Math.abs(delta) > 1e-12 ? delta : null };
      }),
    }));
}

/** A ranking id as typed or pasted: trimmed; null when empty or implausible. */
export function cleanRankingId(raw: string): string | null {
  const id = raw.trim();
  return /^[A-Za-z0-9:._-]{1,64}$/.test(id) ? id : null;
}
