import { RecsysError } from './recsys.errors.js';

/**
 * Request-time fold-in for implicit ALS: the candidate's factor vector solved exactly, against fixed item factors,
 * from the candidate's (current) interactions — the same regularised least-squares problem ALS solves for every
 * user row in training (Hu, Koren & Volinsky 2008, eq. 4):
 *
 *   x = (YᵀY + Yᵀ(Cᵘ − I)Y + λI)⁻¹ Yᵀ Cᵘ p(u),   c_ui = 1 + α·r_ui, p_ui = 1 on the observed items.
 *
 * Training reaches the same fixed point by warm-started conjugate gradient; here the f×f system is solved directly
 * (Cholesky), so a candidate whose interactions changed since training gets the vector the next ALS sweep would
 * give them, without a retrain. Cost: O(n·f² + f³) for n interactions, plus YᵀY once per model (`itemGram`).
 */
export interface FoldInParams {
  alpha: number;
  regularization: number;
}

/** YᵀY (f×f, row-major, float64) of a row-major item-factor matrix; compute once per model and reuse. */
export function itemGram(itemFactors: Float32Array, f: number): Float64Array {
  const g = new Float64Array(f * f);
  const rows = itemFactors.length / f;
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const va = itemFactors[o + a]!;
      if (va === 0) continue;
      for (let b = a; b < f; b++) g[a * f + b]! += va * itemFactors[o + b]!;
    }
  }
  for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) g[a * f + b] = g[b * f + a]!;
  return g;
}

/**
 * Solves one user's ALS row exactly. `items` are job indices (rows of `itemFactors`), `weights` their interaction
 * strengths r (> 0; duplicate items should be summed by the caller). No items → the zero vector (what training
 * gives a user without interactions).
 */
export function alsFoldIn(itemFactors: Float32Array, f: number, items: ArrayLike<number>, weights: ArrayLike<number>, p: FoldInParams, gram: Float64Array = itemGram(itemFactors, f)): Float32Array {
  if (items.length !== weights.length) throw new RecsysError('INVALID_INPUT', `fold-in: ${items.length} items but ${weights.length} weights`);
  if (gram.length !== f * f) throw new RecsysError('INVALID_INPUT', `fold-in: gram matrix is not ${f}×${f}`);
  const numItems = itemFactors.length / f;
  const x = new Float32Array(f);
  if (items.length === 0) return x;
  const a = Float64Array.from(gram);
  for (let d = 0; d < f; d++) a[d * f + d]! += p.regularization;
  const b = new Float64Array(f);
  for (let t = 0; t < items.length; t++) {
    const j = items[t]!, r = weights[t]!;
    if (!Number.isInteger(j) || j < 0 || j >= numItems) throw new RecsysError('INVALID_INPUT', `fold-in: item index ${j} is out of range (0..${numItems - 1})`);
    if (!(r > 0) || !Number.isFinite(r)) continue; // dismissals and zero weights carry no preference
    const o = j * f, c = 1 + p.alpha * r;
    for (let u = 0; u < f; u++) {
      const yu = itemFactors[o + u]!;
      b[u]! += c * yu;
      if (yu === 0) continue;
      const s = (c - 1) * yu;
      for (let v = u; v < f; v++) a[u * f + v]! += s * itemFactors[o + v]!;
    }
  }
  for (let u = 0; u < f; u++) for (let v = 0; v < u; v++) a[u * f + v] = a[v * f + u]!;
  choleskySolve(a, b, f);
  for (let u = 0; u < f; u++) x[u] = b[u]!;
  return x;
}

/** In place: `a` (SPD, row-major n×n) becomes its Cholesky factor L (lower), `b` becomes A⁻¹b. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! * a[j * n + k]!;
    if (!(d > 0)) throw new RecsysError('INVALID_INPUT', `fold-in: system is not positive definite (pivot ${j} = ${d}); regularization must be > 0`);
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / l;
    }
  }
  for (let i = 0; i < n; i++) { // L y = b
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) { // Lᵀ x = y
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
}

/** Sums duplicate items of a history (job index → total weight), ascending by job index. */
export function mergeHistory(items: ArrayLike<number>, weights: ArrayLike<number>): { items: Int32Array; weights: Float32Array } {
  const m = new Map<number, number>();
  for (let t = 0; t < items.length; t++) m.set(items[t]!, (m.get(items[t]!) ?? 0) + weights[t]!);
  const keys = [...m.keys()].sort((x, y) => x - y);
  return { items: Int32Array.from(keys), weights: Float32Array.from(keys, (k) => m.get(k)!) };
}
