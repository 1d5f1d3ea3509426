import { RecsysError } from './recsys.errors.js';
import type { CandidateFeatures, CandidatePreferences, EmploymentType, JobFeatures, Location, TrainingSnapshot } from './types.js';
import type { TypedArray } from './artifact.js';

/** CSR rows: row r owns items[offsets[r] .. offsets[r+1]). */
export interface Csr {
  offsets: Int32Array;
  items: Int32Array;
  values: Float32Array;
}

interface JobFilterInfo {
  country?: string;
  city?: string;
  employmentType?: EmploymentType;
}

/**
 * What every strategy keeps besides its model: the catalogue size, each candidate's positive training
 * items (aggregated weights), applied/dismissed jobs, the job fields filters need and candidates' preferences.
 */
export class Catalog {
  constructor(
    readonly numCandidates: number,
    readonly numJobs: number,
    /** Positive feedback per candidate, items sorted ascending, weights summed. */
    readonly train: Csr,
    readonly applied: Csr,
    readonly dismissed: Csr,
    /** NaN = never expires. */
    readonly expiresAt: Float64Array,
    readonly closed: Uint8Array,
    readonly remote: Uint8Array,
    /** Best salary the job offers (max, else min); NaN = unknown. */
    readonly salary: Float64Array,
    readonly jobInfo: (JobFilterInfo | null)[],
    readonly preferences: Map<number, CandidatePreferences>,
    readonly jobIds: string[] | null,
    readonly candidateIds: string[] | null,
  ) {}

  static fromSnapshot(s: TrainingSnapshot): Catalog {
    const { numCandidates: nu, numJobs: ni, interactions: x } = s;
    if (!Number.isInteger(nu) || nu < 0 || !Number.isInteger(ni) || ni < 0) throw new RecsysError('INVALID_INPUT', 'numCandidates and numJobs must be non-negative integers');
    const n = x.candidate.length;
    if (x.job.length !== n || x.weight.length !== n || x.time.length !== n || (x.type && x.type.length !== n)) {
      throw new RecsysError('INVALID_INPUT', 'interaction arrays (candidate, job, weight, time, type) must have the same length');
    }
    if (s.jobs && s.jobs.length !== ni) throw new RecsysError('INVALID_INPUT', `jobs has ${s.jobs.length} entries, numJobs is ${ni}`);
    if (s.candidates && s.candidates.length !== nu) throw new RecsysError('INVALID_INPUT', `candidates has ${s.candidates.length} entries, numCandidates is ${nu}`);
    for (let r = 0; r < n; r++) {
      const u = x.candidate[r]!, i = x.job[r]!;
      if (u < 0 || u >= nu) throw new RecsysError('INVALID_INPUT', `interaction ${r}: candidate index ${u} out of range [0, ${nu})`);
      if (i < 0 || i >= ni) throw new RecsysError('INVALID_INPUT', `interaction ${r}: job index ${i} out of range [0, ${ni})`);
    }
    const positive = (r: number): boolean => {
      const t = x.type?.[r];
      return t !== 'dismiss' && x.weight[r]! > 0;
    };
    const train = buildCsr(nu, n, positive, x.candidate, x.job, x.weight);
    if (train.items.length === 0) throw new RecsysError('EMPTY_TRAINING_SET', 'the training snapshot has no positive interactions');
    const applied = buildCsr(nu, n, (r) => x.type?.[r] === 'apply', x.candidate, x.job, x.weight);
    const dismissed = buildCsr(nu, n, (r) => x.type?.[r] === 'dismiss', x.candidate, x.job, x.weight);
    const expiresAt = new Float64Array(ni).fill(NaN);
    const closed = new Uint8Array(ni), remote = new Uint8Array(ni);
    const salary = new Float64Array(ni).fill(NaN);
    const jobInfo: (JobFilterInfo | null)[] = new Array(ni).fill(null);
    s.jobs?.forEach((j: JobFeatures, idx) => {
      if (j.expiresAt !== undefined) expiresAt[idx] = j.expiresAt;
      if (j.closed) closed[idx] = 1;
      if (j.remote) remote[idx] = 1;
      const sal = j.salaryMax ?? j.salaryMin;
      if (sal !== undefined) salary[idx] = sal;
      if (j.location || j.employmentType) {
        jobInfo[idx] = { country: norm(j.location?.country), city: norm(j.location?.city), employmentType: j.employmentType };
      }
    });
    const preferences = new Map<number, CandidatePreferences>();
    s.candidates?.forEach((c: CandidateFeatures, idx) => { if (c.preferences) preferences.set(idx, c.preferences); });
    return new Catalog(nu, ni, train, applied, dismissed, expiresAt, closed, remote, salary, jobInfo, preferences,
      s.jobs ? s.jobs.map((j) => j.id) : null, s.candidates ? s.candidates.map((c) => c.id) : null);
  }

