/**
 * Calibration by simulation on the synthetic market. The market (libs/simulator generateMarket) gives candidates
 * and jobs with their ground-truth utility; each simulated unit is a candidate who visits on some days and each
 * visit is answered by the simulator's behaviour model (respondToList: position-biased examination, noisy utility,
 * clicks, saves, applies). Two ranking strategies are precomputed per candidate over a sampled pool of jobs:
 * "control" ranks by utility + N(0, 1.2²) and "better" by utility + N(0, 0.9²) (a strictly better ranker).
 * A/A runs give both arms the control strategy; A/B runs give the treatment the better one. Every run redraws
 * units, assignment (50/50) and behaviour, so the runs are independent; everything is seeded.
 *
 * Pure (no Nest); imports the pure simulator modules by path, like the benches do.
 */
import { respondToList } from '../../simulator/src/behaviour.js';
import { generateMarket } from '../../simulator/src/generate.js';
import { Mulberry32 } from '../../simulator/src/prng.js';
import { utility } from '../../simulator/src/utility.js';
import { compareArms, srmCheck, type ArmSummary } from './analysis.js';
import { groupSequentialBoundaries } from './group-sequential.js';
import { powerAt } from './power.js';
import { SeededRng } from './rng.js';
import { StatisticsError } from './statistics.errors.js';

export interface PanelOptions {
  seed?: number;
  candidates?: number;
  jobs?: number;
  /** Jobs sampled per candidate as the pool a strategy ranks. */
  poolSize?: number;
  listLength?: number;
  /** Ranking noise (sd added to the true utility) of the control and the better strategy. */
  controlNoise?: number;
  betterNoise?: number;
}

/** Per candidate: the utilities of each strategy's list in ranked order, and a daily visit probability. */
export interface Panel {
  candidates: number;
  listLength: number;
  control: Float64Array;
  better: Float64Array;
  visitRate: Float64Array;
  /** Per candidate: the pool's top-k ids of both strategies (for interleaving). */
  pools: { controlIds: Int32Array; betterIds: Int32Array; utilityOf: Map<number, number> }[];
}

export function buildPanel(opts: PanelOptions = {}): Panel {
  const seed = opts.seed ?? 1, C = opts.candidates ?? 1000, J = opts.jobs ?? 1500, pool = opts.poolSize ?? 150, k = opts.listLength ?? 10;
  const market = generateMarket({ seed, candidates: C, jobs: J, days: 14, start: new Date('2026-01-05T00:00:00Z') });
  const rng = new SeededRng(seed ^ 0x5eed);
  const control = new Float64Array(C * k), better = new Float64Array(C * k), visitRate = new Float64Array(C);
  const pools: Panel['pools'] = [];
  for (let c = 0; c < C; c++) {
    const cand = market.candidates[c]!.truth;
    const ids = new Int32Array(pool);
    const u = new Float64Array(pool);
    const utilityOf = new Map<number, number>();
    for (let i = 0; i < pool; i++) {
      ids[i] = rng.int(J);
      u[i] = utility(cand, market.jobs[ids[i]!]!.truth);
      utilityOf.set(ids[i]!, u[i]!);
    }
    const rank = (noise: number): number[] => {
      const score = Array.from(u, (v) => v + noise * rng.normal());
      return Array.from({ length: pool }, (_, i) => i).sort((a, b) => score[b]! - score[a]!).slice(0, k);
    };
    const rc = rank(opts.controlNoise ?? 1.2), rb = rank(opts.betterNoise ?? 0.9);
    rc.forEach((i, p) => (control[c * k + p] = u[i]!));
    rb.forEach((i, p) => (better[c * k + p] = u[i]!));
    // heterogeneous activity: daily visit probability between 0.05 and 0.6
    visitRate[c] = 0.05 + 0.55 * rng.next() ** 2;
    pools.push({ controlIds: Int32Array.from(rc, (i) => ids[i]!), betterIds: Int32Array.from(rb, (i) => ids[i]!), utilityOf });
  }
  return { candidates: C, listLength: k, control, better, visitRate, pools };
}

