import { z } from 'zod';
import { Catalog, type Csr } from '../catalog.js';
import { RecsysError } from '../recsys.errors.js';
import { Recommender, type ModelState, type ResolvedQuery } from '../recommender.js';
import type { ProgressFn } from '../types.js';

export const knnParams = z.strictObject({
  /** Neighbours kept per item (item-kNN) or used per candidate (user-kNN). */
  neighbours: z.number().int().min(1).max(10000).default(100),
  /** Shrinkage added to the cosine denominator: sim = a·b / (‖a‖‖b‖ + shrink). */
  shrink: z.number().nonnegative().default(10),
  /** Use aggregated weights instead of 0/1. */
  weighted: z.boolean().default(false),
});
export type KnnParams = z.infer<typeof knnParams>;

/** Item-based CF: each item's top-N most similar items (shrunk cosine); score_j = Σ_{i∈history} sim(i, j). */
export class ItemKnnRecommender extends Recommender<KnnParams> {
  readonly strategy = 'item-knn' as const;
  constructor(params: KnnParams, catalog: Catalog, readonly sims: Csr) { super(params, catalog); }

  static fit(catalog: Catalog, params: KnnParams, onProgress?: ProgressFn): ItemKnnRecommender {
    const ni = catalog.numJobs, byUser = catalog.train, byItem = catalog.transpose();
    const w = (v: number): number => (params.weighted ? v : 1);
    const norms = new Float64Array(ni);
    for (let i = 0; i < ni; i++) {
      let s = 0;
      for (let p = byItem.offsets[i]!; p < byItem.offsets[i + 1]!; p++) s += w(byItem.values[p]!) ** 2;
      norms[i] = Math.sqrt(s);
    }
    const acc = new Float64Array(ni), touched = new Int32Array(ni), mark = new Uint8Array(ni);
    const offsets = new Int32Array(ni + 1);
    const outItems: number[] = [], outVals: number[] = [];
    for (let i = 0; i < ni; i++) {
      let nt = 0;
      for (let p = byItem.offsets[i]!; p < byItem.offsets[i + 1]!; p++) {
        const u = byItem.items[p]!, wu = w(byItem.values[p]!);
        for (let q = byUser.offsets[u]!; q < byUser.offsets[u + 1]!; q++) {
          const j = byUser.items[q]!;
          if (j === i) continue;
          if (!mark[j]) { mark[j] = 1; touched[nt++] = j; }
          acc[j]! += wu * w(byUser.values[q]!);
        }
      }
      const cand: { j: number; s: number }[] = [];
      for (let t = 0; t < nt; t++) {
        const j = touched[t]!;
        cand.push({ j, s: acc[j]! / (norms[i]! * norms[j]! + params.shrink) });
        acc[j] = 0; mark[j] = 0;
      }
      cand.sort((a, b) => b.s - a.s || a.j - b.j);
      // neighbours of i, stored as "i contributes to j": score_j += sim(i, j)
      for (const c of cand.slice(0, params.neighbours)) { outItems.push(c.j); outVals.push(c.s); }
      offsets[i + 1] = outItems.length;
      if (onProgress && i % 1000 === 999) onProgress({ phase: 'similarities', done: i + 1, total: ni });
    }
    return new ItemKnnRecommender(params, catalog, { offsets, items: Int32Array.from(outItems), values: Float32Array.from(outVals) });
  }

  static restore(params: KnnParams, catalog: Catalog, st: ModelState): ItemKnnRecommender {
    const sims = { offsets: st.arrays['offsets'] as Int32Array, items: st.arrays['items'] as Int32Array, values: st.arrays['values'] as Float32Array };
    if (!sims.offsets || sims.offsets.length !== catalog.numJobs + 1) throw new RecsysError('ARTIFACT_CORRUPT', 'item-knn artifact: similarity rows do not match the catalogue');
    return new ItemKnnRecommender(params, catalog, sims);
  }

  protected scoreInto(q: ResolvedQuery, out: Float32Array): void {
    out.fill(0);
    const s = this.sims;
    q.history.forEach((i, t) => {
      const wi = this.params.weighted ? q.weights[t]! : 1;
      for (let p = s.offsets[i]!; p < s.offsets[i + 1]!; p++) out[s.items[p]!]! += wi * s.values[p]!;
    });
  }
  protected exportState(): ModelState { return { meta: {}, arrays: { offsets: this.sims.offsets, items: this.sims.items, values: this.sims.values } }; }
}

/** User-based CF: the candidate's top-N most similar candidates (shrunk cosine); score_j = Σ_v sim(u, v)·r_vj. */
export class UserKnnRecommender extends Recommender<KnnParams> {
  readonly strategy = 'user-knn' as const;
  private byItem: Csr;
  private norms: Float64Array;
  constructor(params: KnnParams, catalog: Catalog) {
    super(params, catalog);
    this.byItem = catalog.transpose();
    const t = catalog.train;
    this.norms = new Float64Array(catalog.numCandidates);
    for (let u = 0; u < catalog.numCandidates; u++) {
      let s = 0;
      for (let p = t.offsets[u]!; p < t.offsets[u + 1]!; p++) s += (params.weighted ? t.values[p]! : 1) ** 2;
      this.norms[u] = Math.sqrt(s);
    }
  }

  static fit(catalog: Catalog, params: KnnParams): UserKnnRecommender { return new UserKnnRecommender(params, catalog); }
  static restore(params: KnnParams, catalog: Catalog): UserKnnRecommender { return new UserKnnRecommender(params, catalog); }

  protected scoreInto(q: ResolvedQuery, out: Float32Array): void {
    out.fill(0);
    const nu = this.catalog.numCandidates, w = (v: number): number => (this.params.weighted ? v : 1);
    const acc = new Float64Array(nu);
    let qn = 0;
    q.history.forEach((i, t) => {
      const wi = w(q.weights[t]!);
      qn += wi * wi;
      for (let p = this.byItem.offsets[i]!; p < this.byItem.offsets[i + 1]!; p++) acc[this.byItem.items[p]!]! += wi * w(this.byItem.values[p]!);
    });
    if (q.index >= 0) acc[q.index] = 0;
    qn = Math.sqrt(qn);
    const cand: { v: number; s: number }[] = [];
    for (let v = 0; v < nu; v++) if (acc[v]! > 0) cand.push({ v, s: acc[v]! / (qn * this.norms[v]! + this.params.shrink) });
    cand.sort((a, b) => b.s - a.s || a.v - b.v);
    const t = this.catalog.train;
    for (const { v, s } of cand.slice(0, this.params.neighbours)) {
      for (let p = t.offsets[v]!; p < t.offsets[v + 1]!; p++) out[t.items[p]!]! += s * w(t.values[p]!);
    }
  }
  protected exportState(): ModelState { return { meta: {}, arrays: {} }; }
}
