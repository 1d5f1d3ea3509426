import { z } from 'zod';
import { Catalog } from '../catalog.js';
import { invertSpdInPlace } from '../linalg.js';
import { RecsysError } from '../recsys.errors.js';
import { Recommender, type ModelState, type ResolvedQuery } from '../recommender.js';
import type { ProgressFn } from '../types.js';

export const easeParams = z.strictObject({
  /** L2 regularisation added to the Gram matrix diagonal. */
  lambda: z.number().positive().default(500),
  /** Use aggregated interaction weights instead of 0/1. */
  weighted: z.boolean().default(false),
  /** Refuse catalogues larger than this (the item-item matrix is dense: n² floats). */
  maxItems: z.number().int().positive().max(20000).default(20000),
});
export type EaseParams = z.infer<typeof easeParams>;

/**
 * EASE (Steck 2019): B = I - P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, zero diagonal. Scores = x_u·B.
 */
export class EaseRecommender extends Recommender<EaseParams> {
  readonly strategy = 'ease' as const;
  constructor(params: EaseParams, catalog: Catalog, readonly b: Float32Array) { super(params, catalog); }

  static fit(catalog: Catalog, params: EaseParams, onProgress?: ProgressFn): EaseRecommender {
    const n = catalog.numJobs;
    if (n > params.maxItems) throw new RecsysError('INVALID_PARAMS', `ease: catalogue of ${n} jobs exceeds maxItems ${params.maxItems}`, { field: 'maxItems' });
    const g = new Float64Array(n * n);
    const { offsets, items, values } = catalog.train;
    for (let u = 0; u + 1 < offsets.length; u++) {
      const s = offsets[u]!, e = offsets[u + 1]!;
      for (let p = s; p < e; p++) {
        const i = items[p]!, wi = params.weighted ? values[p]! : 1, base = i * n;
        for (let q = p; q < e; q++) g[base + items[q]!]! += wi * (params.weighted ? values[q]! : 1); // items sorted: upper triangle
      }
    }
    for (let i = 0; i < n; i++) g[i * n + i]! += params.lambda;
    onProgress?.({ phase: 'gram', done: 1, total: 2 });
    invertSpdInPlace(g, n);
    onProgress?.({ phase: 'inverse', done: 2, total: 2 });
    const b = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -g[i * n + j]! / g[j * n + j]!;
    }
    return new EaseRecommender(params, catalog, b);
  }

  static restore(params: EaseParams, catalog: Catalog, st: ModelState): EaseRecommender {
    const b = st.arrays['b'] as Float32Array;
    if (b.length !== catalog.numJobs * catalog.numJobs) throw new RecsysError('ARTIFACT_CORRUPT', 'ease artifact: matrix size does not match the catalogue');
    return new EaseRecommender(params, catalog, b);
  }

  protected scoreInto(q: ResolvedQuery, out: Float32Array): void {
    const n = this.numJobs, b = this.b;
    out.fill(0);
    q.history.forEach((i, t) => {
      const w = this.params.weighted ? q.weights[t]! : 1, base = i * n;
      for (let j = 0; j < n; j++) out[j]! += w * b[base + j]!;
    });
  }
  protected exportState(): ModelState { return { meta: {}, arrays: { b: this.b } }; }
}
