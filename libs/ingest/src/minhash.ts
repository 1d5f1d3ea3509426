/**
 * MinHash signatures over word shingles and LSH banding, for near-duplicate detection.
 * Pure code, no I/O. A signature has `numPerm` 32-bit values; two signatures agree at a position with
 * probability equal to the Jaccard similarity of their shingle sets.
 */

export interface MinHashOptions {
  /** Number of hash permutations (signature length). */
  numPerm: number;
  /** Words per shingle. */
  shingleSize: number;
  /** LSH bands (numPerm must be divisible by bands). */
  bands: number;
}

/** 128 permutations, 3-word shingles, 32 bands of 4 rows: a pair at Jaccard 0.8 shares a band with p ≈ 1 - (1-0.8^4)^32 > 0.9999. */
export const DEFAULT_MINHASH: MinHashOptions = { numPerm: 128, shingleSize: 3, bands: 32 };

/** Jaccard estimate at or above which two postings of the same company are near-duplicates. */
export const NEAR_DUPLICATE_THRESHOLD = 0.8;

const MAX32 = 0xffffffff;

/** Deterministic (a, b) coefficients from a fixed seed (splitmix32), so signatures are stable across runs. */
function coefficients(n: number): Array<[number, number]> {
  let s = 0x9e3779b9;
  const next = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return Array.from({ length: n }, () => [(next() | 1) >>> 0, next()] as [number, number]);
}
const coeffCache = new Map<number, { a: Uint32Array; b: Uint32Array }>();
function coeffArrays(n: number): { a: Uint32Array; b: Uint32Array } {
  let c = coeffCache.get(n);
  if (!c) {
    const pairs = coefficients(n);
    c = { a: Uint32Array.from(pairs.map((p) => p[0])), b: Uint32Array.from(pairs.map((p) => p[1])) };
    coeffCache.set(n, c);
  }
  return c;
}

/** FNV-1a 32-bit hash of a string. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Word shingles (k consecutive words) of already-normalised text; texts shorter than k give one shingle. */
export function shingles(text: string, k = DEFAULT_MINHASH.shingleSize): Set<string> {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const out = new Set<string>();
  if (words.length === 0) return out;
  if (words.length < k) {
    out.add(words.join(' '));
    return out;
  }
  for (let i = 0; i + k <= words.length; i++) out.add(words.slice(i, i + k).join(' '));
  return out;
}

/**
 * MinHash signature of a shingle set (all 0xffffffff for the empty set). The i-th hash of a shingle is
 * a multiply-add mod 2^32 of its FNV-1a hash followed by a murmur-style finaliser (fast, well mixed).
 */
export function minhashSignature(items: Iterable<string>, numPerm = DEFAULT_MINHASH.numPerm): number[] {
  const { a, b } = coeffArrays(numPerm);
  const sig = new Uint32Array(numPerm).fill(MAX32);
  for (const item of items) {
    const x = fnv1a(item);
    for (let i = 0; i < numPerm; i++) {
      let v = (Math.imul(a[i]!, x) + b[i]!) | 0;
      v = Math.imul(v ^ (v >>> 16), 0x85ebca6b);
      v = Math.imul(v ^ (v >>> 13), 0xc2b2ae35);
      v = (v ^ (v >>> 16)) >>> 0;
      if (v < sig[i]!) sig[i] = v;
    }
  }
  return Array.from(sig);
}

/** Estimated Jaccard similarity: the share of positions where the signatures agree. */
export function estimateJaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new Error('signatures must have the same, non-zero length');
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Exact Jaccard similarity of two sets (for tests and reporting). */
export function jaccard<T>(a: Set<T>, b: Set<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * LSH band keys: one signed 53-bit-safe integer per band, mixing the band index into the hash so equal
 * rows in different bands never collide. Stored in jobs.lsh_bands (bigint[], GIN-indexed).
 */
export function lshBands(signature: readonly number[], bands = DEFAULT_MINHASH.bands): number[] {
  if (signature.length % bands !== 0) throw new Error(`signature length ${signature.length} is not divisible by ${bands} bands`);
  const rows = signature.length / bands;
  const out: number[] = [];
  for (let band = 0; band < bands; band++) {
    let h1 = 0x811c9dc5 ^ band;
    let h2 = 0x01000193 + band;
    for (let r = 0; r < rows; r++) {
      const v = signature[band * rows + r]!;
      h1 = Math.imul(h1 ^ v, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ (v >>> 7), 0x5bd1e995) >>> 0;
    }
    // 21 high bits from h2 + 32 bits from h1 = 53 bits, exactly representable as a JS number and a bigint.
    out.push((h2 & 0x1fffff) * 4294967296 + h1);
  }
  return out;
}

/** Signature + band keys of a text, with the default options. */
export function textMinhash(text: string, opts: MinHashOptions = DEFAULT_MINHASH): { signature: number[]; bands: number[] } {
  const signature = minhashSignature(shingles(text, opts.shingleSize), opts.numPerm);
  return { signature, bands: lshBands(signature, opts.bands) };
}
