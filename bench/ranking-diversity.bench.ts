// Diversity re-ranking on the synthetic job market: NDCG@10 against the ground truth and same-company repeats in the
// top 10, without and with the diversity stage (MMR over job similarity + a per-company cap) of libs/ranking.
// Run: `node bench/recsys-build.mjs bench/ranking-diversity.bench.ts [--strategy hybrid --candidates 2000 --jobs 5000
//       --days 30 --cut-day 24 --seed 1 --eval 2000 --top-n 100 --companies N (default: the generator's, 300 for 5,000 jobs)]`
//
// Protocol (as bench/recsys-market.bench.ts): the model is trained on the logged events before the cut; per candidate
// the pool is every job live at the cut minus the jobs the candidate interacted with. The pipeline's candidates stage
// takes the model's top-N of the pool (--top-n, as in serving), the score stage scales the model scores, and the
// diversity stage (when present) re-ranks; gain = truthGain (click probability of the noise-free utility), NDCG@10
// over the whole pool (IDCG = best 10 of the pool). Repeats = 10 − distinct companies among the top 10.
import { fitRecommender, topK, type InteractionType, type TrainingSnapshot } from '@app/recsys';
import { generateMarket } from '../libs/simulator/src/generate.js';
import { clickProbability } from '../libs/simulator/src/behaviour.js';
import { gradedNdcg } from '../libs/simulator/src/ground-truth.js';
import { simulateHistory, type SimInteraction } from '../libs/simulator/src/history.js';
import { utility } from '../libs/simulator/src/utility.js';
import { candidateFeatures, INTERACTION_WEIGHTS, jobFeatures } from '../libs/training/src/snapshot.js';
import { DEFAULT_STAGES, validatePipeline, type PipelineConfig } from '../libs/ranking/src/config.js';
import { runPipeline } from '../libs/ranking/src/pipeline.js';
import type { RankContext, RankJob } from '../libs/ranking/src/types.js';
import { jaccard, jobTokens } from '../libs/ranking/src/similarity.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const SEED = Number(arg('seed', '1')), NC = Number(arg('candidates', '2000')), NJ = Number(arg('jobs', '5000'));
const DAYS = Number(arg('days', '30')), CUT_DAY = Number(arg('cut-day', '24')), EVAL = Number(arg('eval', String(NC))), TOP_N = Number(arg('top-n', '100'));
const STRATEGY = arg('strategy', 'hybrid');
const COMPANIES = process.argv.includes('--companies') ? Number(arg('companies', '0')) : undefined;
const K = 10;
const START = new Date('2026-01-05T00:00:00Z');
const sec = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(2);

let t0 = performance.now();
const market = generateMarket({ seed: SEED, candidates: NC, jobs: NJ, days: DAYS, start: START, ...(COMPANIES ? { companies: COMPANIES } : {}) });
const events: SimInteraction[] = [];
simulateHistory(market, (_day, ev) => { for (const e of ev) events.push(e); });
const cutMs = START.getTime() + CUT_DAY * 86_400_000;
const train = events.filter((e) => e.occurredAt < cutMs && e.type !== 'impression');
const snapshot: TrainingSnapshot = {
  numCandidates: NC, numJobs: NJ,
  interactions: {
    candidate: Int32Array.from(train, (e) => e.candidateIndex), job: Int32Array.from(train, (e) => e.jobIndex),
    weight: Float32Array.from(train, (e) => INTERACTION_WEIGHTS[e.type]), time: Float64Array.from(train, (e) => e.occurredAt / 1000),
    type: train.map((e) => e.type as Exclude<SimInteraction['type'], 'impression'> satisfies InteractionType),
  },
  jobs: market.jobs.map((j) => jobFeatures({
    id: j.externalId, title: j.title, description: j.description, skills: j.skills, city: j.city, country: j.country, remote: j.remote,
    salary_annual_min: j.salaryAnnualMin, salary_annual_max: j.salaryAnnualMax, seniority: j.seniority, employment_type: j.employmentType, expires_at: new Date(j.expiresAt), status: 'active',
  })),
  candidates: market.candidates.map((c) => candidateFeatures({ id: c.externalId, desired_titles: c.desiredTitles, skills: c.skills, resume: null, city: c.city, country: c.country, salary_expectation: c.salaryExpectation, preferences: c.preferences })),
};
console.log(`market seed ${SEED}: ${NC} candidates, ${NJ} jobs, ${market.companies.length} companies, ${events.length} events (${sec(t0)} s); cut after day ${CUT_DAY}`);
t0 = performance.now();
const model = await fitRecommender(STRATEGY, snapshot);
console.log(`${STRATEGY} trained in ${sec(t0)} s`);

const touched: Set<number>[] = Array.from({ length: NC }, () => new Set());
for (const e of train) touched[e.candidateIndex]!.add(e.jobIndex);
const warmJobs = market.jobs.filter((j) => j.postedAt <= cutMs && j.expiresAt > cutMs).map((j) => j.index);
const rankJobs: RankJob[] = market.jobs.map((j) => ({
  id: String(j.index), title: j.title, companyId: String(j.companyIndex), skills: j.skills, city: j.city, region: j.region, country: j.country, remote: j.remote,
  salaryMin: j.salaryAnnualMin, salaryMax: j.salaryAnnualMax, postedAt: j.postedAt, expiresAt: j.expiresAt, status: 'active',
}));
const jobMap = new Map(rankJobs.map((j) => [j.id, j]));

