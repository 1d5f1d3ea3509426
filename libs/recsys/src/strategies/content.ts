import { z } from 'zod';
import { Catalog, type Csr } from '../catalog.js';
import { RecsysError } from '../recsys.errors.js';
import { Recommender, type ModelState, type ResolvedQuery } from '../recommender.js';
import { skillKey, tokenize } from '../text.js';
import type { CandidateFeatures, JobFeatures, TrainingSnapshot } from '../types.js';

export const contentParams = z.strictObject({
  /** Weights of the soft scores that are summed. */
  textWeight: z.number().nonnegative().default(1),
  skillWeight: z.number().nonnegative().default(1),
  locationWeight: z.number().nonnegative().default(0.2),
  seniorityWeight: z.number().nonnegative().default(0.2),
  salaryWeight: z.number().nonnegative().default(0.1),
  /** Weight of the candidate's interacted jobs in their text profile, relative to their own text. */
  historyWeight: z.number().nonnegative().default(1),
  /** Repeat the job title this many times (title terms matter more than description terms). */
  titleBoost: z.number().int().min(1).max(10).default(2),
});
export type ContentParams = z.infer<typeof contentParams>;

interface Vocab { terms: string[]; skills: string[] }
type SparseVec = Map<number, number>;

/**
 * Content-based: cosine between L2-normalised TF-IDF vectors of the candidate (profile, resume, desired titles,
 * skills, plus the jobs they interacted with) and each job (title, description, skills); skill overlap weighted by
 * skill IDF (share of the job's skill rarity mass the candidate has); location, seniority and salary fit.
 */
export class ContentRecommender extends Recommender<ContentParams> {
  readonly strategy = 'content' as const;
  private termIndex: Map<string, number>;
  private skillIndex: Map<string, number>;
  private termPostings: Csr;
  private skillPostings: Csr;
  constructor(
    params: ContentParams, catalog: Catalog,
    private vocab: Vocab,
    readonly idf: Float32Array,
    readonly skillIdf: Float32Array,
    /** job × term TF-IDF (L2-normalised). */
    readonly jobTerms: Csr,
    /** job × skill (value = idf). */
    readonly jobSkills: Csr,
    readonly jobSkillMass: Float32Array,
    readonly jobSeniority: Float32Array,
    /** Known candidates' own features (text vector, skills, seniority, location) for scoring. */
    readonly candTerms: Csr,
    readonly candSkills: Csr,
    readonly candSeniority: Float32Array,
    private candLocation: ({ country?: string; city?: string } | null)[],
  ) {
    super(params, catalog);
    this.termIndex = new Map(vocab.terms.map((t, i) => [t, i]));
    this.skillIndex = new Map(vocab.skills.map((t, i) => [t, i]));
    this.termPostings = transpose(jobTerms, vocab.terms.length);
    this.skillPostings = transpose(jobSkills, vocab.skills.length);
  }

