import { z } from 'zod';
import { decodeArtifact } from '../artifact.js';
import { Catalog } from '../catalog.js';
import { rng } from '../linalg.js';
import { RecsysError } from '../recsys.errors.js';
import { Recommender, type ModelState, type ResolvedQuery } from '../recommender.js';
import { fitRecommender, loadRecommender } from '../strategies.js';
import { topK } from '../topk.js';
import type { ProgressFn, TrainingSnapshot } from '../types.js';

const BASES = ['popularity', 'content', 'item-knn', 'user-knn', 'als', 'ease', 'two-tower'] as const;

export const hybridParams = z.strictObject({
  /** Base strategies blended; null = popularity, item-knn, als, plus content when jobs have text. */
  strategies: z.array(z.enum(BASES)).min(1).nullable().default(null),
  /** Hyperparameters per base strategy. */
  baseParams: z.record(z.string(), z.unknown()).default({}),
  /** Share of the interactions (the most recent) held out to learn the blend. */
  validationFraction: z.number().gt(0).lt(1).default(0.2),
  /** `per-candidate`: each candidate's most recent share is held out; `global`: everything after a time cut. */
  split: z.enum(['per-candidate', 'global']).default('per-candidate'),
  /** Uniformly sampled negatives per validation candidate, on top of the bases' top-ranked non-positives. */
  negatives: z.number().int().min(1).max(10000).default(50),
  hardNegatives: z.number().int().min(0).max(10000).default(0),
  maxValidationCandidates: z.number().int().min(1).default(2000),
  /** L2 penalty of the logistic regression. */
  l2: z.number().nonnegative().default(1e-3),
  seed: z.number().int().default(42),
});
export type HybridParams = z.infer<typeof hybridParams>;

/**
 * Learned blend: the base strategies are trained on the older part of the data, each candidate's base scores are
 * standardised (z-scores over the catalogue) and a logistic regression on [z-scores, log popularity] is fitted to
 * tell the held-out recent interactions from sampled negatives. The bases are then refitted on all the data.
 */
export class HybridRecommender extends Recommender<HybridParams> {
  readonly strategy = 'hybrid' as const;
  constructor(params: HybridParams, catalog: Catalog, readonly bases: Recommender[], readonly weights: Float64Array, readonly logPop: Float32Array) {
    super(params, catalog);
  }

