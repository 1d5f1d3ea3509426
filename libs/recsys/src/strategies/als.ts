import { z } from 'zod';
import { Catalog, type Csr } from '../catalog.js';
import { alsFoldIn, itemGram } from '../fold-in.js';
import { dotRows, rng } from '../linalg.js';
import { RecsysError } from '../recsys.errors.js';
import { Recommender, type ModelState, type ResolvedQuery } from '../recommender.js';
import type { ProgressFn } from '../types.js';

export const alsParams = z.strictObject({
  factors: z.number().int().min(1).max(1024).default(64),
  regularization: z.number().nonnegative().default(0.05),
  iterations: z.number().int().min(1).max(1000).default(15),
  /** Confidence c = 1 + alpha·r. */
  alpha: z.number().positive().max(1e5).default(2),
  /** Conjugate-gradient steps per row and iteration (warm-started). */
  cgSteps: z.number().int().min(1).max(100).default(3),
  seed: z.number().int().default(42),
  /** Compute the full objective after each iteration (costs one extra pass; reported through onProgress). */
  trackLoss: z.boolean().default(false),
});
export type AlsParams = z.infer<typeof alsParams>;

/**
 * Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with conjugate-gradient solves (Takács et al. 2011):
 * minimise Σ c_ui (p_ui − x_u·y_i)² + λ(‖X‖² + ‖Y‖²), c = 1 + α·r, p = 1 on observed pairs.
 */
export class AlsRecommender extends Recommender<AlsParams> {
  readonly strategy = 'als' as const;
  constructor(params: AlsParams, catalog: Catalog, readonly userFactors: Float32Array, readonly itemFactors: Float32Array, readonly losses: number[] = []) {
    super(params, catalog);
  }

  static fit(catalog: Catalog, params: AlsParams, onProgress?: ProgressFn): AlsRecommender {
    const f = params.factors, nu = catalog.numCandidates, ni = catalog.numJobs;
    const rand = rng(params.seed);
    const x = new Float32Array(nu * f), y = new Float32Array(ni * f);
    const scale = 0.01;
    for (let t = 0; t < x.length; t++) x[t] = (rand() - 0.5) * 2 * scale;
    for (let t = 0; t < y.length; t++) y[t] = (rand() - 0.5) * 2 * scale;
    const byUser = catalog.train, byItem = catalog.transpose();
    const losses: number[] = [];
    for (let it = 0; it < params.iterations; it++) {
      solveSide(x, y, byUser, f, params);
      solveSide(y, x, byItem, f, params);
      let loss: number | undefined;
      if (params.trackLoss) { loss = alsLoss(x, y, byUser, f, params); losses.push(loss); }
      onProgress?.({ phase: 'als', done: it + 1, total: params.iterations, loss });
    }
    return new AlsRecommender(params, catalog, x, y, losses);
  }

  static restore(params: AlsParams, catalog: Catalog, st: ModelState): AlsRecommender {
    const x = st.arrays['x'] as Float32Array, y = st.arrays['y'] as Float32Array;
    if (x.length !== catalog.numCandidates * params.factors || y.length !== catalog.numJobs * params.factors) {
      throw new RecsysError('ARTIFACT_CORRUPT', 'als artifact: factor matrices do not match the catalogue');
    }
    return new AlsRecommender(params, catalog, x, y);
  }

  private gramCache?: Float64Array;
  /** YᵀY of the item factors, computed once per loaded model (fold-in reuses it on every request). */
  get itemGram(): Float64Array {
    return (this.gramCache ??= itemGram(this.itemFactors, this.params.factors));
  }

  /**
   * The candidate's factor vector: the trained row for a known candidate with exactly their training history;
   * otherwise (new candidate, or interactions added since training) folded in at request time by the exact
   * least-squares solve of the training objective against the fixed item factors (`alsFoldIn`).
   */
  userVector(q: ResolvedQuery): Float32Array {
    const f = this.params.factors;
    if (q.trainingHistory) return this.userFactors.subarray(q.index * f, (q.index + 1) * f);
    if (q.history.length === 0) return new Float32Array(f);
    try {
      return alsFoldIn(this.itemFactors, f, q.history, q.weights, this.params, this.itemGram);
    } catch {
      // regularization 0 with a rank-deficient YᵀY: fall back to the training solver (CG, f steps)
      const v = new Float32Array(f);
      cgSolve(v, this.itemFactors, this.itemGram, q.history, q.weights, f, { ...this.params, cgSteps: Math.max(this.params.cgSteps, f) });
      return v;
    }
  }

  protected scoreInto(q: ResolvedQuery, out: Float32Array): void {
    dotRows(this.userVector(q), this.itemFactors, this.params.factors, out);
  }
  protected override factorModel() {
    return { dim: this.params.factors, items: this.itemFactors, query: (r: ResolvedQuery) => this.userVector(r) };
  }
  protected exportState(): ModelState { return { meta: {}, arrays: { x: this.userFactors, y: this.itemFactors } }; }
}

