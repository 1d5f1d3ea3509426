/**
 * Deterministic assignment of units (candidates) to experiment variants. Pure: no Nest, no I/O.
 *
 * Hash: MurmurHash3 x86_32 (seed 0) of the UTF-8 string `${seed}:${unitId}`, modulo 10,000 buckets.
 * Murmur3 is well mixed (full avalanche), has byte-exact implementations in every language and is what
 * Optimizely buckets with; GrowthBook's FNV-1a needs to be applied twice to mix short inputs well.
 * The modulo bias of 2^32 mod 10,000 is at most 2.3e-6 per bucket.
 *
 * Order of checks for one unit (the first that applies wins):
 *   1. forced variant (QA)                  → that variant, reason `forced`
 *   2. global holdout (`holdout:${unit}`)   → not enrolled, reason `holdout`
 *   3. targeting rules on unit attributes   → not enrolled, reason `targeting`
 *   4. namespace range (`ns:${name}:${unit}` bucket in [start, end)) → else `namespace`
 *   5. variant ranges on `${seed}:${unit}`: variant i owns [S_i, S_i + coverage * w_i * 10000) with S_i the
 *      cumulative weight of the variants before it. Raising coverage only extends ranges at their ends, so
 *      enrolled units never move; a bucket outside every range is `coverage`; a killed arm's bucket is
 *      `killed` (served the control experience, not analysed) and no other unit moves.
 */
import { murmur3_32 } from './murmur3.js';

export const BUCKETS = 10_000;

export interface VariantSpec {
  key: string;
  weight: number;
}

export type TargetingOp = 'eq' | 'neq' | 'in' | 'nin' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';
export interface TargetingRule {
  attribute: string;
  op: TargetingOp;
  value?: unknown;
}

export interface NamespaceRange {
  name: string;
  /** Inclusive start bucket, 0..10000. */
  start: number;
  /** Exclusive end bucket, 0..10000. */
  end: number;
}

export interface HoldoutSpec {
  seed: string;
  /** Share of all units held out of every experiment, 0..1. */
  share: number;
}

export interface AssignmentConfig {
  key: string;
  /** Phase seed: a new phase gets a new seed and so re-randomises. */
  seed: string;
  variants: VariantSpec[];
  coverage: number;
  namespace?: NamespaceRange | null;
  killed?: readonly string[];
  forced?: Readonly<Record<string, string>>;
  targeting?: readonly TargetingRule[];
  holdout?: HoldoutSpec | null;
}

export type AssignmentReason = 'forced' | 'assigned' | 'holdout' | 'targeting' | 'namespace' | 'coverage' | 'killed';

export interface Assignment {
  inExperiment: boolean;
  /** The variant to analyse the unit under (null when not enrolled). */
  variant: string | null;
  /** The variant whose experience to serve: the control (first) variant when not enrolled. */
  serve: string;
  bucket: number;
  reason: AssignmentReason;
}

/** Bucket 0..9999 of a unit under a seed. */
export function bucketOf(seed: string, unitId: string): number {
  return murmur3_32(`${seed}:${unitId}`) % BUCKETS;
}

/**
 * Precomputed form of a config: ranges as integer bucket bounds. Build once per config change,
 * then `assignCompiled` does one hash and a short scan per call.
 */
export interface CompiledAssignment {
  config: AssignmentConfig;
  starts: Int32Array;
  ends: Int32Array;
  killed: Uint8Array;
  holdoutBuckets: number;
}

export function compileAssignment(config: AssignmentConfig): CompiledAssignment {
  const n = config.variants.length;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  const killed = new Uint8Array(n);
  const coverage = Math.min(1, Math.max(0, config.coverage));
  let cumulative = 0;
  for (let i = 0; i < n; i++) {
    const v = config.variants[i]!;
    // Rounded once from exact cumulative sums so ranges are contiguous and weights summing to 1 cover 10,000.
    const start = Math.round(cumulative * BUCKETS);
    cumulative += v.weight;
    const width = Math.round(cumulative * BUCKETS) - start;
    starts[i] = start;
    ends[i] = start + Math.round(width * coverage);
    killed[i] = config.killed?.includes(v.key) ? 1 : 0;
  }
  return { config, starts, ends, killed, holdoutBuckets: Math.round((config.holdout?.share ?? 0) * BUCKETS) };
}

