import { describe, expect, it } from '@jest/globals';
import { clickProbability, examinationProbability, respondToList } from './behaviour.js';
import { Mulberry32 } from './prng.js';

function ctrByPosition(utilities: number[], draws: number, seed: number, earlier = 0): number[] {
  const rng = new Mulberry32(seed);
  const clicks = new Array(utilities.length).fill(0);
  for (let i = 0; i < draws; i++) for (const e of respondToList(utilities, earlier, rng)) if (e.type === 'click') clicks[e.position - 1]++;
  return clicks.map((c) => c / draws);
}

describe('behaviour model', () => {
  it('uses 1/log2(pos+1) examination and a logistic click curve', () => {
    expect(examinationProbability(1)).toBe(1);
    expect(examinationProbability(3)).toBe(0.5);
    expect(clickProbability(2.2)).toBeCloseTo(0.35, 10);
    expect(clickProbability(5)).toBeGreaterThan(clickProbability(1));
  });

  it('click-through falls with position at equal utility', () => {
    // 20,000 lists of 10 equal-utility jobs: expected CTR ≈ p·(1/log2(pos+1)), ~0.40 at 1 vs ~0.12 at 10;
    // the standard error per position is < 0.004, so the margins below cannot pass by chance.
    const ctr = ctrByPosition(new Array(10).fill(3), 20_000, 1);
    expect(ctr[0]!).toBeGreaterThan(ctr[2]! + 0.1);
    expect(ctr[2]!).toBeGreaterThan(ctr[9]! + 0.05);
    expect(ctr[0]! / ctr[9]!).toBeGreaterThan(2.5);
    expect(ctr[0]! / ctr[9]!).toBeLessThan(4.5); // log2(11) ≈ 3.46
  });

  it('click-through rises with utility at the same position', () => {
    const low = ctrByPosition([0], 20_000, 2)[0]!;
    const mid = ctrByPosition([2.2], 20_000, 3)[0]!;
    const high = ctrByPosition([5], 20_000, 4)[0]!;
    expect(mid).toBeGreaterThan(low + 0.2);
    expect(high).toBeGreaterThan(mid + 0.2);
  });

  it('fatigue lowers clicks after many impressions that day', () => {
    const fresh = ctrByPosition([3], 20_000, 5, 0)[0]!;
    const tired = ctrByPosition([3], 20_000, 5, 60)[0]!;
    expect(tired).toBeLessThan(fresh * 0.4);
  });

  it('saves and applies follow clicks and rise with utility; the same seed replays the same events', () => {
    const rng = new Mulberry32(6);
    let applies = 0;
    for (let i = 0; i < 5000; i++) {
      const ev = respondToList([4, -2], 0, rng);
      for (const e of ev.filter((x) => x.type === 'save' || x.type === 'apply')) {
        expect(ev.some((x) => x.type === 'click' && x.position === e.position)).toBe(true);
        if (e.type === 'apply') applies += e.position === 1 ? 1 : -1000;
      }
    }
    expect(applies).toBeGreaterThan(300);
    expect(respondToList([1, 2, 3], 0, new Mulberry32(9))).toEqual(respondToList([1, 2, 3], 0, new Mulberry32(9)));
  });
});
