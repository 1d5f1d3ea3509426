// Continuous learning on the synthetic market: a frozen model vs a continuously retrained one, ground-truth NDCG@10 per day.
// Run: `node bench/recsys-build.mjs bench/continuous-learning.bench.ts [--candidates 2000 --jobs 5000 --days 30 --seed 1
//       --first-days 7 --retrain-every 3 --eval-candidates 600 --strategy als --params '{"factors":32}']`
//
// Protocol (in memory, no database). generateMarket + simulateHistory (libs/simulator) give 30 days of logged events
// (impressions, clicks, saves, applies, dismissals) from the simulator's logging policy. Day d starts at
// t_d = start + d days.
// - frozen: one model trained on the events before t_FIRST (day 7) and never retrained.
// - retrained: the same model retrained every RETRAIN days (7, 10, 13, …) on every event before the retrain time,
//   the way a retraining policy with a 3-day interval trains each new version.
// Each model knows only the jobs posted before its training cut-off (a registered version's catalogue): jobs posted
// later cannot be ranked by it and sink to the bottom of its list. Serving uses request-time fold-in (as
// ModelServing.recommend does): a candidate's positive events after the model's cut-off and before t_d are folded into
// their vector (ALS: alsFoldIn; two-tower: the candidate tower + recent jobs), with libs/training's weights. The
// "frozen, no fold-in" arm serves the trained vectors as they are. The last two columns repeat the comparison on the
// live jobs posted before the frozen cut-off only (both versions know them), separating the value of more data from
// that of knowing new postings.
// Evaluation on each day d from FIRST+1 to DAYS: for a fixed seeded sample of candidates, the pool is every job live at
// t_d (posted ≤ t_d < expiry) minus the jobs the candidate had an event on before t_d; each arm ranks the pool; the
// gain is the simulator's truthGain = click probability of the noise-free utility (DCG@10 = expected clicks), NDCG@10
// against the pool's best 10 (as bench/recsys-market.bench.ts).
import { fitRecommender, type InteractionType, type Recommender, type TrainingSnapshot } from '@app/recsys';
import { clickProbability, examinationProbability } from '../libs/simulator/src/behaviour.js';
import { generateMarket } from '../libs/simulator/src/generate.js';
import { simulateHistory, type SimInteraction } from '../libs/simulator/src/history.js';
import { stream } from '../libs/simulator/src/prng.js';
import { utility } from '../libs/simulator/src/utility.js';
import { candidateFeatures, INTERACTION_WEIGHTS, jobFeatures } from '../libs/training/src/snapshot.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const SEED = Number(arg('seed', '1')), NC = Number(arg('candidates', '2000')), NJ = Number(arg('jobs', '5000'));
const DAYS = Number(arg('days', '30')), FIRST = Number(arg('first-days', '7')), RETRAIN = Number(arg('retrain-every', '3'));
const EVAL_N = Number(arg('eval-candidates', '600'));
const STRATEGY = arg('strategy', 'als');
const PARAMS = JSON.parse(arg('params', STRATEGY === 'als' ? '{"factors":32,"iterations":15}' : '{}')) as Record<string, unknown>;
const K = 10;
const START = new Date('2026-01-05T00:00:00Z');
const DAY = 86_400_000;
const t = (d: number) => START.getTime() + d * DAY;
const sec = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(1);

let t0 = performance.now();
const market = generateMarket({ seed: SEED, candidates: NC, jobs: NJ, days: DAYS, start: START });
const events: SimInteraction[] = [];
simulateHistory(market, (_day, ev) => { for (const e of ev) events.push(e); });
events.sort((a, b) => a.occurredAt - b.occurredAt);
const positives = events.filter((e) => e.type !== 'impression');
console.log(`market seed ${SEED}: ${NC} candidates, ${NJ} jobs, ${DAYS} days, ${events.length} events, ${positives.length} non-impression (${sec(t0)} s)`);
console.log(`${STRATEGY} ${JSON.stringify(PARAMS)}; frozen: trained on days 0–${FIRST - 1}; retrained every ${RETRAIN} days on all events so far; ${EVAL_N} candidates evaluated per day`);

const jobsF = market.jobs.map((j) => jobFeatures({
  id: j.externalId, title: j.title, description: j.description, skills: j.skills, city: j.city, country: j.country, remote: j.remote,
  salary_annual_min: j.salaryAnnualMin, salary_annual_max: j.salaryAnnualMax, seniority: j.seniority, employment_type: j.employmentType,
  expires_at: new Date(j.expiresAt), status: 'active',
}));
const candsF = market.candidates.map((c) => candidateFeatures({
  id: c.externalId, desired_titles: c.desiredTitles, skills: c.skills, resume: null, city: c.city, country: c.country,
  salary_expectation: c.salaryExpectation, preferences: c.preferences,
}));