export function assignCompiled(c: CompiledAssignment, unitId: string, attributes?: Readonly<Record<string, unknown>>): Assignment {
  const cfg = c.config;
  const control = cfg.variants[0]?.key ?? 'control';
  const forced = cfg.forced?.[unitId];
  if (forced !== undefined) return { inExperiment: true, variant: forced, serve: forced, bucket: -1, reason: 'forced' };
  if (c.holdoutBuckets > 0 && cfg.holdout && bucketOf(`holdout:${cfg.holdout.seed}`, unitId) < c.holdoutBuckets) {
    return { inExperiment: false, variant: null, serve: control, bucket: -1, reason: 'holdout' };
  }
  if (cfg.targeting && cfg.targeting.length > 0 && !matchesTargeting(cfg.targeting, attributes ?? {})) {
    return { inExperiment: false, variant: null, serve: control, bucket: -1, reason: 'targeting' };
  }
  if (cfg.namespace) {
    const nb = bucketOf(`ns:${cfg.namespace.name}`, unitId);
    if (nb < cfg.namespace.start || nb >= cfg.namespace.end) return { inExperiment: false, variant: null, serve: control, bucket: -1, reason: 'namespace' };
  }
  const bucket = bucketOf(cfg.seed, unitId);
  const { starts, ends } = c;
  for (let i = 0; i < starts.length; i++) {
    if (bucket >= starts[i]! && bucket < ends[i]!) {
      if (c.killed[i]) return { inExperiment: false, variant: null, serve: control, bucket, reason: 'killed' };
      const key = cfg.variants[i]!.key;
      return { inExperiment: true, variant: key, serve: key, bucket, reason: 'assigned' };
    }
  }
  return { inExperiment: false, variant: null, serve: control, bucket, reason: 'coverage' };
}

/** One-off assignment (compiles the config each call; use `compileAssignment` on hot paths). */
export function assign(config: AssignmentConfig, unitId: string, attributes?: Readonly<Record<string, unknown>>): Assignment {
  return assignCompiled(compileAssignment(config), unitId, attributes);
}

/** The variant index owning a bucket, or -1 (pure range lookup, ignores killed arms). */
export function variantIndexOfBucket(c: CompiledAssignment, bucket: number): number {
  for (let i = 0; i < c.starts.length; i++) if (bucket >= c.starts[i]! && bucket < c.ends[i]!) return i;
  return -1;
}

/**
 * True when moving from `before` to `after` (same seed) would put a unit that is enrolled under `before`
 * into a different variant or out of the experiment. Raising coverage or killing an arm never does;
 * changing weights, lowering coverage, renaming/reordering variants or changing the namespace does.
 */
export function wouldReshuffle(before: AssignmentConfig, after: AssignmentConfig): boolean {
  if (before.seed !== after.seed) return false; // a new seed is a new phase by definition
  const nsBefore = before.namespace ?? null;
  const nsAfter = after.namespace ?? null;
  if (JSON.stringify(nsBefore) !== JSON.stringify(nsAfter)) {
    // Shrinking or moving the namespace range drops enrolled units; widening it only adds units.
    if (!nsBefore) return true;
    if (!nsAfter) return false;
    if (nsBefore.name !== nsAfter.name || nsAfter.start > nsBefore.start || nsAfter.end < nsBefore.end) return true;
  }
  const a = compileAssignment(before);
  const b = compileAssignment(after);
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    const i = variantIndexOfBucket(a, bucket);
    if (i < 0) continue;
    const j = variantIndexOfBucket(b, bucket);
    if (j < 0 || before.variants[i]!.key !== after.variants[j]!.key) return true;
  }
  return false;
}

