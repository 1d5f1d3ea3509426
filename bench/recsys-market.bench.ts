// Synthetic job market: every strategy against the simulator's ground truth, in memory (no database).
// Run: `node bench/recsys-build.mjs bench/recsys-market.bench.ts [--candidates 2000 --jobs 5000 --days 30 --cut-day 24 --seed 1]
//       [--strategies popularity,content,...] [--params '{"als":{...}}']`
//
// Protocol: generate the market (seeded, fixed start date) and its logged history (simulateHistory: impressions,
// clicks, saves, applies, dismissals); train on the events before the cut (day `cut-day`) with the training
// weights of libs/training (apply 3, save 2, click 1, dismissal 0 with type 'dismiss', impressions ignored) and
// the job/candidate features libs/training builds from the database rows. Catalogue = all jobs.
// Warm: per candidate, the pool is every job live at the cut (posted ≤ cut < expires) minus the jobs the candidate
// interacted with before the cut; cold: every job posted after the cut (none has an interaction in training).
// Each strategy's scores over the pool (Recommender.score; ties by job index) give a ranking, evaluated with
// gain = truthGain(c, j) = the behaviour model's click probability of the noise-free utility (DCG@10 = expected
// clicks, see libs/simulator/src/ground-truth.ts), and with binary relevance = the pool's 10 highest-utility jobs.
import { fitRecommender, topK, type InteractionType, type Recommender, type TrainingSnapshot } from '@app/recsys';
import { generateMarket } from '../libs/simulator/src/generate.js';
import { clickProbability } from '../libs/simulator/src/behaviour.js';
import { gradedNdcg, topNIndicator } from '../libs/simulator/src/ground-truth.js';
import { simulateHistory, type SimInteraction } from '../libs/simulator/src/history.js';
import { stream } from '../libs/simulator/src/prng.js';
import { utility } from '../libs/simulator/src/utility.js';
import { candidateFeatures, INTERACTION_WEIGHTS, jobFeatures } from '../libs/training/src/snapshot.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const SEED = Number(arg('seed', '1')), NC = Number(arg('candidates', '2000')), NJ = Number(arg('jobs', '5000'));
const DAYS = Number(arg('days', '30')), CUT_DAY = Number(arg('cut-day', '24'));
const strategies = arg('strategies', 'popularity,content,item-knn,user-knn,als,ease,two-tower,hybrid').split(',');
const params = JSON.parse(arg('params', '{}')) as Record<string, unknown>;
const K = 10;
const START = new Date('2026-01-05T00:00:00Z');
const sec = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(2);

let t0 = performance.now();
const market = generateMarket({ seed: SEED, candidates: NC, jobs: NJ, days: DAYS, start: START });
const events: SimInteraction[] = [];
simulateHistory(market, (_day, ev) => { for (const e of ev) events.push(e); });
const cutMs = START.getTime() + CUT_DAY * 86_400_000, endMs = START.getTime() + DAYS * 86_400_000;
console.log(`market seed ${SEED}: ${NC} candidates, ${NJ} jobs, ${DAYS} days, ${events.length} events (${sec(t0)} s); cut after day ${CUT_DAY} (${new Date(cutMs).toISOString()})`);

// training snapshot: events before the cut, as libs/training weights them
const train = events.filter((e) => e.occurredAt < cutMs && e.type !== 'impression');
const snapshot: TrainingSnapshot = {
  numCandidates: NC,
  numJobs: NJ,
  interactions: {
    candidate: Int32Array.from(train, (e) => e.candidateIndex),
    job: Int32Array.from(train, (e) => e.jobIndex),
    weight: Float32Array.from(train, (e) => INTERACTION_WEIGHTS[e.type]),
    time: Float64Array.from(train, (e) => e.occurredAt / 1000),
    type: train.map((e) => e.type as Exclude<SimInteraction['type'], 'impression'> satisfies InteractionType),
  },
  // status as of the cut (the generator's status is as of the end of the period)
  jobs: market.jobs.map((j) => jobFeatures({
    id: j.externalId, title: j.title, description: j.description, skills: j.skills, city: j.city, country: j.country, remote: j.remote,
    salary_annual_min: j.salaryAnnualMin, salary_annual_max: j.salaryAnnualMax, seniority: j.seniority, employment_type: j.employmentType,
    expires_at: new Date(j.expiresAt), status: 'active',
  })),
  candidates: market.candidates.map((c) => candidateFeatures({
    id: c.externalId, desired_titles: c.desiredTitles, skills: c.skills, resume: null, city: c.city, country: c.country,
    salary_expectation: c.salaryExpectation, preferences: c.preferences,
  })),
};
const counts: Record<string, number> = {};
for (const e of train) counts[e.type] = (counts[e.type] ?? 0) + 1;
const touched: Set<number>[] = Array.from({ length: NC }, () => new Set());
for (const e of train) touched[e.candidateIndex]!.add(e.jobIndex);
const warmJobs = market.jobs.filter((j) => j.postedAt <= cutMs && j.expiresAt > cutMs).map((j) => j.index);
const coldJobs = market.jobs.filter((j) => j.postedAt > cutMs && j.postedAt < endMs).map((j) => j.index);
const trainedJobs = new Set(train.map((e) => e.jobIndex));
if (coldJobs.some((j) => trainedJobs.has(j))) throw new Error('a cold job has a training interaction');
const withHistory = touched.filter((s) => s.size > 0).length;
console.log(`training: ${JSON.stringify(counts)} on ${trainedJobs.size} jobs; ${withHistory} of ${NC} candidates have training events`);
console.log(`warm pool: ${warmJobs.length} jobs live at the cut (minus each candidate's own); cold pool: ${coldJobs.length} jobs posted after the cut`);

