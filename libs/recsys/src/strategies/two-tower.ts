import { z } from 'zod';
import type * as TF from '@tensorflow/tfjs';
import { Catalog } from '../catalog.js';
import { dotRows, rng } from '../linalg.js';
import { RecsysError } from '../recsys.errors.js';
import { Recommender, type ModelState, type ResolvedQuery } from '../recommender.js';
import { loadTf, matMulFast, pooledLookup } from '../tf-backend.js';
import { hash32, skillKey, tokenize } from '../text.js';
import type { CandidateFeatures, JobFeatures, ProgressFn, TrainingSnapshot } from '../types.js';

export const twoTowerParams = z.strictObject({
  dim: z.number().int().min(2).max(512).default(64),
  epochs: z.number().int().min(1).max(1000).default(20),
  batchSize: z.number().int().min(8).max(65536).default(1024),
  learningRate: z.number().positive().max(1).default(0.01),
  /** Softmax temperature for the in-batch sampled softmax. */
  temperature: z.number().positive().max(10).default(0.1),
  /** Hash buckets for content tokens (skills, title and profile words) shared by both towers. */
  tokenBuckets: z.number().int().min(16).max(1 << 20).default(8192),
  /** Content tokens kept per candidate / job. */
  maxTokens: z.number().int().min(1).max(256).default(24),
  /** Probability of replacing an id by the "unknown" id during training, so content alone must score well (cold start). */
  idDropout: z.number().min(0).max(1).default(0.2),
  l2: z.number().nonnegative().default(0),
  seed: z.number().int().default(42),
});
export type TwoTowerParams = z.infer<typeof twoTowerParams>;

interface TowerWeights { w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array }

/**
 * Neural two-tower retrieval model on TensorFlow.js. Each tower: x = id embedding + mean of hashed content-token
 * embeddings (token table shared by both towers), out = x + relu(x·W1 + b1)·W2 + b2. Trained with in-batch sampled
 * softmax on positive interactions; ids are dropped to an "unknown" row with probability idDropout so that
 * jobs and candidates without interactions are scored from their content.
 */
export class TwoTowerRecommender extends Recommender<TwoTowerParams> {
  readonly strategy = 'two-tower' as const;
  constructor(
    params: TwoTowerParams, catalog: Catalog,
    /** Job tower outputs (numJobs × dim) and known candidates' tower outputs (numCandidates × dim). */
    readonly jobVectors: Float32Array,
    readonly candidateVectors: Float32Array,
    /** Weights needed to embed a new candidate in JS: the unknown-id row, the token table and the candidate tower. */
    private readonly unknownCandidate: Float32Array,
    private readonly tokenTable: Float32Array,
    private readonly candTower: TowerWeights,
    readonly losses: number[] = [],
    /** Known candidates' id embeddings (tower input), so a changed profile is re-embedded with the candidate's own id row; absent in older artifacts. */
    private readonly candidateEmbeddings?: Float32Array,
  ) { super(params, catalog); }

