/**
 * Team-draft interleaving (Radlinski, Kurup & Joachims 2008; Chapelle et al. 2012) and team-draft multileaving
 * (Schuth et al. 2014): each round the rankers draft in a random order; each adds its highest-ranked item not yet
 * in the list, and that item is credited to it. Clicks (or applies) on an item count for its team.
 * Preference per unit (Netflix 2017, reference doc): (wins_A + ties/2)/(wins_A + wins_B + ties) − 0.5 over the unit's
 * lists that received credit; the experiment's preference is the mean over units, with a seeded bootstrap CI over units.
 */
import { normalQuantile, studentTwoSidedTail } from './distributions.js';
import { checkAlpha } from './analysis.js';
import { SeededRng } from './rng.js';
import { StatisticsError } from './statistics.errors.js';

export interface InterleavedItem<T> {
  item: T;
  /** Index of the ranker (team) that contributed the item. */
  team: number;
}

/**
 * Interleave 2 (team draft) to 4 (team-draft multileaving) rankings into one list of at most `length` items.
 * `random` is a uniform [0, 1) source (pass a seeded one: the draft order is part of the logged assignment).
 */
export function teamDraftInterleave<T>(rankings: readonly (readonly T[])[], length: number, random: () => number): InterleavedItem<T>[] {
  const k = rankings.length;
  if (k < 2 || k > 4) throw new StatisticsError('INVALID_INPUT', `team-draft interleaving takes 2 to 4 rankings, got ${k}`);
  if (!(Number.isInteger(length) && length >= 0)) throw new StatisticsError('INVALID_INPUT', `length must be a non-negative integer, got ${length}`);
  const out: InterleavedItem<T>[] = [];
  const used = new Set<T>();
  const cursor = new Array<number>(k).fill(0);
  const nextOf = (team: number): T | undefined => {
    const r = rankings[team]!;
    while (cursor[team]! < r.length && used.has(r[cursor[team]!]!)) cursor[team]!++;
    return cursor[team]! < r.length ? r[cursor[team]!] : undefined;
  };
  while (out.length < length) {
    // random draft order for this round (Fisher–Yates with the caller's source)
    const order = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let added = false;
    for (const team of order) {
      if (out.length >= length) break;
      const item = nextOf(team);
      if (item === undefined) continue;
      used.add(item);
      out.push({ item, team });
      added = true;
    }
    if (!added) break; // every ranking exhausted
  }
  return out;
}

/** Credit per team of one list: the number of engaged (clicked/applied) positions each team contributed. */
export function creditPerTeam(list: readonly { team: number }[], engagedPositions: Iterable<number>, teams: number): number[] {
  const credit = new Array<number>(teams).fill(0);
  for (const pos of engagedPositions) {
    const entry = list[pos];
    if (!entry) throw new StatisticsError('INVALID_INPUT', `engaged position ${pos} outside the list of ${list.length}`);
    credit[entry.team]!++;
  }
  return credit;
}

/**
 * Preference of team `a` over team `b` for one unit from its lists' credits: (wins + ties/2)/(wins + losses + ties) − 0.5,
 * counting only lists where a or b got credit. Null when no list is informative.
 */
export function unitPreference(credits: readonly (readonly number[])[], a = 0, b = 1): number | null {
  let wins = 0, losses = 0, ties = 0;
  for (const c of credits) {
    const ca = c[a]!, cb = c[b]!;
    if (ca === 0 && cb === 0) continue;
    if (ca > cb) wins++;
    else if (cb > ca) losses++;
    else ties++;
  }
  const total = wins + losses + ties;
  return total === 0 ? null : (wins + ties / 2) / total - 0.5;
}

export interface PreferenceResult {
  /** Units with at least one informative list, and all units given. */
  units: number;
  unitsTotal: number;
  /** Mean per-unit preference (> 0: team a preferred), in [−0.5, 0.5]. */
  preference: number;
  se: number;
  /** Percentile bootstrap CI over units (seeded). */
  ciLow: number;
  ciHigh: number;
  /** Two-sided p of preference = 0 (t test over unit preferences). */
  p: number;
  /** Share of units preferring a among units with a preference ≠ 0. */
  winShare: number;
}

/** Aggregate per-unit preferences (nulls skipped) with a seeded percentile bootstrap over units. */
export function preferenceScore(unitPreferences: readonly (number | null)[], opts: { alpha?: number; resamples?: number; seed?: number } = {}): PreferenceResult {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  const B = opts.resamples ?? 1000;
  const values = Float64Array.from(unitPreferences.filter((v): v is number => v !== null));
  const n = values.length;
  if (n < 2) throw new StatisticsError('INSUFFICIENT_DATA', `preference needs at least 2 units with an informative list, got ${n}`);
  let sum = 0, sum2 = 0, pos = 0, nonzero = 0;
  for (const v of values) {
    sum += v;
    sum2 += v * v;
    if (v !== 0) nonzero++;
    if (v > 0) pos++;
  }
  const mean = sum / n;
  const variance = Math.max(0, (sum2 - (sum * sum) / n) / (n - 1));
  const se = Math.sqrt(variance / n);
  const rng = new SeededRng(opts.seed ?? 1);
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rng.next() * n)]!;
    means[b] = s / n;
  }
  means.sort();
  const at = (q: number) => means[Math.min(B - 1, Math.max(0, Math.floor(q * B)))]!;
  return {
    units: n,
    unitsTotal: unitPreferences.length,
    preference: mean,
    se,
    ciLow: at(alpha / 2),
    ciHigh: at(1 - alpha / 2),
    p: se > 0 ? studentTwoSidedTail(mean / se, n - 1) : mean === 0 ? 1 : 0,
    winShare: nonzero > 0 ? pos / nonzero : 0.5,
  };
}

/** Pairwise preference matrix for multileaving: entry [a][b] = preference of a over b (antisymmetric), nulls skipped. */
export function multileavePreferences(unitCredits: readonly (readonly (readonly number[])[])[], teams: number, opts: { seed?: number; resamples?: number } = {}): (PreferenceResult | null)[][] {
  const m: (PreferenceResult | null)[][] = [];
  for (let a = 0; a < teams; a++) {
    m.push([]);
    for (let b = 0; b < teams; b++) {
      if (a === b) {
        m[a]!.push(null);
        continue;
      }
      const prefs = unitCredits.map((lists) => unitPreference(lists, a, b));
      m[a]!.push(prefs.filter((p) => p !== null).length >= 2 ? preferenceScore(prefs, opts) : null);
    }
  }
  return m;
}

/** Units needed to detect a mean preference `delta` with a per-unit sd `sd` (two-sided one-sample z test). */
export function preferenceSampleSize(delta: number, sd: number, alpha = 0.05, power = 0.8): number {
  checkAlpha(alpha);
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil((z * z * sd * sd) / (delta * delta));
}

export { SeededRng };