export interface SimulationOptions {
  runs: number;
  units: number;
  days?: number;
  alpha?: number;
  /** 'daily': results are looked at after every day (sequential intervals decide); 'none': once at the end. */
  peek?: 'none' | 'daily';
  /** A/B: the treatment gets the better strategy. */
  effect?: boolean;
  seed?: number;
  /** Tuning N* of the always-valid interval (default: the planned number of units, as GrowthBook recommends). */
  sequentialTuning?: number;
}

interface RunOutcome {
  /** Per metric: significant at the end (fixed horizon); significant on some day with the sequential CI; with the fixed CI. */
  fixed: boolean[];
  sequential: boolean[];
  groupSequential: boolean[];
  naivePeeking: boolean[];
  lift: number[];
  srmFlag: boolean;
  units: number[];
  /** Per metric and day: the lift estimate (the pilot correlates them across runs). */
  variances: Float64Array[];
}

const METRICS = ['clicksPerUnit', 'appliedProportion', 'clickThroughRate'] as const;

/** One simulated experiment. Metrics per unit: clicks (mean), applied at least once (proportion), clicks/impressions (ratio). */
function simulateRun(panel: Panel, o: Required<Omit<SimulationOptions, 'runs' | 'sequentialTuning'>> & { sequentialTuning: number; boundaries: number[][] }, run: number): RunOutcome {
  const rng = new SeededRng((o.seed * 1_000_003 + run * 7919) >>> 0);
  const behaviour = new Mulberry32((o.seed * 2_654_435_761 + run * 40503 + 17) >>> 0);
  const N = o.units, k = panel.listLength;
  const cand = new Int32Array(N), arm = new Uint8Array(N), exposed = new Uint8Array(N);
  const clicks = new Float64Array(N), applied = new Float64Array(N), impressions = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    cand[i] = rng.int(panel.candidates);
    arm[i] = rng.next() < 0.5 ? 1 : 0;
  }
  const list = new Array<number>(k);
  const variances = [0, 1, 2].map(() => new Float64Array(o.days).fill(NaN));
  const fixed = [false, false, false], sequential = [false, false, false], group = [false, false, false], naive = [false, false, false];
  let last: ReturnType<typeof analyse> | null = null;
  const analyse = () => {
    const ys = [clicks, applied, clicks];
    const out = [];
    for (let m = 0; m < 3; m++) {
      const s: ArmSummary[] = [0, 1].map(() => ({ n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 }));
      const y = ys[m]!;
      for (let i = 0; i < N; i++) {
        if (!exposed[i]) continue;
        const a = s[arm[i]!]!;
        const v = y[i]!, w = impressions[i]!;
        a.n++;
        a.sumY += v;
        a.sumY2 += v * v;
        a.sumX! += w;
        a.sumX2! += w * w;
        a.sumXY! += v * w;
      }
      if (s[0]!.n < 2 || s[1]!.n < 2 || (m === 1 && (s[0]!.sumY === 0 || s[1]!.sumY === 0))) {
        out.push(null);
        continue;
      }
      out.push({ cmp: compareArms(s[0]!, s[1]!, { kind: (['mean', 'proportion', 'ratio'] as const)[m]!, alpha: o.alpha, sequentialTuning: o.sequentialTuning, priorSd: null }), n: [s[0]!.n, s[1]!.n] });
    }
    return out;
  };
  for (let day = 0; day < o.days; day++) {
    for (let i = 0; i < N; i++) {
      const c = cand[i]!;
      if (rng.next() >= panel.visitRate[c]!) continue;
      exposed[i] = 1;
      const src = arm[i] === 1 && o.effect ? panel.better : panel.control;
      for (let p = 0; p < k; p++) list[p] = src[c * k + p]!;
      impressions[i]! += k;
      for (const e of respondToList(list, 0, behaviour)) {
        if (e.type === 'click') clicks[i]!++;
        else if (e.type === 'apply') applied[i] = 1;
      }
    }
    if (o.peek === 'daily' || day === o.days - 1) {
      last = analyse();
      last.forEach((r, m) => {
        if (!r) return;
        if (r.cmp.sequential!.significant) sequential[m] = true;
        if (r.cmp.absolute.p < o.alpha) naive[m] = true;
        if (o.peek === 'daily' && o.boundaries.length && Math.abs(r.cmp.absolute.estimate / r.cmp.absolute.se) >= o.boundaries[m]![day]!) group[m] = true;
        variances[m]![day] = r.cmp.absolute.estimate;
      });
    }
  }
  last!.forEach((r, m) => (fixed[m] = !!r && r.cmp.absolute.p < o.alpha));
  const n = last![0]?.n ?? [0, 0];
  return {
    fixed, sequential, groupSequential: group, naivePeeking: naive, variances, lift: last!.map((r) => (r ? r.cmp.absolute.estimate : NaN)), srmFlag: srmCheck(n, [1, 1]).flagged, units: n,
    // per-unit sd of the primary metric (pooled) for the power prediction
    ...{ sd: last![0] ? Math.sqrt((last![0].cmp.control.variance + last![0].cmp.treatment.variance) / 2) : NaN, mean: last![0]?.cmp.control.mean ?? NaN },
  } as RunOutcome;
}

