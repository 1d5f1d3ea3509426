/**
 * Distribution functions the tests need, in plain double precision, checked against scipy 1.17 fixtures
 * (fixtures/reference.json) to ~1e-10. One engine underneath: the regularised incomplete gamma and beta
 * functions (Numerical Recipes 3rd ed. §6.2 and §6.4: series + Lentz continued fractions) and a Lanczos
 * log-gamma; the normal CDF is erfc through the incomplete gamma, its quantile Acklam's rational start
 * polished by Halley steps, the t quantile Newton on the t CDF.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LN_SQRT_2PI = 0.9189385332046727;

/** ln Γ(x) for x > 0 (Lanczos g = 7, n = 9; relative error ~1e-15; reflection below 0.5). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  if (x >= 10) return stirlingLogGamma(x);
  x -= 1;
  let a = LANCZOS[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i);
  return LN_SQRT_2PI + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Stirling series with the correction δ(x) = lnΓ(x) − [(x−½)ln x − x + ½ln 2π]; exact to double for x ≥ 10. */
function stirlingLogGamma(x: number): number {
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
}
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  return (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680 - x2 / 1188)))) / x;
}

/**
 * ln B(a, b). When one argument is large, lnΓ(a) + lnΓ(b) − lnΓ(a+b) cancels catastrophically (values ~1e6 for
 * Welch degrees of freedom in the hundreds of thousands); the Stirling corrections are then combined directly.
 */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    // lnΓ(q) − lnΓ(p+q) by Stirling on both, with the (q − ½)·ln(q/(p+q)) term taken through log1p.
    const corr = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 100_000;

/** Regularised lower incomplete gamma P(a, x) and upper Q(a, x) = 1 − P, each computed without cancellation. */
export function regularizedGamma(a: number, x: number): { lower: number; upper: number } {
  if (!(a > 0) || !(x >= 0)) return { lower: NaN, upper: NaN };
  if (x === 0) return { lower: 0, upper: 1 };
  if (x === Infinity) return { lower: 1, upper: 0 };
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // series: P = e^{-x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n))
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < MAX_ITER; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const lower = sum * Math.exp(logPrefix);
    return { lower, upper: 1 - lower };
  }
  // continued fraction for Q (modified Lentz)
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const upper = Math.exp(logPrefix) * h;
  return { lower: 1 - upper, upper };
}

/** Continued fraction of the incomplete beta (NR betacf), modified Lentz. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * Regularised incomplete beta I_x(a, b) and its complement 1 − I_x(a, b). `y` = 1 − x may be passed when the
 * caller knows it more precisely than 1 − x (t tails with small t²/(ν+t²)).
 */
export function regularizedBeta(x: number, a: number, b: number, y = 1 - x): { lower: number; upper: number } {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1)) return { lower: NaN, upper: NaN };
  if (x === 0) return { lower: 0, upper: 1 };
  if (y === 0) return { lower: 1, upper: 0 };
  const logFront = a * Math.log(x) + b * Math.log(y) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
    return { lower, upper: 1 - lower };
  }
  const upper = (Math.exp(logFront) * betaContinuedFraction(b, a, y)) / b;
  return { lower: 1 - upper, upper };
}

/** Standard normal CDF Φ(x), via erfc(z) = Q(½, z²), accurate in both tails. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x) / Math.SQRT2;
  const tail = 0.5 * regularizedGamma(0.5, z * z).upper; // = Φ(−|x|)
  return x < 0 ? tail : 1 - tail;
}

/** Φ(−x) = 1 − Φ(x) without cancellation for large x. */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x - LN_SQRT_2PI);
}

