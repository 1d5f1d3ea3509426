// Statistics engine benches. Run: node bench/statistics-build.mjs bench/statistics.bench.ts [--units 1000000] [--metrics 10]
//   [--aa-runs 500] [--aa-units 2000] [--il-units 20000] [--skip-aa]
// 1. Analysis of one experiment with N units × M metrics from per-unit arrays: one pass per metric for the sums (with
//    a pre-period covariate for CUPED), then per metric Welch + relative lift + CUPED + sequential + Bayesian; SRM; Holm
//    and BH across metrics. Data generation is not timed.
// 2. 500 A/A simulations on the synthetic market with daily peeking (libs/statistics/src/calibration.ts).
// 3. Interleaving vs A/B on the synthetic market with a known better ranking (utility + N(0, 0.9²) vs + N(0, 1.2²)):
//    the per-unit effect and its sd are estimated on `il-units` simulated users for both designs (14 days, the
//    simulator's behaviour model), then the users needed for 95% power at alpha 0.05: A/B on the apply rate (share of
//    users with an apply; two arms) vs team-draft interleaving (per-user preference from click credit; everyone sees both).
import { benjaminiHochbergAdjust, compareArms, holmAdjust, srmCheck } from '../libs/statistics/src/analysis.js';
import { buildPanel, simulateExperiments } from '../libs/statistics/src/calibration.js';
import { creditPerTeam, preferenceScore, preferenceSampleSize, teamDraftInterleave, unitPreference } from '../libs/statistics/src/interleaving.js';
import { sampleSize } from '../libs/statistics/src/power.js';
import { SeededRng } from '../libs/statistics/src/rng.js';
import { respondToList } from '../libs/simulator/src/behaviour.js';
import { Mulberry32 } from '../libs/simulator/src/prng.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const N = Number(arg('units', '1000000')), M = Number(arg('metrics', '10'));
const sec = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(3));
const report: Record<string, unknown> = {};

// ---- 1. analysis of 1,000,000 units × 10 metrics ----
{
  const rng = new SeededRng(42);
  const arm = new Uint8Array(N);
  for (let i = 0; i < N; i++) arm[i] = rng.next() < 0.5 ? 1 : 0;
  const metrics = Array.from({ length: M }, (_, m) => {
    const y = new Float64Array(N), x = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      x[i] = -Math.log(1 - rng.next()) * 2; // pre-period engagement
      y[i] = m % 3 === 1 ? (rng.next() < 0.1 + 0.01 * arm[i]! ? 1 : 0) : 0.8 * x[i]! + rng.normal() + 0.02 * arm[i]!;
    }
    return { y, x, kind: m % 3 === 1 ? ('proportion' as const) : m % 3 === 2 ? ('ratio' as const) : ('mean' as const) };
  });
  const t0 = performance.now();
  const pvals: number[] = [];
  let counts = [0, 0];
  for (const { y, x, kind } of metrics) {
    // split by arm in one pass into sums
    const s = [0, 1].map(() => ({ n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 }));
    for (let i = 0; i < N; i++) {
      const a = s[arm[i]!]!, v = y[i]!, w = kind === 'ratio' ? x[i]! + 1 : x[i]!;
      a.n++; a.sumY += v; a.sumY2 += v * v; a.sumX += w; a.sumX2 += w * w; a.sumXY += v * w;
    }
    counts = [s[0]!.n, s[1]!.n];
    const r = compareArms(s[0]!, s[1]!, { kind, cuped: kind !== 'ratio', sequentialTuning: 5000 });
    pvals.push((r.cuped?.absolute ?? r.absolute).p);
  }
  srmCheck(counts, [1, 1]);
  holmAdjust(pvals);
  benjaminiHochbergAdjust(pvals);
  report.analysis = { units: N, metrics: M, seconds: sec(t0), target: '< 10 s' };
}

