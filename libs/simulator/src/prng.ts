/**
 * Mulberry32 (Tommy Ettinger, 2017, public domain): a 32-bit state PRNG, fast and well known.
 * Not cryptographic; used for reproducible simulation only.
 */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next raw output, an unsigned 32-bit integer (the reference algorithm's return value). */
  nextUint32(): number {
    const z0 = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    let z = Math.imul(z0 ^ (z0 >>> 15), z0 | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [a, b). */
  range(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller; uses two draws, no caching so the stream position is predictable). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Index drawn proportionally to non-negative weights. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** k distinct items (partial Fisher–Yates on a copy). */
  sample<T>(items: readonly T[], k: number): T[] {
    const a = items.slice();
    const n = Math.min(k, a.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(a.length - i);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a.slice(0, n);
  }
}

/** FNV-1a 32-bit over a string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * An independent stream for one entity: `stream(seed, 'job', 17)` gives the same draws whatever else was
 * generated before, so output never depends on generation order or batch sizes.
 */
export function stream(seed: number, ...parts: Array<string | number>): Mulberry32 {
  const mixed = fnv1a(`${seed >>> 0}:${parts.join(':')}`);
  const rng = new Mulberry32(mixed);
  rng.nextUint32(); // decorrelate nearby hashes
  return new Mulberry32(rng.nextUint32() ^ mixed);
}