  static fit(s: TrainingSnapshot, catalog: Catalog, params: ContentParams): ContentRecommender {
    const jobs = s.jobs;
    if (!jobs || !jobs.some((j) => j.title || j.description || (j.skills && j.skills.length))) {
      throw new RecsysError('UNSUPPORTED', 'content: the training snapshot has no job content features (title, description or skills)');
    }
    const jobTokens = jobs.map((j) => jobText(j, params.titleBoost));
    const termIdx = new Map<string, number>(), skillIdx = new Map<string, number>();
    const df: number[] = [], sdf: number[] = [];
    for (const toks of jobTokens) for (const t of new Set(toks)) { let i = termIdx.get(t); if (i === undefined) { i = termIdx.size; termIdx.set(t, i); df.push(0); } df[i]!++; }
    const jobSkillKeys = jobs.map((j) => [...new Set((j.skills ?? []).map(skillKey))]);
    for (const ks of jobSkillKeys) for (const k of ks) { let i = skillIdx.get(k); if (i === undefined) { i = skillIdx.size; skillIdx.set(k, i); sdf.push(0); } sdf[i]!++; }
    const n = jobs.length;
    const idf = Float32Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1);
    const skillIdf = Float32Array.from(sdf, (d) => Math.log((1 + n) / (1 + d)) + 1);
    const jobTerms = toCsr(jobTokens.map((toks) => tfidf(toks, termIdx, idf)));
    const jobSkills = toCsr(jobSkillKeys.map((ks) => new Map(ks.map((k) => [skillIdx.get(k)!, skillIdf[skillIdx.get(k)!]!] as [number, number]))));
    const jobSkillMass = new Float32Array(n);
    for (let j = 0; j < n; j++) for (let p = jobSkills.offsets[j]!; p < jobSkills.offsets[j + 1]!; p++) jobSkillMass[j]! += jobSkills.values[p]!;
    const jobSeniority = Float32Array.from(jobs, (j) => j.seniority ?? NaN);
    const cands = s.candidates ?? [];
    const candTerms = toCsr(cands.map((c) => tfidf(candidateText(c), termIdx, idf)));
    const candSkills = toCsr(cands.map((c) => new Map((c.skills ?? []).map(skillKey).filter((k) => skillIdx.has(k)).map((k) => [skillIdx.get(k)!, 1] as [number, number]))));
    const candSeniority = Float32Array.from(cands, (c) => c.seniority ?? NaN);
    const candLocation = cands.map((c) => (c.location ? { country: c.location.country?.toLowerCase(), city: c.location.city?.toLowerCase() } : null));
    const vocab = { terms: [...termIdx.keys()], skills: [...skillIdx.keys()] };
    return new ContentRecommender(params, catalog, vocab, idf, skillIdf, jobTerms, jobSkills, jobSkillMass, jobSeniority, candTerms, candSkills, candSeniority, candLocation);
  }

  static restore(params: ContentParams, catalog: Catalog, st: ModelState): ContentRecommender {
    const a = st.arrays, m = st.meta as { vocab: Vocab; candLocation: ({ country?: string; city?: string } | null)[] };
    const csr = (p: string): Csr => ({ offsets: a[`${p}.offsets`] as Int32Array, items: a[`${p}.items`] as Int32Array, values: a[`${p}.values`] as Float32Array });
    if (!m.vocab || !a['idf']) throw new RecsysError('ARTIFACT_CORRUPT', 'content artifact lacks its vocabulary');
    return new ContentRecommender(params, catalog, m.vocab, a['idf'] as Float32Array, a['skillIdf'] as Float32Array, csr('jobTerms'), csr('jobSkills'),
      a['jobSkillMass'] as Float32Array, a['jobSeniority'] as Float32Array, csr('candTerms'), csr('candSkills'), a['candSeniority'] as Float32Array, m.candLocation);
  }

  protected scoreInto(q: ResolvedQuery, out: Float32Array): void {
    const p = this.params, n = this.numJobs;
    out.fill(0);
    // text: candidate's own vector + mean of history job vectors, re-normalised
    const qv: SparseVec = new Map();
    const own = q.features ? tfidf(candidateText(q.features), this.termIndex, this.idf) : q.index >= 0 && q.index < this.candTerms.offsets.length - 1 ? row(this.candTerms, q.index) : new Map<number, number>();
    for (const [t, v] of own) qv.set(t, v);
    if (q.history.length > 0 && p.historyWeight > 0) {
      const w = p.historyWeight / q.history.length;
      for (const j of q.history) for (const [t, v] of row(this.jobTerms, j)) qv.set(t, (qv.get(t) ?? 0) + w * v);
    }
    let norm = 0;
    for (const v of qv.values()) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm > 0 && p.textWeight > 0) {
      for (const [t, v] of qv) {
        const c = (p.textWeight * v) / norm;
        for (let k = this.termPostings.offsets[t]!; k < this.termPostings.offsets[t + 1]!; k++) out[this.termPostings.items[k]!]! += c * this.termPostings.values[k]!;
      }
    }
    // skills: rarity-weighted share of the job's skills the candidate has
    const skills = q.features ? (q.features.skills ?? []).map(skillKey).filter((k) => this.skillIndex.has(k)).map((k) => this.skillIndex.get(k)!) : q.index >= 0 && q.index < this.candSkills.offsets.length - 1 ? [...row(this.candSkills, q.index).keys()] : [];
    if (p.skillWeight > 0) {
      for (const s of new Set(skills)) {
        for (let k = this.skillPostings.offsets[s]!; k < this.skillPostings.offsets[s + 1]!; k++) {
          const j = this.skillPostings.items[k]!;
          out[j]! += (p.skillWeight * this.skillPostings.values[k]!) / this.jobSkillMass[j]!;
        }
      }
    }
    // soft fits
    const known = q.index >= 0 && q.index < this.candSeniority.length;
    const seniority = q.features ? q.features.seniority ?? NaN : known ? this.candSeniority[q.index]! : NaN;
    const loc = q.features ? (q.features.location ? { country: q.features.location.country?.toLowerCase(), city: q.features.location.city?.toLowerCase() } : null) : known ? this.candLocation[q.index] ?? null : null;
    const minSalary = (q.features?.preferences ?? this.catalog.preferences.get(q.index))?.minSalary;
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (p.seniorityWeight > 0 && !Number.isNaN(seniority) && !Number.isNaN(this.jobSeniority[j]!)) s += p.seniorityWeight * Math.max(0, 1 - Math.abs(seniority - this.jobSeniority[j]!) / 3);
      if (p.locationWeight > 0 && loc) {
        const info = this.catalog.jobInfo[j];
        if (this.catalog.remote[j]) s += p.locationWeight;
        else if (info?.city && loc.city && info.city === loc.city) s += p.locationWeight;
        else if (info?.country && loc.country && info.country === loc.country) s += p.locationWeight * 0.5;
      }
      if (p.salaryWeight > 0 && minSalary !== undefined && minSalary > 0) {
        const sal = this.catalog.salary[j]!;
        if (!Number.isNaN(sal)) s += p.salaryWeight * Math.min(1, sal / minSalary);
      }
      out[j]! += s;
    }
  }

  protected exportState(): ModelState {
    const c = (p: string, m: Csr) => ({ [`${p}.offsets`]: m.offsets, [`${p}.items`]: m.items, [`${p}.values`]: m.values });
    return {
      meta: { vocab: this.vocab, candLocation: this.candLocation },
      arrays: { idf: this.idf, skillIdf: this.skillIdf, jobSkillMass: this.jobSkillMass, jobSeniority: this.jobSeniority, candSeniority: this.candSeniority,
        ...c('jobTerms', this.jobTerms), ...c('jobSkills', this.jobSkills), ...c('candTerms', this.candTerms), ...c('candSkills', this.candSkills) },
    };
  }
}

