/**
 * Interleaving experiments (pure; no Nest, no SQL). Composition: team-draft interleaving (2 variants) or team-draft
 * multileaving (3–4) from `@app/statistics`, with the draft order seeded by murmur3(phase seed : unit : ranking id or
 * day) so a list can be recomputed bit for bit. Analysis: each engaged (clicked or applied) position credits the team
 * that contributed it; per unit, a treatment wins against control when its credit summed over the unit's lists is
 * higher; preference = (wins − losses)/units over units with any credit for either, with a seeded percentile bootstrap
 * CI over units.
 */
import { preferenceScore, teamDraftInterleave, SeededRng, StatisticsError } from '@app/statistics';
import { murmur3_32 } from './murmur3.js';

/** The `variant` of an interleaved list's header row; variant keys cannot contain parentheses, so it never clashes. */
export const INTERLEAVED_VARIANT = '(interleaved)';

export type ExperimentType = 'ab' | 'interleaving' | 'bandit';
export const EXPERIMENT_TYPES: readonly ExperimentType[] = ['ab', 'interleaving', 'bandit'];

/** The 32-bit seed of one interleaved list's draft order. */
export function interleavingSeed(phaseSeed: string, unitId: string, salt: string): number {
  return murmur3_32(`interleave:${phaseSeed}:${unitId}:${salt}`);
}

export interface InterleavedList {
  jobIds: string[];
  /** Variant key that contributed each position. */
  teams: string[];
}

/** Team-draft interleaving (multileaving for 3–4) of the variants' rankings into at most `k` items. */
export function composeInterleavedList(variants: readonly string[], rankingsByVariant: Readonly<Record<string, readonly string[]>>, k: number, seed: number): InterleavedList {
  const rankings = variants.map((v) => {
    const r = rankingsByVariant[v];
    if (!r) throw new StatisticsError('INVALID_INPUT', `no ranking for variant "${v}"`);
    return r;
  });
  const rng = new SeededRng(seed);
  const list = teamDraftInterleave(rankings, k, () => rng.next());
  return { jobIds: list.map((e) => e.item), teams: list.map((e) => variants[e.team]!) };
}

/** One served interleaved list: its unit and the credit (engaged positions) per team variant. */
export interface CreditedList {
  unitId: string;
  credit: Readonly<Record<string, number>>;
}

export interface InterleavingInput {
  /** Teams, control first. */
  variants: readonly string[];
  /** Every unit with at least one interleaved list (credited or not). */
  units: readonly string[];
  lists: readonly CreditedList[];
  /** Credited clicks and applies per team variant (attributed interactions on the items the team contributed). */
  totals: Readonly<Record<string, { clicks: number; applies: number }>>;
  rankings: number;
  seed: number;
  resamples?: number;
  alpha?: number;
}

export interface InterleavingVsControl {
  /** Units where either this variant or control got credit (informative units). */
  units: number;
  wins: number;
  ties: number;
  losses: number;
  /** (wins − losses)/units, in [−1, 1]; > 0: this variant preferred over control. */
  preference: number;
  ciLow: number;
  ciHigh: number;
  /** Two-sided p (t test over the units' +1/0/−1 outcomes). */
  p: number;
}

export interface InterleavingVariantResult {
  variant: string;
  creditedClicks: number;
  creditedApplies: number;
  /** Engaged positions credited to this variant over all lists. */
  credit: number;
  /** Null for control. */
  vsControl: InterleavingVsControl | null;
  note: string | null;
}

export interface InterleavingAnalysis {
  control: string;
  units: number;
  rankings: number;
  creditedLists: number;
  variants: InterleavingVariantResult[];
}

export function analyzeInterleaving(input: InterleavingInput): InterleavingAnalysis {
  if (input.variants.length < 2) throw new StatisticsError('INVALID_INPUT', 'interleaving compares at least 2 variants');
  const control = input.variants[0]!;
  const perUnit = new Map<string, Map<string, number>>();
  for (const u of input.units) perUnit.set(u, new Map());
  let creditedLists = 0;
  const creditTotal = new Map<string, number>(input.variants.map((v) => [v, 0]));
  for (const l of input.lists) {
    let m = perUnit.get(l.unitId);
    if (!m) perUnit.set(l.unitId, (m = new Map()));
    let any = false;
    for (const [team, c] of Object.entries(l.credit)) {
      if (!creditTotal.has(team) || c <= 0) continue;
      any = true;
      m.set(team, (m.get(team) ?? 0) + c);
      creditTotal.set(team, creditTotal.get(team)! + c);
    }
    if (any) creditedLists++;
  }
  const variants = input.variants.map((v, i): InterleavingVariantResult => {
    const base = { variant: v, creditedClicks: input.totals[v]?.clicks ?? 0, creditedApplies: input.totals[v]?.applies ?? 0, credit: creditTotal.get(v)! };
    if (i === 0) return { ...base, vsControl: null, note: 'control' };
    let wins = 0, ties = 0, losses = 0;
    const outcomes: Array<number | null> = [];
    for (const m of perUnit.values()) {
      const a = m.get(v) ?? 0, b = m.get(control) ?? 0;
      if (a === 0 && b === 0) {
        outcomes.push(null);
        continue;
      }
      if (a > b) wins++;
      else if (a < b) losses++;
      else ties++;
      outcomes.push(Math.sign(a - b));
    }
    const n = wins + ties + losses;
    if (n < 2) return { ...base, vsControl: null, note: `${n} informative unit(s); at least 2 needed` };
    const s = preferenceScore(outcomes, { seed: input.seed, resamples: input.resamples ?? 2000, alpha: input.alpha ?? 0.05 });
    return { ...base, vsControl: { units: n, wins, ties, losses, preference: s.preference, ciLow: s.ciLow, ciHigh: s.ciHigh, p: s.p }, note: null };
  });
  return { control, units: perUnit.size, rankings: input.rankings, creditedLists, variants };
}
