import { z } from 'zod';
import { Catalog, transposeCsr } from '../catalog.js';
import { invertSpdInPlace } from '../linalg.js';
import { RecsysError } from '../recsys.errors.js';
import { Recommender, type ModelState, type ResolvedQuery } from '../recommender.js';
import type { ProgressFn } from '../types.js';

export const easeParams = z.strictObject({
  /** L2 regularisation added to the Gram matrix diagonal. */
  lambda: z.number().positive().default(500),
  /** Use aggregated interaction weights instead of 0/1. */
  weighted: z.boolean().default(false),
  /** Refuse when more jobs than this have interactions (the item-item matrix is dense: n² floats). */
  maxItems: z.number().int().positive().max(20000).default(20000),
  /**
   * `items`: invert the n×n item Gram matrix; `candidates`: the same P through the Woodbury identity with an m×m
   * inverse over the m candidates with interactions; `auto`: whichever matrix is smaller.
   */
  solver: z.enum(['auto', 'items', 'candidates']).default('auto'),
});
export type EaseParams = z.infer<typeof easeParams>;

/**
 * EASE (Steck 2019): B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, zero diagonal. Scores = x_u·B.
 * Jobs without a training interaction have B rows and columns of zero (P is λ⁻¹ on their diagonal), so B is kept
 * only over the `items` that have one: exact, and it keeps new postings from growing the n³ solve.
 * With fewer candidates m than items n, P = λ⁻¹(I − Xᵀ(λI + XXᵀ)⁻¹X) needs an m×m inverse instead of n×n.
 */
export class EaseRecommender extends Recommender<EaseParams> {
  readonly strategy = 'ease' as const;
  /** Catalogue index → row of `b`, −1 for jobs without training interactions. */
  private readonly row: Int32Array;
  constructor(params: EaseParams, catalog: Catalog, readonly b: Float32Array, readonly items: Int32Array) {
    super(params, catalog);
    this.row = new Int32Array(catalog.numJobs).fill(-1);
    items.forEach((j, r) => { this.row[j] = r; });
  }

