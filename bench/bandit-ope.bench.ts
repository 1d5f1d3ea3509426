/**
 * Bandit + off-policy evaluation acceptance bench (issue 9, part 5), pure, on the synthetic market.
 *
 * Per run (seed): a market (libs/simulator generateMarket) whose candidates are split into a logging panel and a
 * (larger) A/B panel from the same population. K strategies rank each candidate's pool of jobs by true utility plus
 * Gaussian noise of a strategy-specific sd (sharper = better), top 10. Each day each unit visits with its own
 * probability and gets one list; the simulator's behaviour model (respondToList: position-biased examination,
 * noisy utility, clicks) answers it; the reward is "the list got at least one click".
 *
 *  1. Logging: a bandit exactly as libs/experiments serves it — Thompson allocation (computeAllocation: Monte Carlo
 *     P(best) on Beta posteriors, exploration floor), one epoch per day, a unit's arm drawn per epoch by
 *     murmur3(bandit:phase seed:epoch:unit), the propensity logged per list. Also a uniformly randomised logging
 *     policy on the same panel, for comparison.
 *  2. Off-policy: IPS and SNIPS (libs/statistics offPolicyEstimate, unit-clustered 95% CIs) of every strategy's
 *     click rate per list from each logging policy.
 *  3. A/B: the A/B panel is split evenly among the strategies by hash for the same number of days; each strategy's
 *     click rate per list there, with its unit-clustered CI.
 *  4. Checks per strategy: the A/B rate lies inside the OPE CI (the acceptance criterion); the OPE − A/B difference
 *     is inside its combined 95% interval; the ground-truth rate (exact, from the behaviour model) lies inside the
 *     OPE CI. Over runs: coverage. Also the bandit's expected regret against the best strategy vs uniform
 *     allocation, and its share of traffic on the best strategy day by day.
 *
 * Usage: node bench/statistics-build.mjs bench/bandit-ope.bench.ts [--runs 20] [--seed 1] [--logging-units 3000] [--ab-units 40000] [--days 14]
 *        [--floor 0.05] [--json]
 */
import { computeAllocation, banditUnitDraw, pickArm, thompsonSeed, type ArmCounts } from '../libs/experiments/src/bandit.js';
import { clickProbability, DEFAULT_BEHAVIOUR, examinationProbability, respondToList } from '../libs/simulator/src/behaviour.js';
import { generateMarket } from '../libs/simulator/src/generate.js';
import { Mulberry32 } from '../libs/simulator/src/prng.js';
import { utility } from '../libs/simulator/src/utility.js';
import { offPolicyEstimate } from '../libs/statistics/src/off-policy.js';
import { SeededRng } from '../libs/statistics/src/rng.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 20), SEED = arg('seed', 1), L = arg('logging-units', 3000), A = arg('ab-units', 40000), DAYS = arg('days', 14), FLOOR = arg('floor', 0.05);
const JOBS = arg('jobs', 1500), POOL = arg('pool', 100), K_LIST = 10;
const JSON_OUT = process.argv.includes('--json');
const STRATEGIES = [
  { name: 'sharp', noise: 0.4 },
  { name: 'good', noise: 0.9 },
  { name: 'fair', noise: 1.5 },
  { name: 'noisy', noise: 3 },
];
const S = STRATEGIES.length;

/** E over ε ~ N(0, noise²) of the click probability at utility u (81-point trapezoid over ±5 sd). */
function expectedClick(u: number): number {
  const sd = DEFAULT_BEHAVIOUR.noise, n = 81;
  let s = 0, wsum = 0;
  for (let i = 0; i < n; i++) {
    const z = -5 + (10 * i) / (n - 1);
    const w = Math.exp(-0.5 * z * z) * (i === 0 || i === n - 1 ? 0.5 : 1);
    s += w * clickProbability(u + sd * z);
    wsum += w;
  }
  return s / wsum;
}

interface Panel {
  C: number;
  lists: Float64Array; // C × S × 10 utilities in ranked order
  truth: Float64Array; // C × S: P(at least one click on the list)
  visit: Float64Array;
}

