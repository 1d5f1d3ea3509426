import { alphaSpent, groupSequentialBoundaries } from './group-sequential.js';
import { normalQuantile } from './distributions.js';
import { SeededRng } from './rng.js';
import { reference } from './fixtures.js';

describe('group-sequential alpha-spending boundaries', () => {
  it.each(reference.groupSequential.map((f: { spending: string; fractions: number[] }, i: number) => [i, f.spending, f.fractions.join(',')]) as [number, string, string][])(
    'case %i (%s at %s) matches scipy multivariate-normal root finding',
    (i) => {
      const f = reference.groupSequential[i];
      const b = groupSequentialBoundaries(f.fractions, f.alpha, f.spending);
      b.forEach((c, k) => expect(Math.abs(c - f.boundaries[k])).toBeLessThan(2e-3));
    },
  );

  it('one look is the fixed-horizon test; the O\'Brien–Fleming-type function spends little early', () => {
    expect(groupSequentialBoundaries([1], 0.05)[0]).toBeCloseTo(normalQuantile(0.975), 6);
    expect(alphaSpent(0.2, 0.05, 'obrien-fleming')).toBeLessThan(1e-4);
    expect(alphaSpent(1, 0.05, 'pocock')).toBe(0.05);
  });

  it('Monte Carlo: Brownian motion crosses the 14 daily boundaries with probability alpha', () => {
    const fractions = Array.from({ length: 14 }, (_, d) => (d + 1) / 14);
    const b = groupSequentialBoundaries(fractions, 0.05);
    const rng = new SeededRng(9);
    let crossed = 0;
    const R = 20000;
    for (let r = 0; r < R; r++) {
      let s = 0, prev = 0;
      for (let k = 0; k < 14; k++) {
        s += Math.sqrt(fractions[k]! - prev) * rng.normal();
        prev = fractions[k]!;
        if (Math.abs(s / Math.sqrt(prev)) >= b[k]!) {
          crossed++;
          break;
        }
      }
    }
    expect(Math.abs(crossed / R - 0.05)).toBeLessThan(0.005); // 3.2 standard errors
  });

  it('rejects non-increasing fractions', () => {
    expect(() => groupSequentialBoundaries([0.5, 0.5])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
