import { SeededRandom } from '@app/evaluation';
import { TrainingError } from './training.errors.js';

/** A search space: each parameter gets a list of values (grid) or a range (random search samples it). */
export type SearchSpace = Record<string, unknown[] | { min: number; max: number; log?: boolean; integer?: boolean }>;

export interface SearchPlan {
  method: 'grid' | 'random';
  space: SearchSpace;
  /** Random search: number of trials (also caps a grid). */
  trials?: number;
  seed?: number;
}

/** The trial parameter sets, deterministic for a plan: the full grid (in order, capped at `trials`) or seeded samples. */
export function planTrials(plan: SearchPlan, base: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  const keys = Object.keys(plan.space);
  if (keys.length === 0) throw new TrainingError('INVALID_INPUT', 'search space is empty');
  for (const k of keys) {
    const v = plan.space[k];
    if (Array.isArray(v)) {
      if (v.length === 0) throw new TrainingError('INVALID_INPUT', `search space ${k}: empty list of values`);
    } else if (!v || typeof v !== 'object' || !(typeof v.min === 'number' && typeof v.max === 'number' && v.min <= v.max) || (v.log && v.min <= 0)) {
      throw new TrainingError('INVALID_INPUT', `search space ${k}: expected a list of values or { min, max } with min <= max (and min > 0 with log)`);
    }
  }
  if (plan.method === 'grid') {
    let grid: Array<Record<string, unknown>> = [{}];
    for (const k of keys) {
      const v = plan.space[k];
      if (!Array.isArray(v)) throw new TrainingError('INVALID_INPUT', `grid search needs a list of values for ${k}`);
      grid = grid.flatMap((g) => v.map((x) => ({ ...g, [k]: x })));
    }
    const capped = plan.trials ? grid.slice(0, plan.trials) : grid;
    if (capped.length > 200) throw new TrainingError('INVALID_INPUT', `grid has ${capped.length} trials; at most 200 (set trials to cap it)`);
    return capped.map((g) => ({ ...base, ...g }));
  }
  const n = plan.trials ?? 10;
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new TrainingError('INVALID_INPUT', `trials must be an integer in 1..200, got ${n}`);
  const rng = new SeededRandom(plan.seed ?? 1);
  return Array.from({ length: n }, () => {
    const p: Record<string, unknown> = { ...base };
    for (const k of keys) {
      const v = plan.space[k]!;
      if (Array.isArray(v)) p[k] = v[rng.int(v.length)];
      else {
        const u = rng.next();
        let x = v.log ? Math.exp(Math.log(v.min) + u * (Math.log(v.max) - Math.log(v.min))) : v.min + u * (v.max - v.min);
        if (v.integer) x = Math.min(v.max, Math.round(x));
        p[k] = x;
      }
    }
    return p;
  });
}

/** Index of the best trial by the metric (higher is better; ties: the earlier trial); -1 when none has it. */
export function bestTrial(metrics: Array<Record<string, number> | null>, metric: string): number {
  let best = -1;
  metrics.forEach((m, i) => {
    const v = m?.[metric];
    if (v !== undefined && Number.isFinite(v) && (best < 0 || v > metrics[best]![metric]!)) best = i;
  });
  return best;
}