function buildPanel(seed: number, C: number): Panel {
  const market = generateMarket({ seed, candidates: C, jobs: JOBS, days: 14, start: new Date('2026-01-05T00:00:00Z') });
  const rng = new SeededRng(seed ^ 0x0b4d17);
  const lists = new Float64Array(C * S * K_LIST), truth = new Float64Array(C * S), visit = new Float64Array(C);
  const u = new Float64Array(POOL), score = new Float64Array(POOL);
  const idx = Array.from({ length: POOL }, (_, i) => i);
  for (let c = 0; c < C; c++) {
    const cand = market.candidates[c]!.truth;
    for (let i = 0; i < POOL; i++) u[i] = utility(cand, market.jobs[rng.int(JOBS)]!.truth);
    for (let s = 0; s < S; s++) {
      for (let i = 0; i < POOL; i++) score[i] = u[i]! + STRATEGIES[s]!.noise * rng.normal();
      idx.sort((a, b) => score[b]! - score[a]!);
      let none = 1;
      for (let p = 0; p < K_LIST; p++) {
        const x = u[idx[p]!]!;
        lists[(c * S + s) * K_LIST + p] = x;
        none *= 1 - examinationProbability(p + 1) * expectedClick(x);
      }
      truth[c * S + s] = 1 - none;
    }
    visit[c] = 0.05 + 0.55 * rng.next() ** 2;
  }
  return { C, lists, truth, visit };
}

interface Logged {
  unit: number[];
  arm: number[];
  propensity: number[];
  reward: number[];
  regret: number;
  clicks: number;
  /** Per day: the best strategy's serving probability and its realised share of lists. */
  bestProbability: number[];
  bestShare: number[];
}

/** A logging period on units [from, to): 'bandit' (Thompson, floor, daily epochs) or 'uniform'. */
function logPeriod(panel: Panel, from: number, to: number, policy: 'bandit' | 'uniform', run: number, best: number, popTruth: number[]): Logged {
  const visits = new SeededRng((SEED * 7919 + run * 104729 + 1) >>> 0); // same visits for both policies
  const behaviour = new Mulberry32((SEED * 2_654_435_761 + run * 40503 + (policy === 'bandit' ? 11 : 23)) >>> 0);
  const phaseSeed = `bench-${SEED}-${run}-${policy}`;
  const names = STRATEGIES.map((s) => s.name);
  const counts: Record<string, ArmCounts> = Object.fromEntries(names.map((n) => [n, { trials: 0, successes: 0 }]));
  let probs = computeAllocation({ variants: names, counts, floor: FLOOR, samples: 10_000, seed: thompsonSeed(phaseSeed, 0), initialWeights: names.map(() => 1) }).map((a) => a.probability);
  const out: Logged = { unit: [], arm: [], propensity: [], reward: [], regret: 0, clicks: 0, bestProbability: [], bestShare: [] };
  const list = new Array<number>(K_LIST);
  for (let day = 0; day < DAYS; day++) {
    if (policy === 'uniform') probs = names.map(() => 1 / S);
    let served = 0, servedBest = 0;
    for (let c = from; c < to; c++) {
      if (visits.next() >= panel.visit[c]!) continue;
      const arm = pickArm(probs, banditUnitDraw(phaseSeed, day, String(c)));
      for (let p = 0; p < K_LIST; p++) list[p] = panel.lists[(c * S + arm) * K_LIST + p]!;
      const clicked = respondToList(list, 0, behaviour).some((e) => e.type === 'click') ? 1 : 0;
      out.unit.push(c);
      out.arm.push(arm);
      out.propensity.push(probs[arm]!);
      out.reward.push(clicked);
      out.clicks += clicked;
      out.regret += panel.truth[c * S + best]! - panel.truth[c * S + arm]!;
      counts[names[arm]!]!.trials++;
      counts[names[arm]!]!.successes += clicked;
      served++;
      if (arm === best) servedBest++;
    }
    out.bestProbability.push(probs[best]!);
    out.bestShare.push(served ? servedBest / served : NaN);
    // Next epoch from everything logged so far (the service's refresh).
    if (policy === 'bandit') probs = computeAllocation({ variants: names, counts, floor: FLOOR, samples: 10_000, seed: thompsonSeed(phaseSeed, day + 1) }).map((a) => a.probability);
  }
  void popTruth;
  return out;
}

