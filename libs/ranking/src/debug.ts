import type { StageLog } from './pipeline.js';

export interface StageMove {
  jobId: string;
  /** 1-based; null = not in the logged part of that list. */
  before: number | null;
  after: number | null;
  scoreBefore: number | null;
  scoreAfter: number | null;
}

export interface StageEffect {
  stage: string;
  params: string;
  itemsIn: number;
  itemsOut: number;
  /** Jobs in this stage's output that were not in its input (candidates: every job). */
  added: string[];
  /** Jobs of the input missing from the output, with the filter's reason when there is one. */
  removed: Array<{ jobId: string; reason: string | null }>;
  /** Jobs whose position or score changed (within the logged top of both lists). */
  moves: StageMove[];
  ms: number;
}

/**
 * What each logged stage did, from consecutive output lists (a stage's input is the previous stage's output).
 * Only the logged top (LOG_TOP) of each list is known: a job entering it from further down has before = null, one
 * leaving it without being filtered has after = null.
 */
export function stageEffects(stages: StageLog[]): StageEffect[] {
  let prev: Map<string, { pos: number; score: number | null }> | null = null;
  return stages.map((s) => {
    const cur = new Map(s.list.map((e, n) => [e[0], { pos: n + 1, score: e[1] }]));
    const removedReasons = new Map(s.removed ?? []);
    const added: string[] = [], moves: StageMove[] = [];
    const removed: StageEffect['removed'] = [...removedReasons].map(([jobId, reason]) => ({ jobId, reason }));
    if (!prev) added.push(...cur.keys());
    else {
      for (const [id, c] of cur) {
        const p = prev.get(id);
        if (!p) moves.push({ jobId: id, before: null, after: c.pos, scoreBefore: null, scoreAfter: c.score });
        else if (p.pos !== c.pos || p.score !== c.score) moves.push({ jobId: id, before: p.pos, after: c.pos, scoreBefore: p.score, scoreAfter: c.score });
      }
      for (const [id, p] of prev) if (!cur.has(id) && !removedReasons.has(id)) moves.push({ jobId: id, before: p.pos, after: null, scoreBefore: p.score, scoreAfter: null });
    }
    prev = cur;
    return { stage: s.stage, params: JSON.stringify(s.params), itemsIn: s.in, itemsOut: s.out, added, removed, moves, ms: s.ms };
  });
}
