/**
 * MinHash signatures over word shingles and LSH banding, for near-duplicate detection.
 * Pure code, no I/O. A signature has `numPerm` (bins) 32-bit values; two signatures agree at a position with
 * probability equal to the Jaccard similarity of their shingle sets.
 *
 * Signatures use one-permutation hashing with optimal densification (Li, Owen & Zhang 2012; Shrivastava 2017):
 * each shingle is hashed once, the hash picks one of `numPerm` bins and the bin keeps its smallest value;
 * an empty bin copies the value of the first non-empty bin on its own fixed pseudo-random probe sequence.
 * The estimator and the LSH collision probability are those of classic k-permutation MinHash, at
 * O(shingles + bins) cost instead of O(shingles × permutations).
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

/** murmur3's 32-bit finaliser: spreads FNV-1a's weak low bits over the whole word. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
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

/** MinHash signature of a shingle set (all 0xffffffff for the empty set). */
export function minhashSignature(items: Iterable<string>, numPerm = DEFAULT_MINHASH.numPerm): number[] {
  const hashes = new Set<number>();
  for (const item of items) hashes.add(fnv1a(item));
  return signatureOfHashes(hashes, numPerm);
}

/**
 * One-permutation hashing: bin = hash mod numPerm, value = hash / numPerm (smallest per bin), then optimal
 * densification. The probe sequence of an empty bin depends only on (bin, attempt), so two sets fill the
 * same empty bin from the same source bin whenever that bin is non-empty in both: agreement stays ~ Jaccard.
 */
function signatureOfHashes(hashes: Iterable<number>, numPerm: number): number[] {
  const sig = new Uint32Array(numPerm).fill(MAX32);
  let filled = 0;
  for (const x of hashes) {
    const h = fmix32(x);
    const bin = h % numPerm;
    const v = (h - bin) / numPerm;
    if (sig[bin] === MAX32) filled++;
    if (v < sig[bin]!) sig[bin] = v;
  }
  if (filled === 0 || filled === numPerm) return Array.from(sig);
  const out = Array.from(sig);
  const probes = probeTable(numPerm);
  for (let bin = 0; bin < numPerm; bin++) {
    if (sig[bin] !== MAX32) continue;
    for (let attempt = 1; ; attempt++) {
      const source = attempt <= PROBES ? probes[bin * PROBES + attempt - 1]! : probe(bin, attempt, numPerm);
      if (sig[source] !== MAX32) {
        out[bin] = sig[source]!;
        break;
      }
    }
  }
  return out;
}

/** The attempt-th bin an empty bin copies from (fixed for all sets: that is what keeps agreement ~ Jaccard). */
const probe = (bin: number, attempt: number, numPerm: number) => fmix32(Math.imul(bin + 1, 0x9e3779b1) ^ Math.imul(attempt, 0x85ebca77)) % numPerm;
/** The first PROBES probes of every bin, precomputed: short texts leave most bins empty. */
const PROBES = 32;
const probeTables = new Map<number, Uint16Array>();
function probeTable(numPerm: number): Uint16Array {
  let t = probeTables.get(numPerm);
  if (!t) {
    t = new Uint16Array(numPerm * PROBES);
    for (let bin = 0; bin < numPerm; bin++) for (let a = 1; a <= PROBES; a++) t[bin * PROBES + a - 1] = probe(bin, a, numPerm);
    probeTables.set(numPerm, t);
  }
  return t;
}

/** FNV-1a continued over `text` from state `h` (so fnv1a("a b") = continue(continue(continue(basis, "a"), " "), "b")). */
function fnvContinue(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/**
 * The FNV-1a hashes of a text's word shingles, without building the shingle strings: equal to
 * `new Set([...shingles(text, k)].map(fnv1a))`, so signatures match minhashSignature(shingles(text)).
 */
function shingleHashes(text: string, k: number): Set<number> {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const out = new Set<number>();
  if (words.length === 0) return out;
  const n = words.length < k ? 1 : words.length - k + 1;
  const width = Math.min(k, words.length);
  for (let i = 0; i < n; i++) {
    let h = fnvContinue(0x811c9dc5, words[i]!);
    for (let j = 1; j < width; j++) h = fnvContinue(Math.imul(h ^ 0x20, 0x01000193), words[i + j]!);
    out.add(h >>> 0);
  }
  return out;
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
 * rows in different bands never collide. Recomputed from the stored signature when an import loads a company's jobs.
 */
export function lshBands(signature: ArrayLike<number>, bands = DEFAULT_MINHASH.bands): number[] {
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
  const signature = signatureOfHashes(shingleHashes(text, opts.shingleSize), opts.numPerm);
  return { signature, bands: lshBands(signature, opts.bands) };
}