  /** Training items of a candidate (empty for unknown / cold candidates). */
  items(u: number): Int32Array {
    if (u < 0 || u >= this.numCandidates) return new Int32Array(0);
    return this.train.items.subarray(this.train.offsets[u]!, this.train.offsets[u + 1]!);
  }
  values(u: number): Float32Array {
    if (u < 0 || u >= this.numCandidates) return new Float32Array(0);
    return this.train.values.subarray(this.train.offsets[u]!, this.train.offsets[u + 1]!);
  }

  /** Item-major copy of the training matrix (users per item). */
  transpose(): Csr {
    return transposeCsr(this.train, this.numJobs);
  }

  /** Why job `j` is filtered for candidate `u` under the expiry/prefs rules (not the history rules), or null. */
  jobReason(j: number, now: number, prefs: CandidatePreferences | undefined, includeExpired: boolean): string | null {
    if (!includeExpired) {
      if (this.closed[j]) return 'job is closed';
      const e = this.expiresAt[j]!;
      if (!Number.isNaN(e) && e <= now) return `job expired at ${new Date(e * 1000).toISOString()}`;
    }
    if (!prefs) return null;
    const info = this.jobInfo[j];
    const isRemote = this.remote[j] === 1;
    if (prefs.remoteOnly && !isRemote) return 'candidate wants remote jobs only; job is not remote';
    if (prefs.location && !isRemote && !prefs.remoteOnly) {
      const wantCountry = norm(prefs.location.country), wantCity = norm(prefs.location.city);
      if (wantCountry && info?.country && info.country !== wantCountry) return `job is in country ${info.country}, candidate wants ${wantCountry}`;
      if (wantCity && info?.city && info.city !== wantCity) return `job is in city ${info.city}, candidate wants ${wantCity}`;
    }
    if (prefs.minSalary !== undefined) {
      const sal = this.salary[j]!;
      if (!Number.isNaN(sal) && sal < prefs.minSalary) return `job pays at most ${sal}, below the candidate's minimum ${prefs.minSalary}`;
    }
    if (prefs.employmentTypes && prefs.employmentTypes.length > 0 && info?.employmentType && !prefs.employmentTypes.includes(info.employmentType)) {
      return `employment type ${info.employmentType} is not one of ${prefs.employmentTypes.join(', ')}`;
    }
    return null;
  }

  /**
   * The preference part of jobReason as a predicate (true = excluded), with the wanted values normalised once: the
   * serving path tests every job of the catalogue per request, so it must not build messages or re-normalise.
   */
  prefsExclude(prefs: CandidatePreferences): (j: number) => boolean {
    const wantCountry = norm(prefs.location?.country), wantCity = norm(prefs.location?.city);
    const byLocation = !!prefs.location && !prefs.remoteOnly && (wantCountry !== undefined || wantCity !== undefined);
    const minSalary = prefs.minSalary, types = prefs.employmentTypes && prefs.employmentTypes.length > 0 ? prefs.employmentTypes : null;
    return (j) => {
      const isRemote = this.remote[j] === 1;
      if (prefs.remoteOnly && !isRemote) return true;
      const info = this.jobInfo[j];
      if (byLocation && !isRemote && info) {
        if (wantCountry && info.country && info.country !== wantCountry) return true;
        if (wantCity && info.city && info.city !== wantCity) return true;
      }
      if (minSalary !== undefined) {
        const sal = this.salary[j]!;
        if (!Number.isNaN(sal) && sal < minSalary) return true;
      }
      return !!(types && info?.employmentType && !types.includes(info.employmentType));
    };
  }