// ---- 2. 500 A/A simulations ----
if (!process.argv.includes('--skip-aa')) {
  const t0 = performance.now();
  const panel = buildPanel({});
  const r = simulateExperiments(panel, { runs: Number(arg('aa-runs', '500')), units: Number(arg('aa-units', '2000')), peek: 'daily' });
  report.aaSimulations = { runs: r.runs, units: r.units, days: r.days, peek: r.peek, seconds: sec(t0), falsePositiveRate: r.falsePositiveRate, metrics: r.metrics, target: '< 300 s' };
}

// ---- 3. interleaving vs A/B ----
{
  const t0 = performance.now();
  const panel = buildPanel({});
  const U = Number(arg('il-units', '20000')), days = 14, k = panel.listLength;
  const rng = new SeededRng(99), behaviour = new Mulberry32(12345);
  // A/B: each user sees one strategy for the whole experiment; outcome = applied at least once
  const applied = [new Float64Array(U), new Float64Array(U)];
  const prefs: (number | null)[] = [];
  const list = new Array<number>(k);
  for (let u = 0; u < U; u++) {
    const c = rng.int(panel.candidates), visit = panel.visitRate[c]!;
    const credits: number[][] = [];
    for (let d = 0; d < days; d++) {
      if (rng.next() >= visit) continue;
      for (const arm of [0, 1]) {
        const src = arm === 0 ? panel.control : panel.better;
        for (let p = 0; p < k; p++) list[p] = src[c * k + p]!;
        for (const e of respondToList(list, 0, behaviour)) if (e.type === 'apply') applied[arm]![u] = 1;
      }
      // interleaving: the same user on the same day sees one team-draft list of both rankings
      const pool = panel.pools[c]!;
      const il = teamDraftInterleave([Array.from(pool.controlIds), Array.from(pool.betterIds)], k, () => rng.next());
      const utilities = il.map((x) => pool.utilityOf.get(x.item)!);
      const clicks = respondToList(utilities, 0, behaviour).filter((e) => e.type === 'click').map((e) => e.position - 1);
      credits.push(creditPerTeam(il, clicks, 2));
    }
    prefs.push(unitPreference(credits, 1, 0)); // better over control
  }
  const pC = applied[0]!.reduce((a, b) => a + b, 0) / U, pT = applied[1]!.reduce((a, b) => a + b, 0) / U;
  const ab = sampleSize({ kind: 'proportion', baseline: pC, relativeMde: pT / pC - 1, alpha: 0.05, power: 0.95 });
  const pref = preferenceScore(prefs, { seed: 3 });
  const sd = pref.se * Math.sqrt(pref.units);
  // users with an informative list are `units` of `unitsTotal`: scale up to all users exposed
  const ilUsers = Math.ceil(preferenceSampleSize(pref.preference, sd, 0.05, 0.95) * (pref.unitsTotal / pref.units));
  report.interleavingVsAb = {
    simulatedUsers: U,
    abApplyRate: { control: pC, better: pT, relativeLift: pT / pC - 1, usersFor95Power: ab.total },
    interleaving: { preference: pref.preference, ci: [pref.ciLow, pref.ciHigh], perUserSd: sd, informativeShare: pref.units / pref.unitsTotal, usersFor95Power: ilUsers },
    ratio: Number((ab.total / ilUsers).toFixed(1)),
    target: '≥ 10x fewer users',
    seconds: sec(t0),
  };
}
console.log(JSON.stringify(report, null, 2));
const analysis = report.analysis as { units: number; seconds: number }, aa = report.aaSimulations as { runs: number; seconds: number; falsePositiveRate: unknown } | undefined;
console.log(`BENCH_RESULT ${JSON.stringify({
  name: 'statistics', analysis: { ...analysis, unitsPerSecond: Math.round(analysis.units / Math.max(analysis.seconds, 0.001)) },
  aa: aa && { runs: aa.runs, seconds: aa.seconds, runsPerSecond: Number((aa.runs / aa.seconds).toFixed(2)), falsePositiveRate: aa.falsePositiveRate },
  interleaving: { ratio: (report.interleavingVsAb as { ratio: number }).ratio },
})}`);