  static async fit(s: TrainingSnapshot, catalog: Catalog, params: HybridParams, onProgress?: ProgressFn): Promise<HybridRecommender> {
    const hasText = !!s.jobs?.some((j) => j.title || j.description || (j.skills && j.skills.length));
    const names = params.strategies ?? ['popularity', 'item-knn', 'als', ...(hasText ? (['content'] as const) : [])];
    if (names.includes('content') && !hasText) throw new RecsysError('UNSUPPORTED', 'hybrid: base strategy content needs job text features, the snapshot has none');
    const x = s.interactions;
    const isEarly = new Uint8Array(x.job.length);
    if (params.split === 'global') {
      const times = Float64Array.from(x.time).sort();
      const cut = times[Math.floor(times.length * (1 - params.validationFraction))]!;
      for (let r = 0; r < x.job.length; r++) isEarly[r] = x.time[r]! < cut ? 1 : 0;
    } else {
      const rowsOf = new Map<number, number[]>();
      for (let r = 0; r < x.job.length; r++) { const u = x.candidate[r]!; let l = rowsOf.get(u); if (!l) rowsOf.set(u, (l = [])); l.push(r); }
      for (const rows of rowsOf.values()) {
        rows.sort((a, b) => x.time[a]! - x.time[b]! || a - b);
        const held = rows.length >= 2 ? Math.max(1, Math.round(rows.length * params.validationFraction)) : 0;
        rows.forEach((r, t) => { isEarly[r] = t < rows.length - held ? 1 : 0; });
      }
    }
    const early = (r: number): boolean => isEarly[r] === 1;
    const pick = (keep: (r: number) => boolean): TrainingSnapshot['interactions'] => {
      const rows: number[] = [];
      for (let r = 0; r < x.job.length; r++) if (keep(r)) rows.push(r);
      return { candidate: Int32Array.from(rows, (r) => x.candidate[r]!), job: Int32Array.from(rows, (r) => x.job[r]!), weight: Float32Array.from(rows, (r) => x.weight[r]!), time: Float64Array.from(rows, (r) => x.time[r]!), type: x.type ? rows.map((r) => x.type![r]!) : undefined };
    };
    const earlySnap: TrainingSnapshot = { ...s, interactions: pick(early) };
    if (earlySnap.interactions.job.length === 0) throw new RecsysError('EMPTY_TRAINING_SET', 'hybrid: the temporal split leaves no interactions to train the bases on');
    const earlyBases: Recommender[] = [];
    for (const n of names) earlyBases.push(await fitRecommender(n, earlySnap, params.baseParams[n]));
    onProgress?.({ phase: 'hybrid: validation bases', done: 1, total: 3 });
    const earlyCatalog = earlyBases[0]!.catalog;
    const logPopEarly = logPopularity(earlyCatalog);

    // validation positives per candidate (not already seen in the early part)
    const valPos = new Map<number, Set<number>>();
    for (let r = 0; r < x.job.length; r++) {
      if (early(r) || x.type?.[r] === 'dismiss' || !(x.weight[r]! > 0)) continue;
      const u = x.candidate[r]!, j = x.job[r]!;
      if (earlyCatalog.items(u).includes(j)) continue;
      if (earlyCatalog.items(u).length === 0) continue; // learn the blend where the bases have something to say
      let set = valPos.get(u);
      if (!set) valPos.set(u, (set = new Set()));
      set.add(j);
    }
    const rand = rng(params.seed);
    const users = [...valPos.keys()].sort((a, b) => a - b);
    for (let t = users.length - 1; t > 0; t--) { const r = Math.floor(rand() * (t + 1)); [users[t], users[r]] = [users[r]!, users[t]!]; }
    users.length = Math.min(users.length, params.maxValidationCandidates);
    if (users.length === 0) throw new RecsysError('EMPTY_TRAINING_SET', 'hybrid: the temporal validation split has no held-out interactions of known candidates');
    const nf = names.length + 2; // z-scores, log popularity, bias
    const feats: number[] = [], labels: number[] = [];
    const ni = catalog.numJobs;
    const z = names.map(() => new Float32Array(ni));
    for (const u of users) {
      earlyBases.forEach((b, k) => standardised(b, u, z[k]!));
      const pos = valPos.get(u)!, seen = new Set(earlyCatalog.items(u));
      const negs = new Set<number>();
      const exclude = new Uint8Array(ni);
      for (const j of seen) exclude[j] = 1;
      for (const j of pos) exclude[j] = 1;
      if (params.hardNegatives > 0) for (const zk of z) for (const { job } of topK(zk, params.hardNegatives, exclude)) negs.add(job);
      for (let t = 0, tries = 0; t < params.negatives && tries < params.negatives * 10; tries++) {
        const j = Math.floor(rand() * ni);
        if (!exclude[j] && !negs.has(j)) { negs.add(j); t++; }
      }
      const add = (j: number, y: number): void => { for (const zk of z) feats.push(zk[j]!); feats.push(logPopEarly[j]!, 1); labels.push(y); };
      for (const j of pos) add(j, 1);
      for (const j of negs) add(j, 0);
    }
    const weights = logisticRegression(Float64Array.from(feats), Float64Array.from(labels), nf, params.l2);
    onProgress?.({ phase: 'hybrid: blend', done: 2, total: 3 });
    const bases: Recommender[] = [];
    for (const n of names) bases.push(await fitRecommender(n, s, params.baseParams[n]));
    onProgress?.({ phase: 'hybrid: final bases', done: 3, total: 3 });
    return new HybridRecommender({ ...params, strategies: [...names] }, catalog, bases, weights, logPopularity(catalog));
  }

  static async restore(params: HybridParams, catalog: Catalog, st: ModelState): Promise<HybridRecommender> {
    const names = params.strategies ?? [];
    const bases: Recommender[] = [];
    for (let k = 0; k < names.length; k++) {
      const buf = st.arrays[`base${k}`];
      if (!(buf instanceof Uint8Array)) throw new RecsysError('ARTIFACT_CORRUPT', `hybrid artifact lacks base model ${k}`);
      decodeArtifact(buf, names[k]);
      bases.push(await loadRecommender(buf, names[k]));
    }
    return new HybridRecommender(params, catalog, bases, st.arrays['weights'] as Float64Array, st.arrays['logPop'] as Float32Array);
  }

