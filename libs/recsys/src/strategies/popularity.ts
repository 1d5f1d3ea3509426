import { z } from 'zod';
import { Catalog } from '../catalog.js';
import { Recommender, type ModelState, type ResolvedQuery } from '../recommender.js';
import type { TrainingSnapshot } from '../types.js';

export const popularityParams = z.strictObject({
  /** Half-life of an interaction's weight in days; omit (or null) for no decay. */
  halfLifeDays: z.number().positive().nullable().default(null),
  /** Count each (candidate, job) once instead of summing weights. */
  binary: z.boolean().default(true),
});
export type PopularityParams = z.infer<typeof popularityParams>;

/** Baseline: decayed interaction mass per job, the same list for everyone (minus filters). */
export class PopularityRecommender extends Recommender<PopularityParams> {
  readonly strategy = 'popularity' as const;
  constructor(params: PopularityParams, catalog: Catalog, readonly scores: Float32Array) { super(params, catalog); }

  static fit(s: TrainingSnapshot, catalog: Catalog, params: PopularityParams): PopularityRecommender {
    const x = s.interactions;
    let tRef = -Infinity;
    for (let r = 0; r < x.time.length; r++) if (x.time[r]! > tRef) tRef = x.time[r]!;
    const scores = new Float64Array(catalog.numJobs);
    const halfLife = params.halfLifeDays === null ? null : params.halfLifeDays * 86400;
    if (params.binary && halfLife === null) {
      const t = catalog.train;
      for (let p = 0; p < t.items.length; p++) scores[t.items[p]!]! += 1;
    } else {
      for (let r = 0; r < x.job.length; r++) {
        if (x.type?.[r] === 'dismiss' || !(x.weight[r]! > 0)) continue;
        const w = (params.binary ? 1 : x.weight[r]!) * (halfLife === null ? 1 : Math.pow(0.5, (tRef - x.time[r]!) / halfLife));
        scores[x.job[r]!]! += w;
      }
    }
    return new PopularityRecommender(params, catalog, Float32Array.from(scores));
  }

  static restore(params: PopularityParams, catalog: Catalog, st: ModelState): PopularityRecommender {
    return new PopularityRecommender(params, catalog, st.arrays['scores'] as Float32Array);
  }

  protected scoreInto(_q: ResolvedQuery, out: Float32Array): void { out.set(this.scores); }
  protected exportState(): ModelState { return { meta: {}, arrays: { scores: this.scores } }; }
}
