/**
 * The import run's in-memory LSH index over MinHash signatures, for near-duplicate detection within one
 * company. Pure code, no I/O. Signatures and band links live in typed arrays (one growable pool each) rather
 * than millions of small objects: 100k jobs × 32 bands would otherwise keep the garbage collector busy.
 */
import { NEAR_DUPLICATE_THRESHOLD } from './minhash.js';

/** A job other rows may be near-duplicates of: stored (id) or written earlier in this run (no id yet). */
export interface IndexedJob {
  id?: string;
  source: string;
  external_id: string;
}

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** 32-bit key of (company, band); a collision only adds a candidate that the signature comparison rejects. */
function linkKey(company: number, band: number): number {
  const low = band % 4294967296;
  const high = (band - low) / 4294967296;
  return fmix32(low ^ Math.imul(high | 0, 0x85ebca6b) ^ Math.imul(company + 1, 0x9e3779b1)) | 0;
}

export class LshIndex {
  /** Companies whose stored jobs have been loaded into the index. */
  readonly companies = new Set<string>();
  private readonly companyIds = new Map<string, number>();
  private readonly jobs: IndexedJob[] = [];
  private jobCompany = new Int32Array(1024);
  private signatures: Uint32Array;
  private heads = new Int32Array(1 << 16).fill(-1);
  private linkNext = new Int32Array(1 << 15);
  private linkJob = new Int32Array(1 << 15);
  private linkKeys = new Int32Array(1 << 15);
  private links = 0;

  constructor(private readonly signatureLength = 128) {
    this.signatures = new Uint32Array(1024 * signatureLength);
  }

  get size(): number {
    return this.jobs.length;
  }

  add(company: string, bands: ArrayLike<number>, job: IndexedJob, signature: ArrayLike<number>): void {
    if (signature.length !== this.signatureLength) throw new Error(`signature length ${signature.length}, expected ${this.signatureLength}`);
    let c = this.companyIds.get(company);
    if (c === undefined) this.companyIds.set(company, (c = this.companyIds.size));
    const j = this.jobs.length;
    if (j === this.jobCompany.length) {
      this.jobCompany = grow(this.jobCompany, j * 2);
      const sig = new Uint32Array(j * 2 * this.signatureLength);
      sig.set(this.signatures);
      this.signatures = sig;
    }
    this.jobs.push(job);
    this.jobCompany[j] = c;
    this.signatures.set(signature, j * this.signatureLength);
    for (let b = 0; b < bands.length; b++) this.link(linkKey(c, bands[b]!), j);
  }

  /**
   * The earliest-added job of the same company sharing a band whose estimated Jaccard similarity is >= the
   * threshold. A company's stored jobs are added in id order before any row of the run, so "earliest added"
   * is the stored job with the smallest id, else the run's first such row: the same answer on a re-import.
   */
  find(company: string, bands: ArrayLike<number>, signature: ArrayLike<number>, isSelf: (job: IndexedJob) => boolean): IndexedJob | null {
    const c = this.companyIds.get(company);
    if (c === undefined) return null;
    const mask = this.heads.length - 1;
    const tried = new Set<number>();
    let best = -1;
    for (let b = 0; b < bands.length; b++) {
      const key = linkKey(c, bands[b]!);
      for (let l = this.heads[key & mask]!; l !== -1; l = this.linkNext[l]!) {
        const j = this.linkJob[l]!;
        if (this.linkKeys[l] !== key || this.jobCompany[j] !== c || tried.has(j)) continue;
        tried.add(j);
        if (best !== -1 && j > best) continue;
        if (isSelf(this.jobs[j]!) || this.similarity(j, signature) < NEAR_DUPLICATE_THRESHOLD) continue;
        best = j;
      }
    }
    return best === -1 ? null : this.jobs[best]!;
  }

  private similarity(j: number, signature: ArrayLike<number>): number {
    const n = this.signatureLength;
    const base = j * n;
    let same = 0;
    for (let i = 0; i < n; i++) if (this.signatures[base + i] === signature[i]) same++;
    return same / n;
  }

  private link(key: number, job: number): void {
    if (this.links === this.linkNext.length) {
      const n = this.links * 2;
      this.linkNext = grow(this.linkNext, n);
      this.linkJob = grow(this.linkJob, n);
      this.linkKeys = grow(this.linkKeys, n);
    }
    if (this.links * 2 >= this.heads.length) this.rehash(this.heads.length * 2);
    const l = this.links++;
    const slot = key & (this.heads.length - 1);
    this.linkKeys[l] = key;
    this.linkJob[l] = job;
    this.linkNext[l] = this.heads[slot]!;
    this.heads[slot] = l;
  }

  private rehash(size: number): void {
    this.heads = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let l = 0; l < this.links; l++) {
      const slot = this.linkKeys[l]! & mask;
      this.linkNext[l] = this.heads[slot]!;
      this.heads[slot] = l;
    }
  }
}

function grow(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
