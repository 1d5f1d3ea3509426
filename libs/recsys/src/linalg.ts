import { RecsysError } from './recsys.errors.js';

/**
 * In-place inverse of a symmetric positive-definite n×n matrix (row-major Float64Array) by the blocked sweep
 * operator (block Gauss-Jordan without pivoting, which is stable for SPD matrices). Only the upper triangle is
 * read and updated (n³/2 multiply-adds); a block of `nb` pivots is applied as one rank-nb update so each row stays
 * in cache. The full symmetric inverse is written back.
 */
export function invertSpdInPlace(a: Float64Array, n: number, nb = 32): void {
  const panel = new Float64Array(nb * n), m = new Float64Array(nb * n), kinv = new Float64Array(nb * nb);
  for (let k0 = 0; k0 < n; k0 += nb) {
    const k1 = Math.min(n, k0 + nb), b = k1 - k0;
    // panel = rows k0..k1 of the current symmetric matrix
    for (let t = 0; t < b; t++) {
      const k = k0 + t, po = t * n;
      for (let j = 0; j < k; j++) panel[po + j] = a[j * n + k]!;
      for (let j = k; j < n; j++) panel[po + j] = a[k * n + j]!;
    }
    // kinv = inverse of the b×b diagonal block (plain Gauss-Jordan sweep on a small dense copy)
    for (let t = 0; t < b; t++) for (let u = 0; u < b; u++) kinv[t * b + u] = panel[t * n + k0 + u]!;
    for (let p = 0; p < b; p++) {
      const d = kinv[p * b + p]!;
      if (!(d > 1e-300)) throw new RecsysError('INVALID_INPUT', `matrix is not positive definite (pivot ${k0 + p} = ${d})`);
      const inv = 1 / d;
      for (let i = 0; i < b; i++) {
        if (i === p) continue;
        const f = kinv[i * b + p]! * inv;
        for (let j = 0; j < b; j++) if (j !== p) kinv[i * b + j] = kinv[i * b + j]! - f * kinv[p * b + j]!;
      }
      for (let j = 0; j < b; j++) if (j !== p) { kinv[p * b + j] = kinv[p * b + j]! * inv; kinv[j * b + p] = kinv[j * b + p]! * inv; }
      kinv[p * b + p] = -inv;
    }
    // kinv now holds -K⁻¹. m = K⁻¹ · panel
    for (let t = 0; t < b; t++) {
      const mo = t * n;
      m.fill(0, mo, mo + n);
      for (let u = 0; u < b; u++) {
        const c = -kinv[t * b + u]!, po = u * n;
        if (c === 0) continue;
        for (let j = 0; j < n; j++) m[mo + j] = m[mo + j]! + c * panel[po + j]!;
      }
    }
    // rank-b update of every other row (upper triangle): A_ij -= Σ_t panel[t][i] · m[t][j]
    for (let i = 0; i < n; i++) {
      if (i >= k0 && i < k1) continue;
      const base = i * n;
      for (let t = 0; t < b; t++) {
        const f = panel[t * n + i]!;
        if (f === 0) continue;
        axpy(a, base + i, m, t * n + i, -f, n - i);
      }
    }
    // the swept rows/columns: A_KR = m, A_KK = -K⁻¹
    for (let t = 0; t < b; t++) {
      const k = k0 + t, mo = t * n;
      for (let i = 0; i < k0; i++) a[i * n + k] = m[mo + i]!;
      for (let j = k1; j < n; j++) a[k * n + j] = m[mo + j]!;
      for (let u = t; u < b; u++) a[k * n + k0 + u] = kinv[t * b + u]!;
    }
  }
  // the sweep leaves -A⁻¹ in the upper triangle; negate and mirror
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = -a[i * n + j]!;
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
}

/** y[yo..yo+len) += f · x[xo..xo+len), unrolled (a small function V8 optimises well). */
export function axpy(y: Float64Array, yo: number, x: Float64Array, xo: number, f: number, len: number): void {
  let j = 0;
  for (; j + 3 < len; j += 4) {
    y[yo + j] = y[yo + j]! + f * x[xo + j]!;
    y[yo + j + 1] = y[yo + j + 1]! + f * x[xo + j + 1]!;
    y[yo + j + 2] = y[yo + j + 2]! + f * x[xo + j + 2]!;
    y[yo + j + 3] = y[yo + j + 3]! + f * x[xo + j + 3]!;
  }
  for (; j < len; j++) y[yo + j] = y[yo + j]! + f * x[xo + j]!;
}

/** Deterministic PRNG (mulberry32) so fits are reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Dot products of `x` (length f) with every row of `m` (rows × f) into `out`. */
export function dotRows(x: Float32Array, m: Float32Array, f: number, out: Float32Array): void {
  const rows = out.length;
  if (f % 4 === 0) {
    for (let r = 0, o = 0; r < rows; r++, o += f) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t < f; t += 4) {
        s0 += x[t]! * m[o + t]!; s1 += x[t + 1]! * m[o + t + 1]!;
        s2 += x[t + 2]! * m[o + t + 2]!; s3 += x[t + 3]! * m[o + t + 3]!;
      }
      out[r] = s0 + s1 + s2 + s3;
    }
    return;
  }
  for (let r = 0, o = 0; r < rows; r++, o += f) {
    let s = 0;
    for (let t = 0; t < f; t++) s += x[t]! * m[o + t]!;
    out[r] = s;
  }
}