export type ConfigProblem =
  | { code: 'WEIGHTS_NOT_SUMMING_TO_ONE'; message: string }
  | { code: 'INVALID_INPUT'; message: string };

/** Validation of a config; returns the first problem or null. */
export function checkAssignmentConfig(config: Pick<AssignmentConfig, 'variants' | 'coverage' | 'namespace' | 'killed' | 'holdout'>): ConfigProblem | null {
  if (config.variants.length < 2) return { code: 'INVALID_INPUT', message: 'an experiment needs at least two variants' };
  const keys = new Set<string>();
  for (const v of config.variants) {
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(v.key)) return { code: 'INVALID_INPUT', message: `variant key "${v.key}" must be letters, digits, '-' or '_'` };
    if (keys.has(v.key)) return { code: 'INVALID_INPUT', message: `variant key "${v.key}" is used twice` };
    keys.add(v.key);
    if (!Number.isFinite(v.weight) || v.weight < 0) return { code: 'INVALID_INPUT', message: `variant "${v.key}" has weight ${v.weight}; weights are >= 0` };
  }
  const sum = config.variants.reduce((s, v) => s + v.weight, 0);
  if (Math.abs(sum - 1) > 1e-9) return { code: 'WEIGHTS_NOT_SUMMING_TO_ONE', message: `variant weights sum to ${sum}, not 1` };
  if (!Number.isFinite(config.coverage) || config.coverage <= 0 || config.coverage > 1) return { code: 'INVALID_INPUT', message: `coverage ${config.coverage} must be in (0, 1]` };
  const ns = config.namespace;
  if (ns && (!Number.isInteger(ns.start) || !Number.isInteger(ns.end) || ns.start < 0 || ns.end > BUCKETS || ns.start >= ns.end)) {
    return { code: 'INVALID_INPUT', message: `namespace range [${ns.start}, ${ns.end}) must be integers with 0 <= start < end <= ${BUCKETS}` };
  }
  for (const k of config.killed ?? []) if (!keys.has(k)) return { code: 'INVALID_INPUT', message: `killed variant "${k}" is not a variant` };
  if (config.killed && config.killed.length >= config.variants.length) return { code: 'INVALID_INPUT', message: 'at least one variant must stay alive' };
  if (config.holdout && !(config.holdout.share >= 0 && config.holdout.share < 1)) return { code: 'INVALID_INPUT', message: `holdout share ${config.holdout.share} must be in [0, 1)` };
  return null;
}

/** Ranges [start, end) of one namespace that overlap, as pairs of indexes; empty when none do. */
export function overlappingRanges(ranges: ReadonlyArray<{ start: number; end: number }>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      if (ranges[i]!.start < ranges[j]!.end && ranges[j]!.start < ranges[i]!.end) out.push([i, j]);
    }
  }
  return out;
}

/** All rules must match. Missing attributes fail every operator except `neq`/`nin`. */
export function matchesTargeting(rules: readonly TargetingRule[], attributes: Readonly<Record<string, unknown>>): boolean {
  for (const r of rules) {
    const v = attributes[r.attribute];
    let ok: boolean;
    switch (r.op) {
      case 'exists':
        ok = v !== undefined && v !== null;
        break;
      case 'eq':
        ok = v === r.value;
        break;
      case 'neq':
        ok = v !== r.value;
        break;
      case 'in':
        ok = Array.isArray(r.value) && r.value.includes(v);
        break;
      case 'nin':
        ok = !(Array.isArray(r.value) && r.value.includes(v));
        break;
      case 'gt':
        ok = typeof v === 'number' && v > Number(r.value);
        break;
      case 'gte':
        ok = typeof v === 'number' && v >= Number(r.value);
        break;
      case 'lt':
        ok = typeof v === 'number' && v < Number(r.value);
        break;
      case 'lte':
        ok = typeof v === 'number' && v <= Number(r.value);
        break;
      default:
        ok = false;
    }
    if (!ok) return false;
  }
  return true;
}

export const TARGETING_OPS: readonly TargetingOp[] = ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'exists'];
