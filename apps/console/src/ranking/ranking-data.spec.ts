import { describe, expect, it } from '@jest/globals';
import { cleanRankingId, jobJourneys, stageSummaries, type RankingStageEffect } from './ranking-data.js';

const stage = (over: Partial<RankingStageEffect>): RankingStageEffect => ({ stage: 's', params: '{}', itemsIn: 0, itemsOut: 0, ms: 1, added: [], removed: [], moves: [], ...over });

const stages = [
  stage({ stage: 'candidates', itemsIn: 0, itemsOut: 4, added: ['a', 'b', 'c', 'd'] }),
  stage({ stage: 'freshness', itemsIn: 4, itemsOut: 4, moves: [
    { jobId: 'c', before: 3, after: 1, scoreBefore: 0.5, scoreAfter: 0.9 },
    { jobId: 'a', before: 1, after: 2, scoreBefore: 0.8, scoreAfter: 0.85 },
    { jobId: 'b', before: 2, after: 3, scoreBefore: 0.7, scoreAfter: 0.7 },
  ] }),
  stage({ stage: 'filters', itemsIn: 4, itemsOut: 2, removed: [{ jobId: 'd', reason: 'expired' }, { jobId: 'b', reason: 'applied' }], moves: [
    { jobId: 'b', before: 3, after: null, scoreBefore: 0.7, scoreAfter: null },
  ] }),
];

describe('ranking debug shaping', () => {
  it('summarises each stage: in, out, added, removed with reasons, moves up and down', () => {
    const rows = stageSummaries([...stages, stage({ stage: 'x', removed: [{ jobId: 'e', reason: null }, { jobId: 'f', reason: 'expired' }, { jobId: 'g', reason: 'expired' }], moves: [{ jobId: 'h', before: null, after: 4, scoreBefore: null, scoreAfter: 1 }] })]);
    expect(rows.map(({ stage: s, itemsIn, itemsOut, added, removed, up, down, enteredTop, leftTop }) => ({ s, itemsIn, itemsOut, added, removed, up, down, enteredTop, leftTop }))).toEqual([
      { s: 'candidates', itemsIn: 0, itemsOut: 4, added: 4, removed: 0, up: 0, down: 0, enteredTop: 0, leftTop: 0 },
      { s: 'freshness', itemsIn: 4, itemsOut: 4, added: 0, removed: 0, up: 1, down: 2, enteredTop: 0, leftTop: 0 },
      { s: 'filters', itemsIn: 4, itemsOut: 2, added: 0, removed: 2, up: 0, down: 0, enteredTop: 0, leftTop: 1 },
      { s: 'x', itemsIn: 0, itemsOut: 0, added: 0, removed: 3, up: 0, down: 0, enteredTop: 1, leftTop: 0 },
    ]);
    expect(rows[2]!.removalReasons).toEqual(['applied × 1', 'expired × 1']);
    expect(rows[3]!.removalReasons).toEqual(['expired × 2', 'no reason × 1']);
  });

  it("follows each served job through the stages, in final order, with score deltas", () => {
    const reasons = [{ code: 'MODEL', text: 'Recommended for you', detail: null }];
    const journeys = jobJourneys({ stages, items: [{ jobId: 'a', position: 2, score: 0.85, modelScore: 0.8, reasons: [] }, { jobId: 'c', position: 1, score: 0.9, modelScore: null, reasons }] });
    expect(journeys.map((j) => j.jobId)).toEqual(['c', 'a']);
    expect(journeys[0]!.steps).toEqual([
      { stage: 'candidates', change: 'added', scoreDelta: null },
      { stage: 'freshness', change: '3→1', scoreDelta: expect.closeTo(0.4, 12) },
      { stage: 'filters', change: '', scoreDelta: null },
    ]);
    expect(journeys[1]!.steps[1]).toEqual({ stage: 'freshness', change: '1→2', scoreDelta: expect.closeTo(0.05, 12) });
    expect(journeys[0]!.reasons).toBe(reasons);
  });

  it('accepts pasted ranking ids and refuses junk', () => {
    expect(cleanRankingId('  6949f3a5-ab56-46c1-b8e3-4ce7c1b1b9e1 ')).toBe('6949f3a5-ab56-46c1-b8e3-4ce7c1b1b9e1');
    expect(cleanRankingId('')).toBeNull();
    expect(cleanRankingId('a b')).toBeNull();
  });
});
