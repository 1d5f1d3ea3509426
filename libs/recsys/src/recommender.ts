import type { z } from 'zod';
import { encodeArtifact, type ArtifactContent, type TypedArray } from './artifact.js';
import { Catalog } from './catalog.js';
import { RecsysError } from './recsys.errors.js';
import { topK } from './topk.js';
import type { CandidateFeatures, CandidateQuery, RecommendFilters, ScoredJob } from './types.js';

export const STRATEGY_NAMES = ['popularity', 'content', 'item-knn', 'user-knn', 'als', 'ease', 'two-tower', 'hybrid'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** A query with its history resolved: the candidate index (-1 when cold), positive items and features. */
export interface ResolvedQuery {
  index: number;
  history: Int32Array;
  weights: Float32Array;
  /** True when history is exactly the candidate's training items (known candidate, nothing added). */
  trainingHistory: boolean;
  features?: CandidateFeatures;
}

export interface ModelState {
  meta: Record<string, unknown>;
  arrays: Record<string, TypedArray>;
}

/** Validate hyperparameters with a zod schema; a bad value becomes INVALID_PARAMS naming the field. */
export function parseParams<S extends z.ZodType>(strategy: string, schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || '(params)';
    throw new RecsysError('INVALID_PARAMS', `${strategy}: invalid parameter ${field}: ${issue.message}`, { field });
  }
  return r.data as z.infer<S>;
}

/**
 * The contract every strategy implements: a fitted model that scores every job for a candidate. Filtering,
 * top-k, re-ranking, batches and serialisation are shared here; a strategy implements `scoreInto`.
 */
export abstract class Recommender<P = unknown> {
  abstract readonly strategy: StrategyName;
  constructor(readonly params: P, readonly catalog: Catalog) {}

  /** Fill `out` (length numJobs) with a score per job; higher is better. */
  protected abstract scoreInto(q: ResolvedQuery, out: Float32Array): void;
  /** The model's own arrays and metadata (the catalogue is stored separately). */
  protected abstract exportState(): ModelState;

  get numJobs(): number { return this.catalog.numJobs; }
  private scratchScores?: Float32Array;
  private scratchMask?: Uint8Array;

  resolve(q: CandidateQuery | number): ResolvedQuery {
    const query: CandidateQuery = typeof q === 'number' ? { index: q } : q;
    const index = query.index ?? -1;
    if (index !== -1 && (!Number.isInteger(index) || index < 0 || index >= this.catalog.numCandidates)) {
      throw new RecsysError('UNKNOWN_CANDIDATE', `candidate index ${index} is not in the model (0..${this.catalog.numCandidates - 1})`);
    }
    let history = this.catalog.items(index), weights = this.catalog.values(index), trainingHistory = index >= 0;
    if (query.history && query.history.length > 0) {
      const set = new Map<number, number>();
      history.forEach((j, t) => set.set(j, weights[t]!));
      const hw = query.historyWeights;
      if (hw && hw.length !== query.history.length) throw new RecsysError('INVALID_INPUT', `historyWeights has ${hw.length} entries for ${query.history.length} history items`);
      query.history.forEach((j, t) => {
        if (!Number.isInteger(j) || j < 0 || j >= this.numJobs) throw new RecsysError('INVALID_INPUT', `history job index ${j} is out of range`);
        const w = hw ? hw[t]! : 1;
        if (!(w >= 0) || !Number.isFinite(w)) throw new RecsysError('INVALID_INPUT', `history weight ${w} must be a finite number >= 0`);
        set.set(j, (set.get(j) ?? 0) + w);
      });
      const keys = [...set.keys()].sort((a, b) => a - b);
      history = Int32Array.from(keys); weights = Float32Array.from(keys.map((k) => set.get(k)!));
      trainingHistory = false;
    }
    return { index, history, weights, trainingHistory, features: query.features };
  }

  /** Scores for the given jobs (re-ranking); no filtering. */
  score(q: CandidateQuery | number, jobIds: readonly number[]): Float32Array {
    for (const j of jobIds) if (!Number.isInteger(j) || j < 0 || j >= this.numJobs) throw new RecsysError('INVALID_INPUT', `job index ${j} is out of range`);
    const all = new Float32Array(this.numJobs);
    this.scoreInto(this.resolve(q), all);
    return Float32Array.from(jobIds, (j) => all[j]!);
  }

  /** The top-k jobs after filters, best first, ties by smaller job index. */
  recommend(q: CandidateQuery | number, k: number, filters: RecommendFilters = {}): ScoredJob[] {
    const r = this.resolve(q);
    // scratch buffers are reused between calls (recommend is synchronous) to keep the per-call garbage small
    this.scratchScores ??= new Float32Array(this.numJobs);
    this.scoreInto(r, this.scratchScores);
    return topK(this.scratchScores, k, this.exclusionMask(r, filters, this.globalMask(filters)));
  }

  /** Recommend for many known candidates; the expiry mask is computed once. */
  recommendBatch(candidates: readonly number[], k: number, filters: RecommendFilters = {}, onProgress?: (done: number, total: number) => void): ScoredJob[][] {
    const global = this.globalMask(filters);
    const scores = new Float32Array(this.numJobs);
    const out: ScoredJob[][] = [];
    candidates.forEach((c, t) => {
      const r = this.resolve(c);
      this.scoreInto(r, scores);
      out.push(topK(scores, k, this.exclusionMask(r, filters, global)));
      if (onProgress && (t % 256 === 255 || t === candidates.length - 1)) onProgress(t + 1, candidates.length);
    });
    return out;
  }