/** The A/B test: units [from, to) split evenly by hash; per strategy its click rate per list with a unit-clustered CI. */
function abTest(panel: Panel, from: number, to: number, run: number) {
  const visits = new SeededRng((SEED * 15485863 + run * 32452843 + 5) >>> 0);
  const behaviour = new Mulberry32((SEED * 22_695_477 + run * 1_103_515_245 + 99) >>> 0);
  const even = STRATEGIES.map(() => 1 / S);
  const perArm = STRATEGIES.map(() => ({ unit: [] as number[], reward: [] as number[] }));
  const arms = new Int32Array(to - from);
  for (let c = from; c < to; c++) arms[c - from] = pickArm(even, banditUnitDraw(`ab-${SEED}-${run}`, 0, String(c)));
  const list = new Array<number>(K_LIST);
  for (let day = 0; day < DAYS; day++) {
    for (let c = from; c < to; c++) {
      if (visits.next() >= panel.visit[c]!) continue;
      const arm = arms[c - from]!;
      for (let p = 0; p < K_LIST; p++) list[p] = panel.lists[(c * S + arm) * K_LIST + p]!;
      perArm[arm]!.unit.push(c);
      perArm[arm]!.reward.push(respondToList(list, 0, behaviour).some((e) => e.type === 'click') ? 1 : 0);
    }
  }
  // A plain mean with a unit-clustered SE: IPS with propensity 1 on the arm's own lists.
  return perArm.map((x) => {
    const e = offPolicyEstimate({ rewards: x.reward, propensities: x.reward.map(() => 1), targetProbabilities: x.reward.map(() => 1), clusters: x.unit });
    return { n: x.reward.length, units: e.clusters, rate: e.ips.estimate, se: e.ips.se, ciLow: e.ips.ciLow, ciHigh: e.ips.ciHigh };
  });
}

interface ArmCheck {
  strategy: string;
  truth: number;
  ab: { rate: number; ciLow: number; ciHigh: number; n: number };
  ope: Record<'bandit' | 'uniform', { snips: number; snipsLow: number; snipsHigh: number; ips: number; ipsLow: number; ipsHigh: number; ess: number; matched: number; abInSnips: boolean; abInIps: boolean; truthInSnips: boolean; diffZ: number }>;
}

