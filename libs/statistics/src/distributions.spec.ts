import {
  binomialCdf, binomialTestTwoSided, chiSquareCdf, chiSquareSf, logGamma, normalCdf, normalQuantile, regularizedBeta,
  regularizedGamma, studentTCdf, studentTQuantile, studentTwoSidedTail,
} from './distributions.js';
import { close, reference } from './fixtures.js';

type Row = number[];
const bad = (rows: Row[], f: (r: Row) => [number, number], rel: number, abs = 1e-300) =>
  rows.map((r) => ({ r, got: f(r) })).filter(({ got: [a, e] }) => !close(a, e, rel, abs));

describe('distributions against scipy 1.17 (fixtures/reference.json)', () => {
  it('normal CDF and quantile', () => {
    expect(bad(reference.normalCdf, ([x, p]) => [normalCdf(x!), p!], 1e-12)).toEqual([]);
    expect(bad(reference.normalQuantile, ([p, x]) => [normalQuantile(p!), x!], 1e-12)).toEqual([]);
  });
  it('Student t CDF, two-sided p and quantile for fractional and huge degrees of freedom', () => {
    expect(reference.studentT.length).toBeGreaterThan(100);
    expect(bad(reference.studentT, ([t, df, cdf]) => [studentTCdf(t!, df!), cdf!], 1e-9)).toEqual([]);
    expect(bad(reference.studentT, ([t, df, , p]) => [studentTwoSidedTail(t!, df!), p!], 1e-9)).toEqual([]);
    expect(bad(reference.studentTQuantile, ([p, df, q]) => [studentTQuantile(p!, df!), q!], 1e-9, 1e-12)).toEqual([]);
  });
  it('chi-square survival and CDF', () => {
    expect(bad(reference.chiSquare, ([x, df, sf]) => [chiSquareSf(x!, df!), sf!], 1e-9)).toEqual([]);
    expect(bad(reference.chiSquare, ([x, df, , cdf]) => [chiSquareCdf(x!, df!), cdf!], 1e-9)).toEqual([]);
  });
  it('regularised incomplete beta and gamma, log-gamma', () => {
    expect(bad(reference.incompleteBeta, ([x, a, b, lo]) => [regularizedBeta(x!, a!, b!).lower, lo!], 1e-9)).toEqual([]);
    expect(bad(reference.incompleteBeta, ([x, a, b, , up]) => [regularizedBeta(x!, a!, b!).upper, up!], 1e-9)).toEqual([]);
    expect(bad(reference.incompleteGamma, ([a, x, lo]) => [regularizedGamma(a!, x!).lower, lo!], 1e-9)).toEqual([]);
    expect(bad(reference.incompleteGamma, ([a, x, , up]) => [regularizedGamma(a!, x!).upper, up!], 1e-9)).toEqual([]);
    expect(bad(reference.logGamma, ([x, v]) => [logGamma(x!), v!], 1e-12, 1e-14)).toEqual([]);
  });
  it('binomial CDF and exact two-sided test', () => {
    expect(bad(reference.binomial, ([k, n, p, cdf]) => [binomialCdf(k!, n!, p!), cdf!], 1e-9)).toEqual([]);
    expect(bad(reference.binomial, ([k, n, p, , pv]) => [binomialTestTwoSided(k!, n!, p!), pv!], 1e-9)).toEqual([]);
  });
  it('rejects invalid arguments with NaN rather than a wrong number', () => {
    expect(normalQuantile(1.5)).toBeNaN();
    expect(studentTCdf(1, 0)).toBeNaN();
    expect(regularizedBeta(0.5, -1, 2).lower).toBeNaN();
  });
});