// ground truth per candidate: gains over the warm pool (own jobs removed) and the cold pool
t0 = performance.now();
interface Pool { jobs: number[]; gain: Float64Array; top: Float64Array; util: Float64Array }
const poolFor = (c: number, jobs: readonly number[]): Pool => {
  const own = touched[c]!;
  const js = jobs.filter((j) => !own.has(j));
  const truth = market.candidates[c]!.truth;
  const util = Float64Array.from(js, (j) => utility(truth, market.jobs[j]!.truth));
  const gain = util.map((u) => clickProbability(u)); // = truthGain(truth, job)
  return { jobs: js, gain, top: topNIndicator(util, K), util };
};
const warm = Array.from({ length: NC }, (_, c) => poolFor(c, warmJobs));
const cold = Array.from({ length: NC }, (_, c) => poolFor(c, coldJobs));
console.log(`ground truth over the pools: ${sec(t0)} s`);

interface Row { ndcg: number; ndcgTop: number; util: number; constant: number }
/** Mean metrics of the top-10 from `scoreOf(c, pool jobs)` (null = candidate's scores not available). */
const evaluate = (pools: Pool[], scoreOf: (c: number, jobs: number[]) => Float32Array): Row => {
  let ndcg = 0, ndcgTop = 0, util = 0, constant = 0;
  pools.forEach((p, c) => {
    const s = scoreOf(c, p.jobs);
    let same = true;
    for (let t = 1; t < s.length && same; t++) same = s[t] === s[0];
    if (same) constant++;
    const ranking = topK(s, K).map((x) => x.job); // ties by pool position = job index order
    ndcg += gradedNdcg(ranking, p.gain, K)!;
    ndcgTop += gradedNdcg(ranking, p.top, K)!;
    for (const r of ranking) util += p.util[r]! / K;
  });
  const n = pools.length;
  return { ndcg: ndcg / n, ndcgTop: ndcgTop / n, util: util / n, constant: constant / n };
};
const fmt = (r: Row): string => `${r.ndcg.toFixed(4)} | ${r.ndcgTop.toFixed(4)} | ${r.util.toFixed(3)}`;

const rows: string[] = [], coldRows: string[] = [];
const warmNdcg: Record<string, number> = {}; // for the BENCH_RESULT line (bench/run.mjs)
const rand = stream(SEED, 'bench-random');
const random = (_c: number, jobs: number[]): Float32Array => Float32Array.from(jobs, () => rand.next());
const oracle = (pools: Pool[]) => (c: number): Float32Array => Float32Array.from(pools[c]!.util);
rows.push(`| ideal (true utility) | ${fmt(evaluate(warm, oracle(warm)))} | – | – |`);
rows.push(`| random | ${fmt(evaluate(warm, random))} | – | – |`);
coldRows.push(`| ideal (true utility) | ${fmt(evaluate(cold, oracle(cold)))} | |`);
coldRows.push(`| random | ${fmt(evaluate(cold, random))} | |`);
for (const r of [...rows]) console.log(r);
for (const name of strategies) {
  t0 = performance.now();
  const model: Recommender = await fitRecommender(name, snapshot, params[name]);
  const fitS = sec(t0);
  t0 = performance.now();
  const w = evaluate(warm, (c, jobs) => model.score(c, jobs));
  warmNdcg[name] = w.ndcg;
  const line = `| ${name} | ${fmt(w)} | ${fitS} | ${sec(t0)} |`;
  rows.push(line);
  const cRow = evaluate(cold, (c, jobs) => model.score(c, jobs));
  const note = cRow.constant > 0.99 ? 'cannot score cold jobs (same score for every cold job; ranking = job order)' : '';
  coldRows.push(`| ${name} | ${fmt(cRow)} | ${note} |`);
  console.log(`${line}   cold: ${coldRows[coldRows.length - 1]}`);
}
console.log(`\nWarm: ${warmJobs.length} jobs live at the cut, own jobs excluded, ${NC} candidates, k = ${K}`);
console.log('| strategy | NDCG@10 (gain = click prob.) | NDCG@10 (true top-10) | mean utility of top 10 | train s | score s |\n|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`\nCold: ${coldJobs.length} jobs posted after the cut (no interactions), ${NC} candidates, k = ${K}`);
console.log('| strategy | NDCG@10 (gain = click prob.) | NDCG@10 (true top-10) | mean utility of top 10 | note |\n|---|---|---|---|---|');
for (const r of coldRows) console.log(r);
const bestOf = (ndcg: Record<string, number>) => Object.entries(ndcg).reduce<{ strategy: string; ndcg: number } | null>((b, [strategy, v]) => (b && b.ndcg >= v ? b : { strategy, ndcg: Number(v.toFixed(6)) }), null);
console.log(`BENCH_RESULT ${JSON.stringify({ name: 'recsys-market', candidates: NC, jobs: NJ, ndcg: warmNdcg, best: bestOf(warmNdcg) })}`);