  /**
   * Batch recommendation that may use vectorised scoring (TensorFlow.js matMul) for factor models; the same
   * results as recommendBatch up to float rounding. Other strategies fall back to recommendBatch.
   */
  async recommendMany(candidates: readonly number[], k: number, filters: RecommendFilters = {}, onProgress?: (done: number, total: number) => void): Promise<ScoredJob[][]> {
    const vecs = this.factorModel();
    if (!vecs) return this.recommendBatch(candidates, k, filters, onProgress);
    const { scoreBlocks } = await import('./batch-scoring.js');
    const d = vecs.dim, q = new Float32Array(candidates.length * d);
    const resolved = candidates.map((c, t) => { const r = this.resolve(c); q.set(vecs.query(r), t * d); return r; });
    const global = this.globalMask(filters);
    const out: ScoredJob[][] = new Array(candidates.length);
    await scoreBlocks(q, vecs.items, d, (first, count, scores) => {
      for (let t = 0; t < count; t++) {
        const r = resolved[first + t]!;
        out[first + t] = topK(scores.subarray(t * this.numJobs, (t + 1) * this.numJobs), k, this.exclusionMask(r, filters, global));
      }
      onProgress?.(first + count, candidates.length);
    });
    return out;
  }

  /** Factor models expose their query vector and item matrix (score = dot product) for vectorised batches. */
  protected factorModel(): { dim: number; items: Float32Array; query(r: ResolvedQuery): Float32Array } | null {
    return null;
  }

  /** Why `job` would be filtered out for this candidate under `filters`, or null if it would be kept. */
  explainFilter(q: CandidateQuery | number, job: number, filters: RecommendFilters = {}): string | null {
    const r = this.resolve(q);
    if (!Number.isInteger(job) || job < 0 || job >= this.numJobs) throw new RecsysError('INVALID_INPUT', `job index ${job} is out of range`);
    const now = filters.now ?? Date.now() / 1000;
    const jr = this.catalog.jobReason(job, now, this.preferencesFor(r, filters), filters.includeExpired ?? false);
    if (jr) return jr;
    if (contains(this.catalog.applied, r.index, job) || [...(filters.applied ?? [])].includes(job)) return 'candidate already applied to this job';
    if (contains(this.catalog.dismissed, r.index, job) || [...(filters.dismissed ?? [])].includes(job)) return 'candidate dismissed this job';
    if ((filters.excludeTraining ?? true) && r.history.includes(job)) return 'job is in the candidate\'s training interactions';
    return null;
  }

  serialize(): Buffer {
    const cat = this.catalog.export();
    const st = this.exportState();
    for (const k of Object.keys(st.arrays)) if (k.startsWith('cat.')) throw new Error(`state array ${k} uses the reserved cat. prefix`);
    const content: ArtifactContent = { strategy: this.strategy, params: this.params, meta: { catalog: cat.meta, model: st.meta }, arrays: { ...cat.arrays, ...st.arrays } };
    return encodeArtifact(content);
  }

  private preferencesFor(r: ResolvedQuery, f: RecommendFilters) {
    if (f.applyPreferences === false) return undefined;
    return f.preferences ?? r.features?.preferences ?? this.catalog.preferences.get(r.index);
  }

  private globalMask(f: RecommendFilters): Uint8Array | null {
    if (f.includeExpired) return null;
    const now = f.now ?? Date.now() / 1000;
    const m = new Uint8Array(this.numJobs);
    let any = false;
    const { closed, expiresAt } = this.catalog;
    for (let j = 0; j < m.length; j++) {
      const e = expiresAt[j]!;
      if (closed[j] || e <= now) { m[j] = 1; any = true; }
    }
    return any ? m : null;
  }

  private exclusionMask(r: ResolvedQuery, f: RecommendFilters, global: Uint8Array | null): Uint8Array {
    this.scratchMask ??= new Uint8Array(this.numJobs);
    const m = this.scratchMask;
    if (global) m.set(global); else m.fill(0);
    if (f.excludeTraining ?? true) for (const j of r.history) m[j] = 1;
    const mark = (csr: Catalog['applied']): void => {
      if (r.index < 0) return;
      for (let p = csr.offsets[r.index]!; p < csr.offsets[r.index + 1]!; p++) m[csr.items[p]!] = 1;
    };
    mark(this.catalog.applied); mark(this.catalog.dismissed);
    for (const j of f.applied ?? []) if (j >= 0 && j < m.length) m[j] = 1;
    for (const j of f.dismissed ?? []) if (j >= 0 && j < m.length) m[j] = 1;
    const prefs = this.preferencesFor(r, f);
    if (prefs) {
      const excluded = this.catalog.prefsExclude(prefs);
      for (let j = 0; j < m.length; j++) if (!m[j] && excluded(j)) m[j] = 1;
    }
    return m;
  }
}

function contains(csr: Catalog['applied'], u: number, j: number): boolean {
  if (u < 0) return false;
  for (let p = csr.offsets[u]!; p < csr.offsets[u + 1]!; p++) if (csr.items[p] === j) return true;
  return false;
}
