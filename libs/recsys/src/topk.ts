import type { ScoredJob } from './types.js';

/**
 * The k best entries of `scores` (higher first; equal scores ordered by smaller index), skipping
 * entries with `excluded[j] !== 0` and non-finite scores. A bounded min-heap: O(n log k).
 */
export function topK(scores: Float32Array | Float64Array, k: number, excluded?: Uint8Array): ScoredJob[] {
  const n = scores.length;
  if (k <= 0) return [];
  const hs = new Float64Array(k);
  const hi = new Int32Array(k);
  let size = 0;
  // heap root = worst kept entry: lowest score, then largest index
  const worse = (a: number, b: number): boolean => hs[a]! < hs[b]! || (hs[a] === hs[b] && hi[a]! > hi[b]!);
  const swap = (a: number, b: number): void => {
    const s = hs[a]!; hs[a] = hs[b]!; hs[b] = s;
    const i = hi[a]!; hi[a] = hi[b]!; hi[b] = i;
  };
  for (let j = 0; j < n; j++) {
    if (excluded !== undefined && excluded[j] !== 0) continue;
    const s = scores[j]!;
    if (!(s > -Infinity) || s === Infinity) continue;
    if (size < k) {
      hs[size] = s; hi[size] = j;
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (worse(c, p)) { swap(c, p); c = p; } else break;
      }
    } else if (s > hs[0]! || (s === hs[0] && j < hi[0]!)) {
      hs[0] = s; hi[0] = j;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1, r = l + 1;
        let m = p;
        if (l < size && worse(l, m)) m = l;
        if (r < size && worse(r, m)) m = r;
        if (m === p) break;
        swap(m, p); p = m;
      }
    }
  }
  const out: ScoredJob[] = [];
  for (let i = 0; i < size; i++) out.push({ job: hi[i]!, score: hs[i]! });
  out.sort((a, b) => b.score - a.score || a.job - b.job);
  return out;
}