interface Trained { model: Recommender; cutoff: number; knows: Uint8Array; seconds: number }
/** A version trained at `cutoff` on the events before it (libs/training's weights; impressions ignored). */
async function train(cutoff: number): Promise<Trained> {
  const rows = positives.filter((e) => e.occurredAt < cutoff);
  const snapshot: TrainingSnapshot = {
    numCandidates: NC, numJobs: NJ,
    interactions: {
      candidate: Int32Array.from(rows, (e) => e.candidateIndex),
      job: Int32Array.from(rows, (e) => e.jobIndex),
      weight: Float32Array.from(rows, (e) => INTERACTION_WEIGHTS[e.type]),
      time: Float64Array.from(rows, (e) => e.occurredAt / 1000),
      type: rows.map((e) => e.type as Exclude<SimInteraction['type'], 'impression'> satisfies InteractionType),
    },
    jobs: jobsF, candidates: candsF,
  };
  const t1 = performance.now();
  const model = await fitRecommender(STRATEGY, snapshot, PARAMS);
  const knows = Uint8Array.from(market.jobs, (j) => (j.postedAt < cutoff ? 1 : 0));
  return { model, cutoff, knows, seconds: (performance.now() - t1) / 1000 };
}

// evaluation sample and ground truth (utility cached per sampled candidate × job)
const rand = stream(SEED, 'continuous-learning-sample');
const order = Array.from({ length: NC }, (_, i) => i);
for (let i = NC - 1; i > 0; i--) { const r = Math.floor(rand.next() * (i + 1)); [order[i], order[r]] = [order[r]!, order[i]!]; }
const sample = order.slice(0, Math.min(EVAL_N, NC)).sort((a, b) => a - b);
t0 = performance.now();
const gainOf = sample.map((c) => Float64Array.from(market.jobs, (j) => clickProbability(utility(market.candidates[c]!.truth, j.truth))));
console.log(`ground truth for ${sample.length} × ${NJ} pairs: ${sec(t0)} s`);
const byCandidate: SimInteraction[][] = Array.from({ length: NC }, () => []);
for (const e of events) byCandidate[e.candidateIndex]!.push(e);

/** Request-time fold-in query: positive events of the candidate in [cutoff, now), with their training weights. */
function query(c: number, cutoff: number, now: number, foldIn: boolean) {
  if (!foldIn) return { index: c };
  const history: number[] = [], historyWeights: number[] = [];
  for (const e of byCandidate[c]!) {
    if (e.occurredAt < cutoff || e.occurredAt >= now || e.type === 'impression' || e.type === 'dismiss') continue;
    history.push(e.jobIndex); historyWeights.push(INTERACTION_WEIGHTS[e.type]);
  }
  return history.length ? { index: c, history, historyWeights } : { index: c };
}

/** Mean NDCG@10 (gain = click probability) over the sample on day d (oldOnly: only jobs posted before the frozen cut-off). */
function evaluateDay(m: Trained, d: number, foldIn: boolean, oldOnly = false): number {
  const now = t(d);
  const live = market.jobs.filter((j) => j.postedAt <= now && j.expiresAt > now && (!oldOnly || j.postedAt < t(FIRST))).map((j) => j.index);
  let sum = 0;
  sample.forEach((c, s) => {
    const seen = new Set(byCandidate[c]!.filter((e) => e.occurredAt < now).map((e) => e.jobIndex));
    const pool = live.filter((j) => !seen.has(j));
    const gain = gainOf[s]!;
    const scores = m.model.score(query(c, m.cutoff, now, foldIn), pool);
    // jobs the version does not know cannot be recommended by it: below every known job
    const ranked = pool.map((j, i) => ({ j, s: m.knows[j] ? scores[i]! : -Infinity, i }))
      .sort((a, b) => b.s - a.s || a.i - b.i).slice(0, K);
    let dcg = 0;
    ranked.forEach((r, p) => { dcg += gain[r.j]! * examinationProbability(p + 1); });
    const best = pool.map((j) => gain[j]!).sort((a, b) => b - a);
    let idcg = 0;
    for (let p = 0; p < Math.min(K, best.length); p++) idcg += best[p]! * examinationProbability(p + 1);
    sum += idcg > 0 ? dcg / idcg : 0;
  });
  return sum / sample.length;
}