  static async fit(s: TrainingSnapshot, catalog: Catalog, params: TwoTowerParams, onProgress?: ProgressFn): Promise<TwoTowerRecommender> {
    const tf = await loadTf();
    const d = params.dim, nu = catalog.numCandidates, ni = catalog.numJobs, L = params.maxTokens;
    const rand = rng(params.seed);
    const candTok = (s.candidates ?? []).map((c) => candidateTokens(c, params));
    const jobTok = (s.jobs ?? []).map((j) => jobTokens(j, params));
    const hasContent = candTok.some((t) => t.length > 0) || jobTok.some((t) => t.length > 0);
    const train = catalog.train;
    const nnz = train.items.length;
    const pu = new Int32Array(nnz);
    for (let u = 0; u < nu; u++) for (let p = train.offsets[u]!; p < train.offsets[u + 1]!; p++) pu[p] = u;

    const init = (rows: number, cols: number, scale: number): TF.Variable => tf.variable(tf.randomNormal([rows, cols], 0, scale, 'float32', params.seed + rows + cols));
    const U = init(nu + 1, d, 0.05), I = init(ni + 1, d, 0.05), T = init(params.tokenBuckets, d, hasContent ? 0.05 : 0);
    const tower = () => ({ w1: init(d, d, Math.sqrt(1 / d)), b1: tf.variable(tf.zeros([d])), w2: init(d, d, 0.01), b2: tf.variable(tf.zeros([d])) });
    const cT = tower(), jT = tower();
    const vars = [U, I, cT.w1, cT.b1, cT.w2, cT.b2, jT.w1, jT.b1, jT.w2, jT.b2, ...(hasContent ? [T] : [])];
    const opt = tf.train.adam(params.learningRate);

    const forwardTower = (ids: TF.Tensor2D, tokIdx: Int32Array | null, tokW: Float32Array | null, B: number, w: typeof cT): TF.Tensor2D => {
      let x = ids;
      if (tokIdx && tokW) {
        x = tf.add(x, pooledLookup(tf, T as unknown as TF.Tensor2D, tokIdx, tokW, B)) as TF.Tensor2D;
      }
      const h = tf.relu(tf.add(matMulFast(tf, x, w.w1 as unknown as TF.Tensor2D), w.b1));
      return tf.add(tf.add(x, matMulFast(tf, h as TF.Tensor2D, w.w2 as unknown as TF.Tensor2D)), w.b2) as TF.Tensor2D;
    };
    const fillTokens = (lists: number[][], ents: Int32Array, idx: Int32Array, wts: Float32Array): void => {
      for (let b = 0; b < ents.length; b++) {
        const toks = lists[ents[b]!] ?? [];
        const n = Math.min(L, toks.length);
        for (let t = 0; t < L; t++) { idx[b * L + t] = t < n ? toks[t]! : 0; wts[b * L + t] = t < n ? 1 / n : 0; }
      }
    };

    const B = Math.min(params.batchSize, nnz);
    const stepsPerEpoch = Math.ceil(nnz / B);
    const order = Int32Array.from({ length: nnz }, (_, i) => i);
    const losses: number[] = [];
    const uIdx = new Int32Array(B), iIdx = new Int32Array(B), uEnt = new Int32Array(B), iEnt = new Int32Array(B);
    const uTok = new Int32Array(B * L), uTokW = new Float32Array(B * L), iTok = new Int32Array(B * L), iTokW = new Float32Array(B * L);
    const itemCount = new Float32Array(ni);
    for (const j of train.items) itemCount[j]!++;
    const logQ = (ents: Int32Array): Float32Array => Float32Array.from(ents, (j) => Math.log(itemCount[j]! / nnz));
    const labels = tf.oneHot(tf.range(0, B, 1, 'int32'), B);
    for (let ep = 0; ep < params.epochs; ep++) {
      for (let t = nnz - 1; t > 0; t--) { const r = Math.floor(rand() * (t + 1)); const x = order[t]!; order[t] = order[r]!; order[r] = x; }
      let epochLoss = 0;
      for (let st = 0; st < stepsPerEpoch; st++) {
        for (let b = 0; b < B; b++) {
          const p = order[(st * B + b) % nnz]!;
          uEnt[b] = pu[p]!; iEnt[b] = train.items[p]!;
          uIdx[b] = hasContent && rand() < params.idDropout ? nu : pu[p]!;
          iIdx[b] = hasContent && rand() < params.idDropout ? ni : train.items[p]!;
        }
        if (hasContent) { fillTokens(candTok, uEnt, uTok, uTokW); fillTokens(jobTok, iEnt, iTok, iTokW); }
        const lossT = opt.minimize(() => {
          const uo = forwardTower(pooledLookup(tf, U as unknown as TF.Tensor2D, uIdx, null, B), hasContent ? uTok : null, hasContent ? uTokW : null, B, cT);
          const io = forwardTower(pooledLookup(tf, I as unknown as TF.Tensor2D, iIdx, null, B), hasContent ? iTok : null, hasContent ? iTokW : null, B, jT);
          // logQ correction (Yi et al. 2019): in-batch negatives are drawn ∝ popularity; subtracting log q_j makes the
          // dot product estimate the full-softmax logit instead of a popularity-free PMI
          const logits = tf.sub(tf.div(matMulFast(tf, uo, tf.transpose(io) as TF.Tensor2D), params.temperature), tf.tensor2d(logQ(iEnt), [1, B]));
          let loss = tf.losses.softmaxCrossEntropy(labels, logits) as TF.Scalar;
          if (params.l2 > 0) loss = tf.add(loss, tf.mul(params.l2, tf.add(tf.mean(tf.square(uo)), tf.mean(tf.square(io))))) as TF.Scalar;
          return loss;
        }, true, vars);
        epochLoss += (await lossT!.data())[0]!;
        lossT!.dispose();
      }
      losses.push(epochLoss / stepsPerEpoch);
      onProgress?.({ phase: 'two-tower', done: ep + 1, total: params.epochs, loss: losses[losses.length - 1] });
    }
    labels.dispose();

    // Precompute tower outputs for every job and every known candidate.
    const embedAll = (table: TF.Variable, count: number, lists: number[][], w: typeof cT): Float32Array => {
      const out = new Float32Array(count * d);
      const chunk = 4096;
      for (let s0 = 0; s0 < count; s0 += chunk) {
        const n = Math.min(chunk, count - s0);
        const ents = Int32Array.from({ length: n }, (_, k) => s0 + k);
        const ti = new Int32Array(n * L), tw = new Float32Array(n * L);
        if (hasContent) fillTokens(lists, ents, ti, tw);
        const v = tf.tidy(() => forwardTower(tf.gather(table, tf.tensor1d(ents, 'int32')) as TF.Tensor2D, hasContent ? ti : null, hasContent ? tw : null, n, w));
        out.set(v.dataSync(), s0 * d);
        v.dispose();
      }
      return out;
    };
    const jobVectors = embedAll(I, ni, jobTok, jT);
    const candidateVectors = embedAll(U, nu, candTok, cT);
    const unknownCandidate = Float32Array.from(U.slice([nu, 0], [1, d]).dataSync());
    const candidateEmbeddings = Float32Array.from(U.slice([0, 0], [nu, d]).dataSync());
    const tokenTable = Float32Array.from(T.dataSync());
    const candTower = { w1: Float32Array.from(cT.w1.dataSync()), b1: Float32Array.from(cT.b1.dataSync()), w2: Float32Array.from(cT.w2.dataSync()), b2: Float32Array.from(cT.b2.dataSync()) };
    for (const v of vars) v.dispose();
    if (!T.isDisposed) T.dispose();
    opt.dispose();
    return new TwoTowerRecommender(params, catalog, jobVectors, candidateVectors, unknownCandidate, tokenTable, candTower, losses, candidateEmbeddings);
  }

