import type { RankJob } from './types.js';
import type { SimilarityFeature } from './config.js';

const STOP = new Set(['and', 'of', 'the', 'for', 'in', 'at', 'with', 'to', 'a', 'an', 'm', 'f', 'w', 'd', 'x', 'h']);

/** Lower-cased title words (accents stripped, punctuation as separators, gender markers and stop words dropped). */
export function titleTokens(title: string): string[] {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9+#]+/)
    .filter((t) => t.length > 1 && !STOP.has(t));
}

export function skillKey(s: string): string {
  return s.trim().toLowerCase();
}

/** The token set a job is compared by: skills (prefixed s:) and title words (t:). */
export function jobTokens(job: RankJob, features: readonly SimilarityFeature[] = ['skills', 'title']): Set<string> {
  const key = features.join(',');
  let cached = tokenCache.get(job);
  const hit = cached?.get(key);
  if (hit) return hit;
  if (!cached) tokenCache.set(job, (cached = new Map()));
  const out = new Set<string>();
  cached.set(key, out);
  if (features.includes('skills')) for (const s of job.skills) out.add(`s:${skillKey(s)}`);
  if (features.includes('title')) for (const t of titleTokens(job.title)) out.add(`t:${t}`);
  return out;
}

/** Token sets per job object (jobs shared between requests, e.g. an alert window, are tokenised once). */
const tokenCache = new WeakMap<RankJob, Map<string, Set<string>>>();

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (big.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * The same token set as sorted integer ids (tokens interned once per process), for the diversity stage's many
 * pairwise comparisons: a merge over two short sorted arrays instead of string-hash lookups.
 */
export function jobTokenIds(job: RankJob, features: readonly SimilarityFeature[] = ['skills', 'title']): Uint32Array {
  if (tokenIds.size > MAX_INTERNED) { tokenIds.clear(); generation++; } // a new numbering: every cached array is stale
  const key = `${generation}|${features.join(',')}`;
  let cached = idCache.get(job);
  const hit = cached?.get(key);
  if (hit) return hit;
  if (!cached) idCache.set(job, (cached = new Map()));
  const ids = Uint32Array.from([...jobTokens(job, features)].map((t) => {
    let id = tokenIds.get(t);
    if (id === undefined) tokenIds.set(t, (id = tokenIds.size));
    return id;
  })).sort();
  cached.set(key, ids);
  return ids;
}

const MAX_INTERNED = 1_000_000;
let generation = 0;
const tokenIds = new Map<string, number>();
const idCache = new WeakMap<RankJob, Map<string, Uint32Array>>();

/** Jaccard similarity of two sorted id arrays (as {@link jaccard} on the token sets). */
export function jaccardIds(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 0;
  let i = 0, j = 0, inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!, y = b[j]!;
    if (x === y) { inter++; i++; j++; } else if (x < y) i++; else j++;
  }
  return inter / (a.length + b.length - inter);
}