function gram(m: Float32Array, f: number): Float64Array {
  const g = new Float64Array(f * f);
  const rows = m.length / f;
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const va = m[o + a]!;
      if (va === 0) continue;
      for (let b = a; b < f; b++) g[a * f + b]! += va * m[o + b]!;
    }
  }
  for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) g[a * f + b] = g[b * f + a]!;
  return g;
}

/** Update every row of `target` given the fixed `other` side. */
function solveSide(target: Float32Array, other: Float32Array, m: Csr, f: number, p: AlsParams): void {
  const g = gram(other, f);
  const rows = m.offsets.length - 1;
  for (let u = 0; u < rows; u++) {
    const s = m.offsets[u]!, e = m.offsets[u + 1]!;
    const xu = target.subarray(u * f, (u + 1) * f);
    if (s === e) { xu.fill(0); continue; }
    cgSolve(xu, other, g, m.items.subarray(s, e), m.values.subarray(s, e), f, p);
  }
}

const scratch = { r: new Float64Array(0), p: new Float64Array(0), ap: new Float64Array(0) };

/** Warm-started CG on (YᵀY + Yᵀ(C−I)Y + λI) x = Yᵀ C p for one row. */
function cgSolve(x: Float32Array, y: Float32Array, yty: Float64Array, items: Int32Array, vals: Float32Array, f: number, p: Pick<AlsParams, 'alpha' | 'regularization' | 'cgSteps'>): void {
  if (scratch.r.length !== f) { scratch.r = new Float64Array(f); scratch.p = new Float64Array(f); scratch.ap = new Float64Array(f); }
  const r = scratch.r, d = scratch.p, ad = scratch.ap;
  const lambda = p.regularization, alpha = p.alpha;
  // r = b − A x, with A x = YᵀY x + λx + Σ (c−1)(y·x) y and b = Σ c y
  for (let a = 0; a < f; a++) {
    let s = 0;
    for (let b = 0; b < f; b++) s += yty[a * f + b]! * x[b]!;
    r[a] = -s - lambda * x[a]!;
  }
  for (let t = 0; t < items.length; t++) {
    const o = items[t]! * f, c = 1 + alpha * vals[t]!;
    let yx = 0;
    for (let a = 0; a < f; a++) yx += y[o + a]! * x[a]!;
    const coef = c - (c - 1) * yx;
    for (let a = 0; a < f; a++) r[a]! += coef * y[o + a]!;
  }
  d.set(r);
  let rs = 0;
  for (let a = 0; a < f; a++) rs += r[a]! * r[a]!;
  for (let step = 0; step < p.cgSteps && rs > 1e-20; step++) {
    for (let a = 0; a < f; a++) {
      let s = 0;
      for (let b = 0; b < f; b++) s += yty[a * f + b]! * d[b]!;
      ad[a] = s + lambda * d[a]!;
    }
    for (let t = 0; t < items.length; t++) {
      const o = items[t]! * f, cm1 = alpha * vals[t]!;
      let yd = 0;
      for (let a = 0; a < f; a++) yd += y[o + a]! * d[a]!;
      const coef = cm1 * yd;
      for (let a = 0; a < f; a++) ad[a]! += coef * y[o + a]!;
    }
    let dad = 0;
    for (let a = 0; a < f; a++) dad += d[a]! * ad[a]!;
    if (!(dad > 0)) break;
    const step_ = rs / dad;
    let rsNew = 0;
    for (let a = 0; a < f; a++) {
      x[a] = x[a]! + step_ * d[a]!;
      r[a] = r[a]! - step_ * ad[a]!;
      rsNew += r[a]! * r[a]!;
    }
    const beta = rsNew / rs;
    for (let a = 0; a < f; a++) d[a] = r[a]! + beta * d[a]!;
    rs = rsNew;
  }
}

/** The full weighted objective (over all user-item pairs, via the YᵀY trick). */
export function alsLoss(x: Float32Array, y: Float32Array, byUser: Csr, f: number, p: Pick<AlsParams, 'alpha' | 'regularization'>): number {
  const g = gram(y, f);
  const rows = byUser.offsets.length - 1;
  let loss = 0;
  for (let u = 0; u < rows; u++) {
    const o = u * f;
    // Σ_i (x·y_i)² over all items = xᵀ YᵀY x
    let q = 0;
    for (let a = 0; a < f; a++) { let s = 0; for (let b = 0; b < f; b++) s += g[a * f + b]! * x[o + b]!; q += x[o + a]! * s; }
    loss += q;
    for (let t = byUser.offsets[u]!; t < byUser.offsets[u + 1]!; t++) {
      const io = byUser.items[t]! * f, c = 1 + p.alpha * byUser.values[t]!;
      let s = 0;
      for (let a = 0; a < f; a++) s += x[o + a]! * y[io + a]!;
      loss += c * (1 - s) * (1 - s) - s * s;
    }
  }
  let reg = 0;
  for (const v of x) reg += v * v;
  for (const v of y) reg += v * v;
  return loss + p.regularization * reg;
}
