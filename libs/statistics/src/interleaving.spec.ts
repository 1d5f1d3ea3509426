import { creditPerTeam, multileavePreferences, preferenceScore, teamDraftInterleave, unitPreference } from './interleaving.js';
import { SeededRng } from './rng.js';

const A = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
const B = ['b1', 'a1', 'b2', 'a2', 'b3', 'b4'];

describe('team-draft interleaving', () => {
  it('keeps each ranking\'s order, never repeats an item, and is reproducible from the seed', () => {
    const rng = new SeededRng(7);
    const list = teamDraftInterleave([A, B], 6, () => rng.next());
    expect(list).toHaveLength(6);
    expect(new Set(list.map((x) => x.item)).size).toBe(6);
    for (const [team, ranking] of [[0, A], [1, B]] as const) {
      const idx = list.filter((x) => x.team === team).map((x) => ranking.indexOf(x.item));
      expect(idx).toEqual([...idx].sort((p, q) => p - q));
    }
    const rng2 = new SeededRng(7);
    expect(teamDraftInterleave([A, B], 6, () => rng2.next())).toEqual(list);
  });

  it('gives each team half of every pair of picks and the first slot to each about half the time', () => {
    const rng = new SeededRng(3);
    let firstA = 0;
    for (let i = 0; i < 4000; i++) {
      const list = teamDraftInterleave([A, B], 6, () => rng.next());
      const counts = [0, 0];
      list.forEach((x) => counts[x.team]!++);
      expect(counts).toEqual([3, 3]);
      if (list[0]!.team === 0) firstA++;
    }
    expect(Math.abs(firstA / 4000 - 0.5)).toBeLessThan(0.03);
  });

  it('multileaves up to 4 rankings, stops when they are exhausted and rejects 1 or 5', () => {
    const rng = () => 0.3;
    const list = teamDraftInterleave([['x', 'y'], ['y', 'z'], ['z'], ['w']], 10, rng);
    expect(list.map((x) => x.item).sort()).toEqual(['w', 'x', 'y', 'z']);
    expect(new Set(list.map((x) => x.team)).size).toBe(4);
    expect(() => teamDraftInterleave([A], 5, rng)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => teamDraftInterleave([A, A, A, A, A], 5, rng)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('credits clicks to the contributing team and scores a unit', () => {
    const list = [{ team: 0 }, { team: 1 }, { team: 1 }, { team: 0 }];
    expect(creditPerTeam(list, [0, 2, 3], 2)).toEqual([2, 1]);
    expect(() => creditPerTeam(list, [9], 2)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(unitPreference([[2, 1], [0, 0], [1, 1], [0, 3]])).toBeCloseTo((1 + 0.5) / 3 - 0.5, 12);
    expect(unitPreference([[0, 0]])).toBeNull();
  });

  it('preference with a seeded bootstrap CI covering the mean; a null effect is not significant', () => {
    const rng = new SeededRng(11);
    const prefs = Array.from({ length: 3000 }, () => (rng.next() < 0.56 ? 0.5 : -0.5));
    const r = preferenceScore(prefs, { seed: 5 });
    expect(r.preference).toBeGreaterThan(0.03);
    expect(r.ciLow).toBeLessThan(r.preference);
    expect(r.ciHigh).toBeGreaterThan(r.preference);
    expect(r.ciLow).toBeGreaterThan(0);
    // bootstrap half-width ≈ 1.96 se
    expect(Math.abs((r.ciHigh - r.ciLow) / 2 / (1.96 * r.se) - 1)).toBeLessThan(0.1);
    expect(preferenceScore(prefs, { seed: 5 })).toEqual(r);
    const nulls = Array.from({ length: 3000 }, () => (rng.next() < 0.5 ? 0.5 : -0.5));
    const z = preferenceScore(nulls, { seed: 5 });
    expect(z.ciLow).toBeLessThan(0);
    expect(z.ciHigh).toBeGreaterThan(0);
  });

  it('multileaving preference matrix is antisymmetric', () => {
    const rng = new SeededRng(2);
    const units = Array.from({ length: 400 }, () => Array.from({ length: 3 }, () => [rng.int(3), rng.int(2), rng.int(2)]));
    const m = multileavePreferences(units, 3, { resamples: 200 });
    expect(m[0]![0]).toBeNull();
    expect(m[0]![1]!.preference).toBeCloseTo(-m[1]![0]!.preference, 12);
    expect(m[0]![1]!.preference).toBeGreaterThan(0);
  });
});