  static restore(params: TwoTowerParams, catalog: Catalog, st: ModelState): TwoTowerRecommender {
    const a = st.arrays as Record<string, Float32Array>;
    if (!a['jobVectors'] || a['jobVectors'].length !== catalog.numJobs * params.dim) throw new RecsysError('ARTIFACT_CORRUPT', 'two-tower artifact: job vectors do not match the catalogue');
    return new TwoTowerRecommender(params, catalog, a['jobVectors'], a['candidateVectors']!, a['unknownCandidate']!, a['tokenTable']!,
      { w1: a['w1']!, b1: a['b1']!, w2: a['w2']!, b2: a['b2']! }, [],
      a['candidateEmbeddings']?.length === catalog.numCandidates * params.dim ? a['candidateEmbeddings'] : undefined);
  }

  /**
   * The candidate's tower output. A known candidate queried with nothing new gets the stored output. Otherwise the
   * candidate is folded in at request time: the candidate tower runs on the current profile (the candidate's own id
   * embedding when the model knows them, else the "unknown" row, plus the hashed content tokens of the profile as
   * it is now), and interactions beyond the training ones pull the vector toward the jobs engaged with: the output
   * is blended with the weighted mean of those jobs' tower outputs (rescaled to the same norm), with weight
   * n / (n + 5) for n such jobs. Without content and id, the mean of the jobs alone.
   */
  candidateVector(q: ResolvedQuery): Float32Array {
    const d = this.params.dim;
    const known = q.index >= 0;
    if (known && !q.features && q.trainingHistory) return this.candidateVectors.subarray(q.index * d, (q.index + 1) * d);
    const trained = known ? new Set(this.catalog.items(q.index)) : new Set<number>();
    const fresh: number[] = [], freshW: number[] = [];
    q.history.forEach((j, t) => { if (!trained.has(j) && q.weights[t]! > 0) { fresh.push(j); freshW.push(q.weights[t]!); } });
    const mean = (jobs: readonly number[], w: readonly number[]): Float32Array => {
      const v = new Float32Array(d);
      const total = w.reduce((a, b) => a + b, 0) || 1;
      jobs.forEach((j, k) => { for (let t = 0; t < d; t++) v[t]! += (this.jobVectors[j * d + t]! * w[k]!) / total; });
      return v;
    };
    let base: Float32Array;
    if (known && !q.features) base = Float32Array.from(this.candidateVectors.subarray(q.index * d, (q.index + 1) * d));
    else {
      const toks = q.features ? candidateTokens(q.features, this.params) : [];
      const idRow = known && this.candidateEmbeddings ? this.candidateEmbeddings.subarray(q.index * d, (q.index + 1) * d) : null;
      if (toks.length === 0 && !idRow) {
        // no content, no id: the mean of the jobs the candidate liked
        const pos: number[] = [], posW: number[] = [];
        q.history.forEach((j, t) => { if (q.weights[t]! > 0) { pos.push(j); posW.push(q.weights[t]!); } });
        return mean(pos, posW);
      }
      const xin = Float32Array.from(idRow ?? this.unknownCandidate);
      const n = Math.min(this.params.maxTokens, toks.length);
      for (let k = 0; k < n; k++) for (let t = 0; t < d; t++) xin[t]! += this.tokenTable[toks[k]! * d + t]! / n;
      base = towerForward(xin, this.candTower, d);
    }
    if (fresh.length === 0) return base;
    const m = mean(fresh, freshW);
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    const nb = norm(base), nm = norm(m);
    const w = fresh.length / (fresh.length + 5);
    const scale = nm > 0 && nb > 0 ? nb / nm : 1;
    for (let t = 0; t < d; t++) base[t] = (1 - w) * base[t]! + w * scale * m[t]!;
    return base;
  }