const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Standard normal quantile Φ⁻¹(p): Acklam's approximation (rel. error 1e-9) refined by Halley steps on normalCdf. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = ACKLAM_B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = ACKLAM_D as [number, number, number, number];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x = -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  // Halley on the tail that is represented exactly (upper tail through the survival function).
  for (let i = 0; i < 3; i++) {
    const e = p < 0.5 ? normalCdf(x) - p : -(normalSf(x) - (1 - p));
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
    const step = u / (1 + 0.5 * x * u);
    x -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Student t CDF with ν degrees of freedom (ν may be fractional, e.g. Welch–Satterthwaite); ν = ∞ is the normal. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity || df > 1e12) return normalCdf(t);
  const tail = 0.5 * studentTwoSidedTail(Math.abs(t), df);
  return t < 0 ? tail : 1 - tail;
}

/** P(|T| > |t|) for T ~ t_ν: I_{ν/(ν+t²)}(ν/2, ½), with the complement x computed exactly as t²/(ν+t²). */
export function studentTwoSidedTail(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity || df > 1e12) return 2 * normalSf(Math.abs(t));
  const t2 = t * t;
  if (t2 === Infinity) return 0;
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  return regularizedBeta(x, df / 2, 0.5, y).lower;
}

/** P(T > t). */
export function studentTSf(t: number, df: number): number {
  return studentTCdf(-t, df);
}

export function studentTPdf(t: number, df: number): number {
  if (df === Infinity || df > 1e12) return normalPdf(t);
  return Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Student t quantile: Newton on the CDF (of the smaller tail) from the normal quantile, with bisection as a guard. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity || df > 1e12) return normalQuantile(p);
  // Solve for the upper tail q = min(p, 1−p) on the positive side, then restore the sign.
  const q = p < 0.5 ? p : 1 - p;
  const sign = p < 0.5 ? -1 : 1;
  const f = (t: number) => studentTSf(t, df) - q; // decreasing in t
  let x = Math.max(1e-8, -normalQuantile(q));
  if (df < 5) {
    // Heavy tails: start from the exact quantiles for ν = 1 and 2 shape (Cauchy-like) to keep Newton in range.
    x = Math.max(x, Math.tan(Math.PI * (0.5 - q)) * (df < 1.5 ? 1 : 0.5));
  }
  let lo = 0;
  let hi = Infinity;
  for (let i = 0; i < 200; i++) {
    const fx = f(x);
    if (fx > 0) lo = x;
    else hi = x;
    const pdf = studentTPdf(x, df);
    let next = x + fx / pdf;
    if (!Number.isFinite(next) || next <= lo || next >= hi) next = hi === Infinity ? Math.max(2 * x, x + 1) : 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x))) {
      x = next;
      break;
    }
    x = next;
  }
  return sign * x;
}

/** Chi-square survival P(X > x), X ~ χ²_k. */
export function chiSquareSf(x: number, df: number): number {
  if (!(x >= 0)) return x < 0 ? 1 : NaN;
  return regularizedGamma(df / 2, x / 2).upper;
}

export function chiSquareCdf(x: number, df: number): number {
  if (!(x >= 0)) return x < 0 ? 0 : NaN;
  return regularizedGamma(df / 2, x / 2).lower;
}

/** P(X ≤ k) for X ~ Binomial(n, p) = I_{1−p}(n−k, k+1). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return regularizedBeta(1 - p, n - k, k + 1, p).lower;
}

/** Exact two-sided binomial test of H0: success probability p (scipy's binomtest: sum of outcomes no more likely than k). */
export function binomialTestTwoSided(k: number, n: number, p = 0.5): number {
  if (n === 0) return 1;
  if (p === 0.5) {
    // Symmetric case: 2·P(X ≤ min(k, n−k)), capped at 1.
    const m = Math.min(k, n - k);
    return Math.min(1, 2 * binomialCdf(m, n, 0.5) - (2 * m === n ? binomialPmf(m, n, 0.5) : 0));
  }
  const d = binomialPmf(k, n, p);
  const rel = 1 + 1e-7;
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const pi = binomialPmf(i, n, p);
    if (pi <= d * rel) total += pi;
  }
  return Math.min(1, total);
}

export function binomialPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0;
  const logC = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
  return Math.exp(logC + (k === 0 ? 0 : k * Math.log(p)) + (k === n ? 0 : (n - k) * Math.log1p(-p)));
}
