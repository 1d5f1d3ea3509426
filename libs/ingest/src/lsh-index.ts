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

/** Jobs per signature page and links per link page: the index grows by adding pages, never by copying. */
const JOB_PAGE_BITS = 12;
const LINK_PAGE_BITS = 16;
/** Links per hash-table head before the table doubles: chains of ~4 (a lookup's extra steps are cheap key compares). */
const LOAD_FACTOR = 4;

/**
 * Memory per indexed job (the part of an import's state that grows with its size): the signature's low 16 bits
 * (256 bytes; two values that differ agree on their low 16 bits with probability 2^-16, which moves a Jaccard
 * estimate by < 0.00002), and per band a key and a chain link (the link's job is implicit: link l is band
 * l % bandCount of job ⌊l / bandCount⌋), 8 bytes × 32 bands, plus the hash-table heads (one per 2-4 links): about
 * 550 bytes per job (55 MB for 100,000 jobs; `bytes` says). This is the only part of an import's memory that grows
 * with the feed. Signatures and links live in fixed-size pages (1 MB of signatures, 256 KB per link array), so
 * growing adds a page instead of copying into an array twice the size (the replaced arrays stayed allocated until
 * the importing thread's next full GC: 2-3× the index). Only the heads table is re-allocated (doubling).
 * (Full 32-bit signatures and explicit links in doubling arrays took ~1.4 KB per job, ~2 KB with slack.)
 */
export class LshIndex {
  /** Companies whose stored jobs have been loaded into the index. */
  readonly companies = new Set<string>();
  private readonly companyIds = new Map<string, number>();
  private readonly jobs: IndexedJob[] = [];
  private jobCompany = new Int32Array(1024);
  private readonly signaturePages: Uint16Array[] = [];
  private heads = new Int32Array(1 << 16).fill(-1);
  private readonly nextPages: Int32Array[] = [];
  private readonly keyPages: Int32Array[] = [];
  private links = 0;

  constructor(
    private readonly signatureLength = 128,
    private readonly bandCount = 32,
  ) {}

  get size(): number {
    return this.jobs.length;
  }

  /** Bytes held in typed arrays (the per-job objects add ~100 bytes each on the heap). */
  get bytes(): number {
    const pages = (a: ArrayBufferView[]) => a.reduce((n, p) => n + p.byteLength, 0);
    return pages(this.signaturePages) + pages(this.nextPages) + pages(this.keyPages) + this.heads.byteLength + this.jobCompany.byteLength;
  }

  add(company: string, bands: ArrayLike<number>, job: IndexedJob, signature: ArrayLike<number>): void {
    if (signature.length !== this.signatureLength) throw new Error(`signature length ${signature.length}, expected ${this.signatureLength}`);
    if (bands.length !== this.bandCount) throw new Error(`${bands.length} bands, expected ${this.bandCount}`);
    let c = this.companyIds.get(company);
    if (c === undefined) this.companyIds.set(company, (c = this.companyIds.size));
    const j = this.jobs.length;
    if (j === this.jobCompany.length) this.jobCompany = grow(this.jobCompany, Math.ceil(j * 1.5));
    const page = j >>> JOB_PAGE_BITS;
    if (page === this.signaturePages.length) this.signaturePages.push(new Uint16Array((1 << JOB_PAGE_BITS) * this.signatureLength));
    this.jobs.push(job);
    this.jobCompany[j] = c;
    const sig = this.signaturePages[page]!;
    const base = (j & ((1 << JOB_PAGE_BITS) - 1)) * this.signatureLength;
    for (let i = 0; i < this.signatureLength; i++) sig[base + i] = signature[i]! & 0xffff;
    for (let b = 0; b < bands.length; b++) this.link(linkKey(c, bands[b]!));
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
    const low = (1 << LINK_PAGE_BITS) - 1;
    const tried = new Set<number>();
    let best = -1;
    for (let b = 0; b < bands.length; b++) {
      const key = linkKey(c, bands[b]!);
      for (let l = this.heads[key & mask]!; l !== -1; l = this.nextPages[l >>> LINK_PAGE_BITS]![l & low]!) {
        const j = Math.floor(l / this.bandCount);
        if (this.keyPages[l >>> LINK_PAGE_BITS]![l & low] !== key || this.jobCompany[j] !== c || tried.has(j)) continue;
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
    const sig = this.signaturePages[j >>> JOB_PAGE_BITS]!;
    const base = (j & ((1 << JOB_PAGE_BITS) - 1)) * n;
    let same = 0;
    for (let i = 0; i < n; i++) if (sig[base + i] === (signature[i]! & 0xffff)) same++;
    return same / n;
  }

  private link(key: number): void {
    const l = this.links;
    const page = l >>> LINK_PAGE_BITS;
    if (page === this.nextPages.length) {
      this.nextPages.push(new Int32Array(1 << LINK_PAGE_BITS));
      this.keyPages.push(new Int32Array(1 << LINK_PAGE_BITS));
    }
    if (l >= this.heads.length * LOAD_FACTOR) this.rehash(this.heads.length * 2);
    this.links++;
    const at = l & ((1 << LINK_PAGE_BITS) - 1);
    const slot = key & (this.heads.length - 1);
    this.keyPages[page]![at] = key;
    this.nextPages[page]![at] = this.heads[slot]!;
    this.heads[slot] = l;
  }

  private rehash(size: number): void {
    this.heads = new Int32Array(size).fill(-1);
    const mask = size - 1;
    const low = (1 << LINK_PAGE_BITS) - 1;
    for (let l = 0; l < this.links; l++) {
      const page = l >>> LINK_PAGE_BITS;
      const slot = this.keyPages[page]![l & low]! & mask;
      this.nextPages[page]![l & low] = this.heads[slot]!;
      this.heads[slot] = l;
    }
  }
}

function grow(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