  protected scoreInto(q: ResolvedQuery, out: Float32Array): void {
    dotRows(this.candidateVector(q), this.jobVectors, this.params.dim, out);
  }

  protected override factorModel() {
    return { dim: this.params.dim, items: this.jobVectors, query: (r: ResolvedQuery) => this.candidateVector(r) };
  }

  protected exportState(): ModelState {
    return { meta: {}, arrays: { jobVectors: this.jobVectors, candidateVectors: this.candidateVectors, unknownCandidate: this.unknownCandidate, tokenTable: this.tokenTable, ...this.candTower, ...(this.candidateEmbeddings ? { candidateEmbeddings: this.candidateEmbeddings } : {}) } };
  }
}

function towerForward(x: Float32Array, w: TowerWeights, d: number): Float32Array {
  const h = new Float32Array(d);
  for (let j = 0; j < d; j++) { let s = w.b1[j]!; for (let i = 0; i < d; i++) s += x[i]! * w.w1[i * d + j]!; h[j] = s > 0 ? s : 0; }
  const out = new Float32Array(d);
  for (let j = 0; j < d; j++) { let s = x[j]! + w.b2[j]!; for (let i = 0; i < d; i++) s += h[i]! * w.w2[i * d + j]!; out[j] = s; }
  return out;
}

function uniqueHashed(tokens: string[], p: TwoTowerParams): number[] {
  const seen = new Set<number>();
  for (const t of tokens) { seen.add(hash32(t) % p.tokenBuckets); if (seen.size >= p.maxTokens) break; }
  return [...seen];
}

export function candidateTokens(c: CandidateFeatures, p: TwoTowerParams): number[] {
  return uniqueHashed([...(c.skills ?? []).map((s) => `s:${skillKey(s)}`), ...(c.desiredTitles ?? []).flatMap((t) => tokenize(t).map((w) => `w:${w}`)), ...tokenize(c.profile).map((w) => `w:${w}`)], p);
}

export function jobTokens(j: JobFeatures, p: TwoTowerParams): number[] {
  return uniqueHashed([...(j.skills ?? []).map((s) => `s:${skillKey(s)}`), ...tokenize(j.title).map((w) => `w:${w}`), ...tokenize(j.description).map((w) => `w:${w}`)], p);
}