  /** Blend weights by feature name (for reports). */
  blend(): Record<string, number> {
    const names = this.params.strategies ?? [];
    const out: Record<string, number> = {};
    names.forEach((n, k) => { out[n] = this.weights[k]!; });
    out['logPopularity'] = this.weights[names.length]!;
    out['bias'] = this.weights[names.length + 1]!;
    return out;
  }

  protected scoreInto(q: ResolvedQuery, out: Float32Array): void {
    const n = this.numJobs, tmp = new Float32Array(n);
    const k0 = this.bases.length;
    for (let j = 0; j < n; j++) out[j] = this.weights[k0]! * this.logPop[j]!;
    this.bases.forEach((b, k) => {
      standardised(b, q, tmp);
      const w = this.weights[k]!;
      for (let j = 0; j < n; j++) out[j]! += w * tmp[j]!;
    });
  }

  protected exportState(): ModelState {
    const arrays: ModelState['arrays'] = { weights: this.weights, logPop: this.logPop };
    this.bases.forEach((b, k) => { arrays[`base${k}`] = new Uint8Array(b.serialize()); });
    return { meta: {}, arrays };
  }
}

function logPopularity(c: Catalog): Float32Array {
  const pop = new Float32Array(c.numJobs);
  for (const j of c.train.items) pop[j]!++;
  return pop.map((v) => Math.log1p(v));
}

/** A base's scores for one candidate, standardised to zero mean and unit variance over the catalogue. */
function standardised(b: Recommender, q: ResolvedQuery | number, out: Float32Array): void {
  const query = typeof q === 'number' ? { index: q } : { index: q.index >= 0 ? q.index : undefined, features: q.features, history: q.index >= 0 ? undefined : [...q.history] };
  const known = query.index === undefined || query.index < b.catalog.numCandidates ? query : { ...query, index: undefined };
  const s = b.score(known, ALL(out.length));
  let mean = 0;
  for (const v of s) mean += v;
  mean /= s.length;
  let varr = 0;
  for (const v of s) varr += (v - mean) * (v - mean);
  const sd = Math.sqrt(varr / s.length) || 1;
  for (let j = 0; j < s.length; j++) out[j] = (s[j]! - mean) / sd;
}

let allCache: number[] = [];
function ALL(n: number): number[] {
  if (allCache.length !== n) allCache = Array.from({ length: n }, (_, i) => i);
  return allCache;
}

/** L2-penalised logistic regression by Newton's method (few features, many rows). Row-major `x` with `nf` columns. */
export function logisticRegression(x: Float64Array, y: Float64Array, nf: number, l2: number, iterations = 25): Float64Array {
  const n = y.length, w = new Float64Array(nf);
  for (let it = 0; it < iterations; it++) {
    const g = new Float64Array(nf), h = new Float64Array(nf * nf);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let a = 0; a < nf; a++) s += w[a]! * x[r * nf + a]!;
      const p = 1 / (1 + Math.exp(-s)), e = p - y[r]!, v = p * (1 - p);
      for (let a = 0; a < nf; a++) {
        g[a]! += e * x[r * nf + a]!;
        for (let b = 0; b < nf; b++) h[a * nf + b]! += v * x[r * nf + a]! * x[r * nf + b]!;
      }
    }
    for (let a = 0; a < nf; a++) { g[a]! += l2 * n * w[a]!; h[a * nf + a]! += l2 * n + 1e-9; }
    const step = solve(h, g, nf);
    let maxStep = 0;
    for (let a = 0; a < nf; a++) { w[a]! -= step[a]!; maxStep = Math.max(maxStep, Math.abs(step[a]!)); }
    if (maxStep < 1e-8) break;
  }
  return w;
}

function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a), x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]!) > Math.abs(m[piv * n + k]!)) piv = i;
    if (piv !== k) { for (let j = 0; j < n; j++) { const t = m[k * n + j]!; m[k * n + j] = m[piv * n + j]!; m[piv * n + j] = t; } const t = x[k]!; x[k] = x[piv]!; x[piv] = t; }
    const d = m[k * n + k]!;
    if (Math.abs(d) < 1e-300) continue;
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k]! / d;
      if (f === 0) continue;
      for (let j = k; j < n; j++) m[i * n + j]! -= f * m[k * n + j]!;
      x[i]! -= f * x[k]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = x[k]!;
    for (let j = k + 1; j < n; j++) s -= m[k * n + j]! * x[j]!;
    x[k] = m[k * n + k] !== 0 ? s / m[k * n + k]! : 0;
  }
  return x;
}