// per candidate: the model's top-N of the pool and the ground-truth gains of the whole pool
t0 = performance.now();
const evalCands = Array.from({ length: Math.min(EVAL, NC) }, (_, c) => c);
const per = evalCands.map((c) => {
  const pool = warmJobs.filter((j) => !touched[c]!.has(j));
  const scores = model.score(c, pool);
  const top = topK(scores, TOP_N).map((s) => ({ jobId: String(pool[s.job]!), score: s.score }));
  const truth = market.candidates[c]!.truth;
  const gainById = new Map<string, number>();
  const gains = Float64Array.from(pool, (j) => { const g = clickProbability(utility(truth, market.jobs[j]!.truth)); gainById.set(String(j), g); return g; });
  const sim = market.candidates[c]!;
  const ctx: RankContext = { nowMs: cutMs, candidate: { id: String(c), skills: sim.skills, city: sim.city, region: sim.region, country: sim.country, salaryExpectation: sim.salaryExpectation }, applied: new Set(), applicants: new Map() };
  return { top, gains, gainById, poolIndex: new Map(pool.map((j, t) => [String(j), t])), ctx };
});
console.log(`model top-${TOP_N} and ground truth for ${evalCands.length} candidates: ${sec(t0)} s`);

interface Row { ndcg: number; repeats: number; ils: number; ms: number }
const evaluate = (p: PipelineConfig): Row => {
  let ndcg = 0, repeats = 0, ils = 0, ms = 0;
  for (const x of per) {
    const t = performance.now();
    const res = runPipeline(p, { sources: { model: x.top }, jobs: jobMap, ctx: x.ctx, limit: K });
    ms += performance.now() - t;
    const ranking = res.items.map((i) => x.poolIndex.get(i.jobId)!);
    ndcg += gradedNdcg(ranking, x.gains, K) ?? 0;
    repeats += res.items.length - new Set(res.items.map((i) => i.job.companyId)).size;
    let sim = 0, pairs = 0;
    for (let a = 0; a < res.items.length; a++) for (let b = a + 1; b < res.items.length; b++) { sim += jaccard(jobTokens(res.items[a]!.job), jobTokens(res.items[b]!.job)); pairs++; }
    ils += pairs ? sim / pairs : 0;
  }
  return { ndcg: ndcg / per.length, repeats: repeats / per.length, ils: ils / per.length, ms: ms / per.length };
};
const base = [{ stage: 'candidates', sources: [{ source: 'model', topN: TOP_N }] }, { stage: 'score' }];
const baseline = evaluate(validatePipeline({ name: 'no-diversity', stages: base }));
const def = DEFAULT_STAGES.diversity as { lambda: number; maxPerCompany: number; window: number };
console.log(`\n${STRATEGY}, ${per.length} candidates, pool = jobs live at the cut minus own (${warmJobs.length}), candidates = model top-${TOP_N}, k = ${K}`);
console.log('| pipeline | λ | max per company | NDCG@10 | Δ NDCG (relative) | mean same-company repeats in top 10 | Δ repeats | intra-list similarity | ms per list |\n|---|---|---|---|---|---|---|---|---|');
console.log(`| without diversity | – | – | ${baseline.ndcg.toFixed(4)} | – | ${baseline.repeats.toFixed(3)} | – | ${baseline.ils.toFixed(4)} | ${baseline.ms.toFixed(3)} |`);
const grid: Array<[number, number]> = [];
for (const lambda of [1, 0.95, 0.9, 0.85, 0.8, 0.7]) for (const cap of [0, 1, 2, 3]) if (!(lambda === 1 && cap === 0)) grid.push([lambda, cap]);
let defaultResult: Record<string, number> | undefined; // for the BENCH_RESULT line (bench/run.mjs)
for (const [lambda, cap] of grid) {
  const r = evaluate(validatePipeline({ stages: [...base, { stage: 'diversity', lambda, maxPerCompany: cap }] }));
  const dN = (r.ndcg - baseline.ndcg) / baseline.ndcg, dR = baseline.repeats > 0 ? (r.repeats - baseline.repeats) / baseline.repeats : 0;
  const isDefault = lambda === def.lambda && cap === def.maxPerCompany;
  if (isDefault) defaultResult = { lambda, maxPerCompany: cap, ndcg: Number(r.ndcg.toFixed(4)), repeats: Number(r.repeats.toFixed(3)), ndcgChangePct: Number((dN * 100).toFixed(2)), repeatsChangePct: Number((dR * 100).toFixed(1)) };
  const ok = dR <= -0.5 && dN >= -0.03;
  console.log(`| ${isDefault ? '**default** ' : ''}MMR${cap ? ' + cap' : ''} | ${lambda} | ${cap || '–'} | ${r.ndcg.toFixed(4)} | ${(dN * 100).toFixed(2)}% | ${r.repeats.toFixed(3)} | ${(dR * 100).toFixed(1)}%${ok ? ' ✓' : ''} | ${r.ils.toFixed(4)} | ${r.ms.toFixed(3)} |`);
}
console.log('intra-list similarity = mean pairwise Jaccard (skills + title words) of the top 10');
console.log('\n✓ = meets the acceptance target (≥ 50% fewer repeats for ≤ 3% relative NDCG@10 loss)');
console.log(`BENCH_RESULT ${JSON.stringify({ name: 'ranking-diversity', strategy: STRATEGY, candidates: per.length, baseline: { ndcg: Number(baseline.ndcg.toFixed(4)), repeats: Number(baseline.repeats.toFixed(3)) }, default: defaultResult ?? null })}`);
