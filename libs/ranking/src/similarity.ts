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