t0 = performance.now();
const frozen = await train(t(FIRST));
console.log(`frozen version trained at day ${FIRST} in ${frozen.seconds.toFixed(1)} s`);
let current = frozen;
const retrainDays: number[] = [FIRST];
const rows: string[] = [];
const series: Array<{ day: number; frozenNo: number; frozen: number; retrained: number; knownShare: number; knownShareR: number; frozenOld: number; retrainedOld: number }> = [];
for (let d = FIRST + 1; d <= DAYS; d++) {
  // the policy fires every RETRAIN days: a new version on everything before t_d
  if ((d - FIRST) % RETRAIN === 0 && d < DAYS + 1) {
    current = await train(t(d));
    retrainDays.push(d);
  }
  const now = t(d);
  const live = market.jobs.filter((j) => j.postedAt <= now && j.expiresAt > now);
  const knownShare = live.filter((j) => frozen.knows[j.index]).length / live.length;
  const knownShareR = live.filter((j) => current.knows[j.index]).length / live.length;
  const r = {
    day: d, frozenNo: evaluateDay(frozen, d, false), frozen: evaluateDay(frozen, d, true), retrained: evaluateDay(current, d, true), knownShare, knownShareR,
    // the same comparison on the jobs both versions know (posted before the frozen cut-off): retraining beyond new postings
    frozenOld: evaluateDay(frozen, d, true, true), retrainedOld: evaluateDay(current, d, true, true),
  };
  series.push(r);
  const line = `| ${d} | ${r.frozenNo.toFixed(4)} | ${r.frozen.toFixed(4)} | ${r.retrained.toFixed(4)} | ${(100 * knownShare).toFixed(0)}% | ${(100 * knownShareR).toFixed(0)}% | day ${retrainDays[retrainDays.length - 1]} | ${r.frozenOld.toFixed(4)} | ${r.retrainedOld.toFixed(4)} |`;
  rows.push(line);
  console.log(line);
}
const last = series[series.length - 1]!;
const lastWeek = series.slice(-7);
const mean = (k: 'frozenNo' | 'frozen' | 'retrained' | 'frozenOld' | 'retrainedOld') => lastWeek.reduce((a, r) => a + r[k], 0) / lastWeek.length;
console.log(`\n${STRATEGY}: NDCG@10 (gain = click probability) per evaluation day, ${sample.length} candidates, pool = jobs live that day minus the candidate's own; whole run ${sec(t0)} s`);
console.log(`| day | frozen, no fold-in | frozen + fold-in | retrained every ${RETRAIN} d + fold-in | live jobs the frozen model knows | … the retrained model knows | retrained version from | frozen + fold-in, jobs posted before day ${FIRST} only | retrained + fold-in, same jobs |\n|---|---|---|---|---|---|---|---|---|`);
for (const r of rows) console.log(r);
console.log(`\nlast day (${last.day}): frozen ${last.frozen.toFixed(4)} (no fold-in ${last.frozenNo.toFixed(4)}), retrained ${last.retrained.toFixed(4)} → ${last.retrained > last.frozen ? 'retrained ABOVE frozen' : 'retrained NOT above frozen'} (+${(100 * (last.retrained / last.frozen - 1)).toFixed(1)}%)`);
console.log(`mean of the last 7 days: frozen ${mean('frozen').toFixed(4)} (no fold-in ${mean('frozenNo').toFixed(4)}), retrained ${mean('retrained').toFixed(4)}`);
console.log(`on the jobs posted before day ${FIRST} only (both versions know them): last day frozen ${last.frozenOld.toFixed(4)}, retrained ${last.retrainedOld.toFixed(4)}; last 7 days ${mean('frozenOld').toFixed(4)} vs ${mean('retrainedOld').toFixed(4)}`);
console.log(`BENCH_RESULT ${JSON.stringify({ name: 'continuous-learning', strategy: STRATEGY, candidates: NC, jobs: NJ, lastDay: last.day, frozen: Number(last.frozen.toFixed(4)), frozenNoFoldIn: Number(last.frozenNo.toFixed(4)), retrained: Number(last.retrained.toFixed(4)), lastWeekFrozen: Number(mean('frozen').toFixed(4)), lastWeekRetrained: Number(mean('retrained').toFixed(4)) })}`);
if (!(last.retrained > last.frozen)) process.exitCode = 1;
