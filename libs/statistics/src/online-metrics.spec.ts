import { listNdcg, listReciprocalRank, unitListMetrics } from './online-metrics.js';

describe('online NDCG@k and MRR from attributed engagement', () => {
  it('NDCG@k with binary gains at engaged positions', () => {
    expect(listNdcg({ engagedPositions: [1] }, 10)).toBe(1);
    expect(listNdcg({ engagedPositions: [3] }, 10)).toBeCloseTo(1 / Math.log2(4), 12);
    // two clicks at 2 and 4: (1/log2 3 + 1/log2 5) / (1 + 1/log2 3)
    expect(listNdcg({ engagedPositions: [4, 2, 2] }, 10)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 12);
    expect(listNdcg({ engagedPositions: [11] }, 10)).toBe(0);
    expect(listNdcg({ engagedPositions: [] }, 10)).toBe(0);
  });
  it('reciprocal rank of the first engagement, 0 beyond k or without engagement', () => {
    expect(listReciprocalRank({ engagedPositions: [5, 2] })).toBe(0.5);
    expect(listReciprocalRank({ engagedPositions: [12] }, 10)).toBe(0);
    expect(listReciprocalRank({ engagedPositions: [] })).toBe(0);
  });
  it('per-unit means and typed errors', () => {
    expect(unitListMetrics([{ engagedPositions: [1] }, { engagedPositions: [] }], 10)).toEqual({ ndcg: 0.5, mrr: 0.5 });
    expect(unitListMetrics([], 10)).toBeNull();
    expect(() => listNdcg({ engagedPositions: [0] }, 10)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => listNdcg({ engagedPositions: [1] }, 0)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