const t0 = performance.now();
const runs: Array<{ arms: ArmCheck[]; regret: Record<string, number>; clicks: Record<string, number>; lists: Record<string, number>; bestProbability: number[]; bestShare: number[] }> = [];
for (let run = 0; run < RUNS; run++) {
  const panel = buildPanel(SEED * 1000 + run, L + A);
  // Population truth: visit-weighted over every candidate of the market.
  let vsum = 0;
  const popTruth = STRATEGIES.map(() => 0);
  for (let c = 0; c < panel.C; c++) {
    vsum += panel.visit[c]!;
    for (let s = 0; s < S; s++) popTruth[s]! += panel.visit[c]! * panel.truth[c * S + s]!;
  }
  for (let s = 0; s < S; s++) popTruth[s]! /= vsum;
  const best = popTruth.indexOf(Math.max(...popTruth));
  const logs = { bandit: logPeriod(panel, 0, L, 'bandit', run, best, popTruth), uniform: logPeriod(panel, 0, L, 'uniform', run, best, popTruth) };
  const ab = abTest(panel, L, L + A, run);
  const arms: ArmCheck[] = STRATEGIES.map((s, i) => {
    const check = {} as ArmCheck['ope'];
    for (const policy of ['bandit', 'uniform'] as const) {
      const lg = logs[policy];
      const e = offPolicyEstimate({ rewards: lg.reward, propensities: lg.propensity, targetProbabilities: lg.arm.map((a) => (a === i ? 1 : 0)), clusters: lg.unit });
      const sn = e.snips!;
      check[policy] = {
        snips: sn.estimate, snipsLow: sn.ciLow, snipsHigh: sn.ciHigh, ips: e.ips.estimate, ipsLow: e.ips.ciLow, ipsHigh: e.ips.ciHigh, ess: e.effectiveSampleSize, matched: e.matched,
        abInSnips: ab[i]!.rate >= sn.ciLow && ab[i]!.rate <= sn.ciHigh,
        abInIps: ab[i]!.rate >= e.ips.ciLow && ab[i]!.rate <= e.ips.ciHigh,
        truthInSnips: popTruth[i]! >= sn.ciLow && popTruth[i]! <= sn.ciHigh,
        diffZ: (sn.estimate - ab[i]!.rate) / Math.sqrt(sn.se ** 2 + ab[i]!.se ** 2),
      };
    }
    return { strategy: s.name, truth: popTruth[i]!, ab: { rate: ab[i]!.rate, ciLow: ab[i]!.ciLow, ciHigh: ab[i]!.ciHigh, n: ab[i]!.n }, ope: check };
  });
  runs.push({
    arms,
    regret: { bandit: logs.bandit.regret, uniform: logs.uniform.regret },
    clicks: { bandit: logs.bandit.clicks, uniform: logs.uniform.clicks },
    lists: { bandit: logs.bandit.reward.length, uniform: logs.uniform.reward.length },
    bestProbability: logs.bandit.bestProbability,
    bestShare: logs.bandit.bestShare,
  });
  if (!JSON_OUT) process.stderr.write(`run ${run + 1}/${RUNS} done (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const rate = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;
const summary = {
  runs: RUNS, seed: SEED, loggingUnits: L, abUnits: A, days: DAYS, floor: FLOOR, strategies: STRATEGIES,
  perStrategy: STRATEGIES.map((s, i) => {
    const a = runs.map((r) => r.arms[i]!);
    const pol = (p: 'bandit' | 'uniform') => ({
      meanSnips: mean(a.map((x) => x.ope[p].snips)),
      meanSnipsHalfWidth: mean(a.map((x) => (x.ope[p].snipsHigh - x.ope[p].snipsLow) / 2)),
      meanIpsHalfWidth: mean(a.map((x) => (x.ope[p].ipsHigh - x.ope[p].ipsLow) / 2)),
      meanMatchedLists: mean(a.map((x) => x.ope[p].matched)),
      meanEss: mean(a.map((x) => x.ope[p].ess)),
      abRateInSnipsCi: rate(a.map((x) => x.ope[p].abInSnips)),
      abRateInIpsCi: rate(a.map((x) => x.ope[p].abInIps)),
      differenceWithinCombinedCi: rate(a.map((x) => Math.abs(x.ope[p].diffZ) < 1.959963984540054)),
      truthInSnipsCi: rate(a.map((x) => x.ope[p].truthInSnips)),
    });
    return { strategy: s.name, noise: s.noise, meanTruth: mean(a.map((x) => x.truth)), meanAbRate: mean(a.map((x) => x.ab.rate)), meanAbHalfWidth: mean(a.map((x) => (x.ab.ciHigh - x.ab.ciLow) / 2)), meanAbLists: mean(a.map((x) => x.ab.n)), bandit: pol('bandit'), uniform: pol('uniform') };
  }),
  coverage: {} as Record<string, number>,
  regret: {
    bandit: mean(runs.map((r) => r.regret['bandit']!)),
    uniform: mean(runs.map((r) => r.regret['uniform']!)),
    banditPerList: mean(runs.map((r) => r.regret['bandit']! / r.lists['bandit']!)),
    uniformPerList: mean(runs.map((r) => r.regret['uniform']! / r.lists['uniform']!)),
  },
  clickRate: { bandit: mean(runs.map((r) => r.clicks['bandit']! / r.lists['bandit']!)), uniform: mean(runs.map((r) => r.clicks['uniform']! / r.lists['uniform']!)) },
  bestArmProbabilityByDay: Array.from({ length: DAYS }, (_, d) => mean(runs.map((r) => r.bestProbability[d]!))),
  bestArmShareByDay: Array.from({ length: DAYS }, (_, d) => mean(runs.map((r) => r.bestShare[d]!))),
  seconds: 0,
};
for (const p of ['bandit', 'uniform'] as const) {
  const all = runs.flatMap((r) => r.arms.map((x) => x.ope[p]));
  summary.coverage[`${p}: A/B rate in SNIPS CI`] = rate(all.map((x) => x.abInSnips));
  summary.coverage[`${p}: A/B rate in IPS CI`] = rate(all.map((x) => x.abInIps));
  summary.coverage[`${p}: SNIPS − A/B within combined 95% CI`] = rate(all.map((x) => Math.abs(x.diffZ) < 1.959963984540054));
  summary.coverage[`${p}: truth in SNIPS CI`] = rate(all.map((x) => x.truthInSnips));
}
summary.seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
const benchResult = {
  name: 'bandit-ope', runs: RUNS, loggingUnits: L, abUnits: A, seconds: summary.seconds,
  coverageSnips: summary.coverage['bandit: A/B rate in SNIPS CI'], coverageIps: summary.coverage['bandit: A/B rate in IPS CI'],
  regretRatio: Number((summary.regret.bandit / summary.regret.uniform).toFixed(3)),
};

if (JSON_OUT) {
  console.log(JSON.stringify(summary, null, 2));
} else {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(`bandit + OPE bench: ${RUNS} runs (seed ${SEED}), logging panel ${L} units, A/B panel ${A} units, ${DAYS} days, exploration floor ${FLOOR}, ${summary.seconds} s`);
  console.log('click rate per list (at least one click); OPE from the bandit log (and from a uniform log); A/B with each strategy on 1/4 of the A/B panel');
  console.log(['strategy', 'truth', 'A/B rate ±', 'bandit SNIPS ±', 'ESS', 'A/B in CI', 'truth in CI', 'uniform SNIPS ±', 'A/B in CI'].join(' | '));
  for (const s of summary.perStrategy) {
    console.log([s.strategy, pct(s.meanTruth), `${pct(s.meanAbRate)} ±${pct(s.meanAbHalfWidth)}`, `${pct(s.bandit.meanSnips)} ±${pct(s.bandit.meanSnipsHalfWidth)}`, s.bandit.meanEss.toFixed(0), s.bandit.abRateInSnipsCi.toFixed(2), s.bandit.truthInSnipsCi.toFixed(2), `${pct(s.uniform.meanSnips)} ±${pct(s.uniform.meanSnipsHalfWidth)}`, s.uniform.abRateInSnipsCi.toFixed(2)].join(' | '));
  }
  console.log('coverage over all strategies and runs:');
  for (const [k, v] of Object.entries(summary.coverage)) console.log(`  ${k}: ${v.toFixed(3)}`);
  console.log(`regret (expected clicked lists lost vs always serving the best strategy): bandit ${summary.regret.bandit.toFixed(1)} (${summary.regret.banditPerList.toFixed(4)} per list), uniform ${summary.regret.uniform.toFixed(1)} (${summary.regret.uniformPerList.toFixed(4)} per list): ${(summary.regret.bandit / summary.regret.uniform).toFixed(2)}x`);
  console.log(`realised click rate per list: bandit ${pct(summary.clickRate.bandit)}, uniform ${pct(summary.clickRate.uniform)}`);
  console.log(`best strategy's serving probability by day: ${summary.bestArmProbabilityByDay.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`best strategy's realised share by day:     ${summary.bestArmShareByDay.map((x) => x.toFixed(2)).join(' ')}`);
}
console.log(`BENCH_RESULT ${JSON.stringify(benchResult)}`);