  export(): { meta: Record<string, unknown>; arrays: Record<string, TypedArray> } {
    return {
      meta: {
        numCandidates: this.numCandidates, numJobs: this.numJobs, jobInfo: this.jobInfo,
        preferences: [...this.preferences.entries()], jobIds: this.jobIds, candidateIds: this.candidateIds,
      },
      arrays: {
        'cat.train.offsets': this.train.offsets, 'cat.train.items': this.train.items, 'cat.train.values': this.train.values,
        'cat.applied.offsets': this.applied.offsets, 'cat.applied.items': this.applied.items, 'cat.applied.values': this.applied.values,
        'cat.dismissed.offsets': this.dismissed.offsets, 'cat.dismissed.items': this.dismissed.items, 'cat.dismissed.values': this.dismissed.values,
        'cat.expiresAt': this.expiresAt, 'cat.closed': this.closed, 'cat.remote': this.remote, 'cat.salary': this.salary,
      },
    };
  }

  static restore(meta: Record<string, unknown>, a: Record<string, TypedArray>): Catalog {
    const csr = (p: string): Csr => ({ offsets: a[`${p}.offsets`] as Int32Array, items: a[`${p}.items`] as Int32Array, values: a[`${p}.values`] as Float32Array });
    const m = meta as { numCandidates: number; numJobs: number; jobInfo: (JobFilterInfo | null)[]; preferences: [number, CandidatePreferences][]; jobIds: string[] | null; candidateIds: string[] | null };
    for (const k of ['cat.train.offsets', 'cat.expiresAt', 'cat.closed']) if (!a[k]) throw new RecsysError('ARTIFACT_CORRUPT', `artifact lacks array ${k}`);
    return new Catalog(m.numCandidates, m.numJobs, csr('cat.train'), csr('cat.applied'), csr('cat.dismissed'),
      a['cat.expiresAt'] as Float64Array, a['cat.closed'] as Uint8Array, a['cat.remote'] as Uint8Array, a['cat.salary'] as Float64Array,
      m.jobInfo, new Map(m.preferences), m.jobIds, m.candidateIds);
  }
}

function norm(s: string | undefined): string | undefined {
  const t = s?.trim().toLowerCase();
  return t ? t : undefined;
}

/** Rows = candidates; duplicates (same candidate and job) summed; items sorted. */
export function buildCsr(rows: number, n: number, keep: (r: number) => boolean, row: Int32Array, col: Int32Array, w: Float32Array): Csr {
  const counts = new Int32Array(rows + 1);
  for (let r = 0; r < n; r++) if (keep(r)) counts[row[r]! + 1]!++;
  for (let u = 0; u < rows; u++) counts[u + 1]! += counts[u]!;
  const pos = counts.slice(0, rows);
  const items = new Int32Array(counts[rows]!), vals = new Float32Array(counts[rows]!);
  for (let r = 0; r < n; r++) {
    if (!keep(r)) continue;
    const p = pos[row[r]!]!++;
    items[p] = col[r]!; vals[p] = w[r]! > 0 ? w[r]! : 1;
  }
  // sort each row and merge duplicates
  const offsets = new Int32Array(rows + 1);
  const outItems: number[] = [], outVals: number[] = [];
  for (let u = 0; u < rows; u++) {
    const s = counts[u]!, e = counts[u + 1]!;
    const idx = Array.from({ length: e - s }, (_, t) => s + t).sort((a, b) => items[a]! - items[b]!);
    for (const p of idx) {
      if (outItems.length > offsets[u]! && outItems[outItems.length - 1] === items[p]) outVals[outVals.length - 1]! += vals[p]!;
      else { outItems.push(items[p]!); outVals.push(vals[p]!); }
    }
    offsets[u + 1] = outItems.length;
  }
  return { offsets, items: Int32Array.from(outItems), values: Float32Array.from(outVals) };
}

export function transposeCsr(m: Csr, cols: number): Csr {
  const rows = m.offsets.length - 1;
  const offsets = new Int32Array(cols + 1);
  for (let p = 0; p < m.items.length; p++) offsets[m.items[p]! + 1]!++;
  for (let c = 0; c < cols; c++) offsets[c + 1]! += offsets[c]!;
  const pos = offsets.slice(0, cols);
  const items = new Int32Array(m.items.length), values = new Float32Array(m.items.length);
  for (let u = 0; u < rows; u++) {
    for (let p = m.offsets[u]!; p < m.offsets[u + 1]!; p++) {
      const q = pos[m.items[p]!]!++;
      items[q] = u; values[q] = m.values[p]!;
    }
  }
  return { offsets, items, values };
}

export type { Location };
