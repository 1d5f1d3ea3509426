/**
 * MurmurHash3 x86_32 (Austin Appleby, public domain; the reference is MurmurHash3_x86_32 in SMHasher).
 *
 * Input is the UTF-8 encoding of the string, so any client (Python `mmh3.hash(s, seed, signed=False)`,
 * Java Guava `murmur3_32_fixed`, Go `spaolacci/murmur3.Sum32WithSeed`) reproduces it bit for bit.
 * Pure ASCII strings (ids, keys) are hashed straight from their char codes without allocating.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const encoder = new TextEncoder();

export function murmur3_32(input: string, seed = 0): number {
  const len = input.length;
  for (let i = 0; i < len; i++) {
    if (input.charCodeAt(i) > 0x7f) return murmur3_32Bytes(encoder.encode(input), seed);
  }
  let h = seed >>> 0;
  const tail = len & ~3;
  let i = 0;
  for (; i < tail; i += 4) {
    let k = (input.charCodeAt(i) | (input.charCodeAt(i + 1) << 8) | (input.charCodeAt(i + 2) << 16) | (input.charCodeAt(i + 3) << 24)) >>> 0;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = len & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= input.charCodeAt(i + 2) << 16;
    if (rest >= 2) k ^= input.charCodeAt(i + 1) << 8;
    k ^= input.charCodeAt(i);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  return fmix(h ^ len);
}

export function murmur3_32Bytes(bytes: Uint8Array, seed = 0): number {
  const len = bytes.length;
  let h = seed >>> 0;
  const tail = len & ~3;
  let i = 0;
  for (; i < tail; i += 4) {
    let k = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = len & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[i + 2]! << 16;
    if (rest >= 2) k ^= bytes[i + 1]! << 8;
    k ^= bytes[i]!;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  return fmix(h ^ len);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