  static fit(catalog: Catalog, params: EaseParams, onProgress?: ProgressFn): EaseRecommender {
    const byItem = transposeCsr(catalog.train, catalog.numJobs);
    const itemList: number[] = [];
    for (let j = 0; j < catalog.numJobs; j++) if (byItem.offsets[j + 1]! > byItem.offsets[j]!) itemList.push(j);
    const items = Int32Array.from(itemList), n = items.length;
    if (n > params.maxItems) throw new RecsysError('INVALID_PARAMS', `ease: ${n} jobs with interactions exceed maxItems ${params.maxItems}`, { field: 'maxItems' });
    const col = new Int32Array(catalog.numJobs).fill(-1);
    items.forEach((j, c) => { col[j] = c; });
    // X over active candidates (rows) and active items (compact columns), items sorted within a row
    const { offsets, items: trainItems, values } = catalog.train;
    const users: number[] = [];
    for (let u = 0; u + 1 < offsets.length; u++) if (offsets[u + 1]! > offsets[u]!) users.push(u);
    const m = users.length;
    const x = (p: number): number => (params.weighted ? values[p]! : 1);
    const useCandidates = params.solver === 'candidates' || (params.solver === 'auto' && m < n);
    const b = new Float32Array(n * n);
    if (!useCandidates) {
      const g = new Float64Array(n * n);
      for (const u of users) {
        const s = offsets[u]!, e = offsets[u + 1]!;
        for (let p = s; p < e; p++) {
          const base = col[trainItems[p]!]! * n, wi = x(p);
          for (let q = p; q < e; q++) g[base + col[trainItems[q]!]!]! += wi * x(q); // items sorted: upper triangle
        }
      }
      for (let i = 0; i < n; i++) g[i * n + i]! += params.lambda;
      onProgress?.({ phase: 'gram', done: 1, total: 2 });
      invertSpdInPlace(g, n);
      onProgress?.({ phase: 'inverse', done: 2, total: 2 });
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -g[i * n + j]! / g[j * n + j]!;
    } else {
      // K = λI + XXᵀ (m×m) from the item columns: every pair of candidates sharing an item
      const k = new Float64Array(m * m);
      const uRow = new Int32Array(offsets.length - 1).fill(-1);
      users.forEach((u, r) => { uRow[u] = r; });
      const colVal = (q: number): number => (params.weighted ? byItem.values[q]! : 1);
      for (let j = 0; j < catalog.numJobs; j++) {
        const s = byItem.offsets[j]!, e = byItem.offsets[j + 1]!;
        for (let p = s; p < e; p++) {
          const base = uRow[byItem.items[p]!]! * m, wu = colVal(p);
          for (let q = p; q < e; q++) k[base + uRow[byItem.items[q]!]!]! += wu * colVal(q); // candidates sorted: upper
        }
      }
      for (let r = 0; r < m; r++) k[r * m + r]! += params.lambda;
      onProgress?.({ phase: 'gram', done: 1, total: 2 });
      invertSpdInPlace(k, m);
      // Y = K⁻¹X (m×n dense), then Z = XᵀY row by row: P = (I − Z)/λ, so B_ij = Z_ij / (1 − Z_jj) for i ≠ j
      const y = new Float64Array(m * n);
      for (let r = 0; r < m; r++) {
        const yo = r * n;
        for (let v = 0; v < m; v++) {
          const kv = k[r * m + v]!, u = users[v]!;
          for (let p = offsets[u]!; p < offsets[u + 1]!; p++) y[yo + col[trainItems[p]!]!]! += kv * x(p);
        }
      }
      const diag = new Float64Array(n);
      for (let j = 0; j < catalog.numJobs; j++) {
        const c = col[j]!;
        for (let p = byItem.offsets[j]!; p < byItem.offsets[j + 1]!; p++) if (c >= 0) diag[c]! += colVal(p) * y[uRow[byItem.items[p]!]! * n + c]!;
      }
      const z = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        z.fill(0);
        const j = items[i]!;
        for (let p = byItem.offsets[j]!; p < byItem.offsets[j + 1]!; p++) {
          const w = colVal(p), yo = uRow[byItem.items[p]!]! * n;
          for (let t = 0; t < n; t++) z[t]! += w * y[yo + t]!;
        }
        const bo = i * n;
        for (let t = 0; t < n; t++) b[bo + t] = t === i ? 0 : z[t]! / (1 - diag[t]!);
      }
      onProgress?.({ phase: 'inverse', done: 2, total: 2 });
    }
    return new EaseRecommender(params, catalog, b, items);
  }

  static restore(params: EaseParams, catalog: Catalog, st: ModelState): EaseRecommender {
    const b = st.arrays['b'] as Float32Array;
    // artifacts written before compaction have no `items`: B over the whole catalogue
    const items = (st.arrays['items'] as Int32Array | undefined) ?? Int32Array.from({ length: catalog.numJobs }, (_, j) => j);
    if (b.length !== items.length * items.length || items.some((j) => j < 0 || j >= catalog.numJobs)) {
      throw new RecsysError('ARTIFACT_CORRUPT', 'ease artifact: matrix size does not match the catalogue');
    }
    return new EaseRecommender(params, catalog, b, items);
  }

  protected scoreInto(q: ResolvedQuery, out: Float32Array): void {
    const n = this.items.length, b = this.b, items = this.items;
    out.fill(0);
    q.history.forEach((i, t) => {
      const r = this.row[i]!;
      if (r < 0) return; // no training interactions: a zero row of B
      const w = this.params.weighted ? q.weights[t]! : 1, base = r * n;
      for (let c = 0; c < n; c++) out[items[c]!]! += w * b[base + c]!;
    });
  }
  protected exportState(): ModelState { return { meta: {}, arrays: { b: this.b, items: this.items } }; }
}