export function jobText(j: JobFeatures, titleBoost: number): string[] {
  const title = tokenize(j.title);
  const out: string[] = [];
  for (let r = 0; r < titleBoost; r++) out.push(...title);
  out.push(...tokenize(j.description));
  for (const s of j.skills ?? []) out.push(...tokenize(s));
  return out;
}

export function candidateText(c: CandidateFeatures): string[] {
  return [...tokenize(c.profile), ...tokenize(c.resume), ...(c.desiredTitles ?? []).flatMap((t) => [...tokenize(t), ...tokenize(t)]), ...(c.skills ?? []).flatMap((s) => tokenize(s))];
}

function tfidf(tokens: string[], index: Map<string, number>, idf: Float32Array): SparseVec {
  const tf = new Map<number, number>();
  for (const t of tokens) { const i = index.get(t); if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1); }
  let norm = 0;
  for (const [i, c] of tf) { const v = (1 + Math.log(c)) * idf[i]!; tf.set(i, v); norm += v * v; }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [i, v] of tf) tf.set(i, v / norm);
  return tf;
}

function toCsr(rows: SparseVec[]): Csr {
  const offsets = new Int32Array(rows.length + 1);
  let nnz = 0;
  rows.forEach((r, i) => { nnz += r.size; offsets[i + 1] = nnz; });
  const items = new Int32Array(nnz), values = new Float32Array(nnz);
  let p = 0;
  for (const r of rows) for (const [k, v] of [...r].sort((a, b) => a[0] - b[0])) { items[p] = k; values[p++] = v; }
  return { offsets, items, values };
}

function row(m: Csr, r: number): SparseVec {
  const out: SparseVec = new Map();
  for (let p = m.offsets[r]!; p < m.offsets[r + 1]!; p++) out.set(m.items[p]!, m.values[p]!);
  return out;
}

function transpose(m: Csr, cols: number): Csr {
  const offsets = new Int32Array(cols + 1);
  for (const c of m.items) offsets[c + 1]!++;
  for (let c = 0; c < cols; c++) offsets[c + 1]! += offsets[c]!;
  const pos = offsets.slice(0, cols);
  const items = new Int32Array(m.items.length), values = new Float32Array(m.items.length);
  for (let r = 0; r + 1 < m.offsets.length; r++) for (let p = m.offsets[r]!; p < m.offsets[r + 1]!; p++) { const q = pos[m.items[p]!]!++; items[q] = r; values[q] = m.values[p]!; }
  return { offsets, items, values };
}
