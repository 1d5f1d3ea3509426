import { hash32, skillKey, tokenize } from '@app/recsys';
import type { SparseVector, VocabularyData } from './definitions/types.js';

/**
 * Feature-engineering building blocks used by the built-in views (and available to custom ones).
 * Pure functions; tokenising, skill keys and hashing are the recommender's (libs/recsys/src/text.ts).
 */

export { tokenize, skillKey };

/** One-hot over a small, fixed vocabulary: `{ <prefix>_<category>: 0 | 1 }`; an unknown value is all zeros. */
export function oneHot(value: string | null | undefined, vocabulary: readonly string[], prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of vocabulary) out[`${prefix}_${c}`] = value === c ? 1 : 0;
  return out;
}

/** Hashing trick for large vocabularies (titles, companies): a stable bucket in [0, buckets). Null stays null. */
export function hashBucket(value: string | null | undefined, buckets: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return hash32(value.trim().toLowerCase()) % buckets;
}

/** Interaction feature: the hashed cross of two categoricals (e.g. title × location). */
export function crossBucket(a: string | null | undefined, b: string | null | undefined, buckets: number): number | null {
  if (!a || !b) return null;
  return hashBucket(`${a.trim().toLowerCase()}\u0001${b.trim().toLowerCase()}`, buckets);
}

export function log1p(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) || x < 0 ? null : Math.log1p(x);
}

/** Mean and (population) standard deviation of the non-null values; z(x) = (x − mean) / std (0 when std = 0). */
export function standardiser(values: ReadonlyArray<number | null | undefined>): { mean: number; std: number; z(x: number | null | undefined): number | null } {
  let n = 0, sum = 0, sq = 0;
  for (const v of values) if (v !== null && v !== undefined && Number.isFinite(v)) { n++; sum += v; sq += v * v; }
  const mean = n ? sum / n : 0;
  const std = n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0;
  return { mean, std, z: (x) => (x === null || x === undefined || !Number.isFinite(x) ? null : std > 0 ? (x - mean) / std : 0) };
}

/** Bin index for ascending edges: 0 below edges[0], k for edges[k-1] <= x < edges[k], edges.length at or above the last. */
export function bin(x: number | null | undefined, edges: readonly number[]): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  let k = 0;
  while (k < edges.length && x >= edges[k]!) k++;
  return k;
}

/**
 * Bayesian (beta-prior) smoothed rate: (successes + strength·prior) / (trials + strength). With few trials it
 * stays near the population prior; with many it approaches the raw rate.
 */
export function smoothedRate(successes: number, trials: number, prior: number, strength: number): number {
  return (successes + strength * prior) / (trials + strength);
}

/** 0 = Sunday … 6 = Saturday, in UTC. */
export function dayOfWeek(d: Date): number {
  return d.getUTCDay();
}

export function daysBetween(from: Date | null | undefined, to: Date): number | null {
  if (!from) return null;
  return (to.getTime() - from.getTime()) / 86_400_000;
}

/** Vocabulary over tokenised documents: terms with df >= minDf, the maxTerms most frequent (ties by term). */
export function fitVocabulary(docs: ReadonlyArray<readonly string[]>, opts: { minDf?: number; maxTerms?: number } = {}): VocabularyData {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const terms = [...df].filter(([, c]) => c >= (opts.minDf ?? 2)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, opts.maxTerms ?? 20000);
  return { terms: terms.map((t) => t[0]), df: terms.map((t) => t[1]), docs: docs.length };
}

/** Smoothed IDF, as in the content recommender: ln((1 + n) / (1 + df)) + 1. */
export function idfOf(v: VocabularyData): Float64Array {
  return Float64Array.from(v.df, (d) => Math.log((1 + v.docs) / (1 + d)) + 1);
}

/**
 * Sublinear TF-IDF ((1 + ln tf) · idf), the `topK` heaviest terms kept, L2-normalised, indices ascending,
 * weights rounded to 4 decimals (stored compactly).
 */
export function tfidfVector(tokens: readonly string[], index: ReadonlyMap<string, number>, idf: Float64Array, vocabularyVersion: number, topK = 64): SparseVector {
  const tf = new Map<number, number>();
  for (const t of tokens) {
    const i = index.get(t);
    if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
  }
  let entries = [...tf].map(([i, c]) => [i, (1 + Math.log(c)) * idf[i]!] as [number, number]);
  if (entries.length > topK) entries = entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, topK);
  const norm = Math.sqrt(entries.reduce((s, e) => s + e[1] * e[1], 0));
  entries.sort((a, b) => a[0] - b[0]);
  return { v: vocabularyVersion, i: entries.map((e) => e[0]), x: entries.map((e) => (norm > 0 ? Math.round((e[1] / norm) * 1e4) / 1e4 : 0)) };
}

/** Cosine of two sparse vectors with ascending indices (0 when either is empty or the vocabularies differ). */
export function sparseCosine(a: SparseVector | null | undefined, b: SparseVector | null | undefined): number {
  if (!a || !b || a.v !== b.v) return 0;
  let p = 0, q = 0, dot = 0, na = 0, nb = 0;
  for (const x of a.x) na += x * x;
  for (const x of b.x) nb += x * x;
  while (p < a.i.length && q < b.i.length) {
    if (a.i[p] === b.i[q]) dot += a.x[p++]! * b.x[q++]!;
    else if (a.i[p]! < b.i[q]!) p++;
    else q++;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Skill relevance: the share of the job's skill rarity mass the candidate covers,
 * Σ_{s ∈ C ∩ J} idf(s) / Σ_{s ∈ J} idf(s), with idf(s) = ln((1 + n) / (1 + df(s))) + 1 over postings.
 * Null when the job lists no skills.
 */
export function skillRelevance(candidateSkills: readonly string[], jobSkills: readonly string[], skillIdf: (skill: string) => number): number | null {
  const job = [...new Set(jobSkills.map(skillKey))];
  if (job.length === 0) return null;
  const cand = new Set(candidateSkills.map(skillKey));
  let covered = 0, total = 0;
  for (const s of job) {
    const w = skillIdf(s);
    total += w;
    if (cand.has(s)) covered += w;
  }
  return total > 0 ? covered / total : null;
}
