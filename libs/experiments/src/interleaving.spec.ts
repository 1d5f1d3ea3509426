import { describe, expect, it } from '@jest/globals';
import { analyzeInterleaving, composeInterleavedList, interleavingSeed, type CreditedList } from './interleaving.js';

const A = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
const B = ['10', '9', '8', '7', '6', '5', '4', '3', '2', '1'];

describe('composeInterleavedList', () => {
  it('is reproducible for the same seed and differs across units', () => {
    const s = interleavingSeed('exp:1:abcd', '42', 'r-1');
    expect(interleavingSeed('exp:1:abcd', '42', 'r-1')).toBe(s);
    const one = composeInterleavedList(['a', 'b'], { a: A, b: B }, 8, s);
    expect(composeInterleavedList(['a', 'b'], { a: A, b: B }, 8, s)).toEqual(one);
    // over many units the draft orders are not all the same
    const firstTeams = new Set(Array.from({ length: 50 }, (_, u) => composeInterleavedList(['a', 'b'], { a: A, b: B }, 8, interleavingSeed('exp:1:abcd', String(u), 'r-1')).teams.join(',')));
    expect(firstTeams.size).toBeGreaterThan(1);
  });

  it('credits every item to exactly one team, the one that ranked it at its next free slot, without duplicates', () => {
    for (let u = 0; u < 200; u++) {
      const l = composeInterleavedList(['a', 'b'], { a: A, b: B }, 10, interleavingSeed('p', String(u), 'day'));
      expect(l.jobIds).toHaveLength(10);
      expect(l.teams).toHaveLength(10);
      expect(new Set(l.jobIds).size).toBe(10);
      const cursor: Record<string, number> = { a: 0, b: 0 };
      const used = new Set<string>();
      for (let p = 0; p < l.jobIds.length; p++) {
        const team = l.teams[p]!;
        expect(['a', 'b']).toContain(team);
        const src = team === 'a' ? A : B;
        while (used.has(src[cursor[team]!]!)) cursor[team]!++;
        expect(l.jobIds[p]).toBe(src[cursor[team]!]);
        used.add(l.jobIds[p]!);
      }
    }
  });

  it('alternates fairly: every full round of 2 has one item per team, and each team leads about half the rounds', () => {
    let aFirst = 0, rounds = 0;
    for (let u = 0; u < 500; u++) {
      const l = composeInterleavedList(['a', 'b'], { a: A, b: B }, 10, interleavingSeed('p', String(u), 'day'));
      for (let r = 0; r < 5; r++) {
        const pair = l.teams.slice(2 * r, 2 * r + 2).sort();
        expect(pair).toEqual(['a', 'b']);
        if (l.teams[2 * r] === 'a') aFirst++;
        rounds++;
      }
      // prefix balance: after every position, the team counts differ by at most 1
      let d = 0;
      for (const t of l.teams) {
        d += t === 'a' ? 1 : -1;
        expect(Math.abs(d)).toBeLessThanOrEqual(1);
      }
    }
    // 2,500 rounds, binomial sd 25: within 4 sd of half
    expect(Math.abs(aFirst - rounds / 2)).toBeLessThan(100);
  });

  it('multileaves up to 4 variants, one item per team per round', () => {
    const rankings = { a: A, b: B, c: ['5', '4', '6', '3', '7', '2', '8', '1', '9', '10'], d: ['2', '4', '6', '8', '10', '1', '3', '5', '7', '9'] };
    const l = composeInterleavedList(['a', 'b', 'c', 'd'], rankings, 8, 7);
    expect(l.teams.slice(0, 4).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(l.teams.slice(4, 8).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(new Set(l.jobIds).size).toBe(8);
  });
});

describe('analyzeInterleaving', () => {
  const units = Array.from({ length: 40 }, (_, i) => `u${i}`);

  it('counts wins, ties and losses per unit and gives (wins − losses)/units with a seeded bootstrap CI', () => {
    // u0..u24: treatment wins (2 vs 0 over two lists), u25..u29: losses, u30..u34: ties, u35..u39: no credit
    const lists: CreditedList[] = [];
    units.forEach((u, i) => {
      if (i < 25) lists.push({ unitId: u, credit: { t: 1 } }, { unitId: u, credit: { t: 1 } });
      else if (i < 30) lists.push({ unitId: u, credit: { c: 1 } });
      else if (i < 35) lists.push({ unitId: u, credit: { c: 1, t: 1 } });
      else lists.push({ unitId: u, credit: {} });
    });
    const input = { variants: ['c', 't'], units, lists, totals: { c: { clicks: 10, applies: 0 }, t: { clicks: 55, applies: 3 } }, rankings: lists.length, seed: 9 };
    const r = analyzeInterleaving(input);
    expect(r.units).toBe(40);
    expect(r.creditedLists).toBe(60);
    expect(r.variants[0]).toMatchObject({ variant: 'c', credit: 10, creditedClicks: 10, vsControl: null });
    const t = r.variants[1]!;
    expect(t).toMatchObject({ variant: 't', credit: 55, creditedClicks: 55, creditedApplies: 3 });
    expect(t.vsControl).toMatchObject({ units: 35, wins: 25, ties: 5, losses: 5 });
    expect(t.vsControl!.preference).toBeCloseTo(20 / 35, 12);
    expect(t.vsControl!.ciLow).toBeGreaterThan(0);
    expect(t.vsControl!.ciLow).toBeLessThan(20 / 35);
    expect(t.vsControl!.ciHigh).toBeGreaterThan(20 / 35);
    expect(t.vsControl!.p).toBeLessThan(0.001);
    expect(analyzeInterleaving(input)).toEqual(r);
  });

  it('gives a note instead of figures with fewer than 2 informative units', () => {
    const r = analyzeInterleaving({ variants: ['c', 't'], units, lists: [{ unitId: 'u1', credit: { t: 1 } }], totals: {}, rankings: 1, seed: 1 });
    expect(r.variants[1]!.vsControl).toBeNull();
    expect(r.variants[1]!.note).toMatch(/1 informative/);
  });
});