/**
 * Planned information fractions of the daily looks, per metric, as an analyst plans them from historical traffic:
 * under H0 the lift estimates of successive looks behave like Brownian motion in information time, so
 * corr(estimate_d, estimate_last) = √(t_d). A pilot of 100 A/A runs on the same panel (other seeds) estimates that
 * correlation for each day; t_d = corr², made increasing, the last look at 1. (Neither exposure counts nor 1/Var work
 * here: each unit's cumulative metric keeps accruing, so the estimate's variance grows while information grows too.)
 */
export function plannedFractions(panel: Panel, o: Parameters<typeof simulateRun>[1]): number[][] {
  const pilot = Array.from({ length: 100 }, (_, r) => simulateRun(panel, { ...o, effect: false, peek: 'daily', boundaries: [], seed: o.seed + 7_777_777 }, r));
  const D = o.days;
  return [0, 1, 2].map((m) => {
    const col = (d: number) => pilot.map((x) => x.variances[m]![d]!);
    const corr = (a: number[], b: number[]) => {
      const ok = a.map((_, i) => i).filter((i) => Number.isFinite(a[i]!) && Number.isFinite(b[i]!));
      if (ok.length < 10) return 0;
      const ma = ok.reduce((s, i) => s + a[i]!, 0) / ok.length, mb = ok.reduce((s, i) => s + b[i]!, 0) / ok.length;
      let sab = 0, saa = 0, sbb = 0;
      for (const i of ok) {
        sab += (a[i]! - ma) * (b[i]! - mb);
        saa += (a[i]! - ma) ** 2;
        sbb += (b[i]! - mb) ** 2;
      }
      return sab / Math.sqrt(saa * sbb);
    };
    const last = col(D - 1);
    const f = Array.from({ length: D }, (_, d) => (d === D - 1 ? 1 : Math.min(0.999, Math.max(1e-4, corr(col(d), last) ** 2))));
    for (let d = 1; d < D; d++) if (!(f[d]! > f[d - 1]!)) f[d] = Math.min(d === D - 1 ? 1 : 0.9999, f[d - 1]! + 1e-4);
    return f;
  });
}

export interface MetricRates {
  /** Fixed-horizon test once at the end. */
  fixedHorizon: number;
  /** Always-valid interval (Waudby-Smith / GrowthBook) checked every day (only with peek daily). */
  alwaysValidPeeking: number | null;
  /** Group-sequential O'Brien–Fleming-type spending boundaries for the planned daily looks (only with peek daily). */
  groupSequentialPeeking: number | null;
  /** The fixed-horizon test checked every day: what peeking does without sequential intervals (only with peek daily). */
  naivePeeking: number | null;
}

export interface SimulationResult {
  kind: 'aa' | 'ab';
  runs: number;
  alpha: number;
  units: number;
  days: number;
  peek: 'none' | 'daily';
  sequentialTuning: number;
  /** With peek daily: the z boundaries of the planned looks. */
  boundaries: number[] | null;
  /** AA: the false positive rate of the primary metric (clicks per unit) under the analysis actually used: the
   *  fixed-horizon test without peeking, the group-sequential boundaries with daily peeking. AB: that rate is the power. */
  falsePositiveRate?: number;
  power?: number;
  /** 95% Wilson interval of that rate over the runs. */
  rateCi: [number, number];
  metrics: Record<(typeof METRICS)[number], MetricRates>;
  srmFlagRate: number;
  /** AB: calculator prediction (mean metric, the runs' mean lift as the true effect, pooled sd, mean units per arm). */
  predictedPower?: number;
  meanLift?: number;
  seconds: number;
}

function wilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054, p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [centre - half, centre + half];
}

/** Run `runs` simulated experiments (A/A, or A/B with `effect`) on a panel and report calibration. */
export function simulateExperiments(panel: Panel, opts: SimulationOptions): SimulationResult {
  if (!(Number.isInteger(opts.runs) && opts.runs > 0)) throw new StatisticsError('INVALID_INPUT', `runs must be a positive integer, got ${opts.runs}`);
  if (!(Number.isInteger(opts.units) && opts.units >= 20)) throw new StatisticsError('INVALID_INPUT', `units must be an integer ≥ 20, got ${opts.units}`);
  const t0 = performance.now();
  const o = {
    units: opts.units, days: opts.days ?? 14, alpha: opts.alpha ?? 0.05, peek: opts.peek ?? 'none', effect: opts.effect ?? false, seed: opts.seed ?? 1,
    sequentialTuning: opts.sequentialTuning ?? opts.units,
    boundaries: [] as number[][],
  };
  if (o.peek === 'daily') o.boundaries = plannedFractions(panel, o).map((f) => groupSequentialBoundaries(f, o.alpha, 'obrien-fleming'));
  const outs = Array.from({ length: opts.runs }, (_, r) => simulateRun(panel, o, r) as RunOutcome & { sd: number; mean: number });
  const rate = (f: (x: RunOutcome) => boolean) => outs.filter(f).length / outs.length;
  const metrics = Object.fromEntries(
    METRICS.map((name, m) => [name, {
      fixedHorizon: rate((x) => x.fixed[m]!),
      alwaysValidPeeking: o.peek === 'daily' ? rate((x) => x.sequential[m]!) : null,
      groupSequentialPeeking: o.peek === 'daily' ? rate((x) => x.groupSequential[m]!) : null,
      naivePeeking: o.peek === 'daily' ? rate((x) => x.naivePeeking[m]!) : null,
    }]),
  ) as SimulationResult['metrics'];
  const primary = o.peek === 'daily' ? metrics.clicksPerUnit.groupSequentialPeeking! : metrics.clicksPerUnit.fixedHorizon;
  const result: SimulationResult = {
    runs: opts.runs, alpha: o.alpha, ...(o.effect ? { power: primary, predictedPower: NaN, meanLift: NaN } : { falsePositiveRate: primary }),
    kind: o.effect ? 'ab' : 'aa', units: o.units, days: o.days, peek: o.peek, sequentialTuning: o.sequentialTuning,
    boundaries: o.peek === 'daily' ? o.boundaries[0]!.map((b) => Number(b.toFixed(4))) : null,
    rateCi: wilson(Math.round(primary * opts.runs), opts.runs), metrics, srmFlagRate: rate((x) => x.srmFlag), seconds: 0,
  };
  if (o.effect) {
    const mean = (f: (x: RunOutcome & { sd: number; mean: number }) => number) => outs.reduce((s, x) => s + f(x), 0) / outs.length;
    const lift = mean((x) => x.lift[0]!), sd = Math.sqrt(mean((x) => x.sd * x.sd)), base = mean((x) => x.mean), perArm = mean((x) => (x.units[0]! + x.units[1]!) / 2);
    result.meanLift = lift;
    result.predictedPower = powerAt({ kind: 'mean', baseline: base, sd, relativeMde: lift / base, alpha: o.alpha }, perArm);
  }
  result.seconds = Number(((performance.now() - t0) / 1000).toFixed(2));
  return result;
}
