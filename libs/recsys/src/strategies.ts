import { decodeArtifact } from './artifact.js';
import { Catalog } from './catalog.js';
import { RecsysError } from './recsys.errors.js';
import { parseParams, Recommender, STRATEGY_NAMES, type ModelState, type StrategyName } from './recommender.js';
import { alsParams, AlsRecommender } from './strategies/als.js';
import { easeParams, EaseRecommender } from './strategies/ease.js';
import { ItemKnnRecommender, knnParams, UserKnnRecommender } from './strategies/knn.js';
import { popularityParams, PopularityRecommender } from './strategies/popularity.js';
import { contentParams, ContentRecommender } from './strategies/content.js';
import { twoTowerParams, TwoTowerRecommender } from './strategies/two-tower.js';
import { hybridParams, HybridRecommender } from './strategies/hybrid.js';
import type { ProgressFn, TrainingSnapshot } from './types.js';
import type { z } from 'zod';

interface StrategyDef {
  schema: z.ZodType;
  fit(s: TrainingSnapshot, catalog: Catalog, params: never, onProgress?: ProgressFn): Recommender | Promise<Recommender>;
  restore(params: never, catalog: Catalog, st: ModelState): Recommender | Promise<Recommender>;
}

const DEFS: Record<StrategyName, StrategyDef> = {
  popularity: { schema: popularityParams, fit: (s, c, p) => PopularityRecommender.fit(s, c, p), restore: (p, c, st) => PopularityRecommender.restore(p, c, st) },
  ease: { schema: easeParams, fit: (_s, c, p, cb) => EaseRecommender.fit(c, p, cb), restore: (p, c, st) => EaseRecommender.restore(p, c, st) },
  als: { schema: alsParams, fit: (_s, c, p, cb) => AlsRecommender.fit(c, p, cb), restore: (p, c, st) => AlsRecommender.restore(p, c, st) },
  'item-knn': { schema: knnParams, fit: (_s, c, p, cb) => ItemKnnRecommender.fit(c, p, cb), restore: (p, c, st) => ItemKnnRecommender.restore(p, c, st) },
  'user-knn': { schema: knnParams, fit: (_s, c, p) => UserKnnRecommender.fit(c, p), restore: (p, c) => UserKnnRecommender.restore(p, c) },
  content: { schema: contentParams, fit: (s, c, p) => ContentRecommender.fit(s, c, p), restore: (p, c, st) => ContentRecommender.restore(p, c, st) },
  'two-tower': { schema: twoTowerParams, fit: (s, c, p, cb) => TwoTowerRecommender.fit(s, c, p, cb), restore: (p, c, st) => TwoTowerRecommender.restore(p, c, st) },
  hybrid: { schema: hybridParams, fit: (s, c, p, cb) => HybridRecommender.fit(s, c, p, cb), restore: (p, c, st) => HybridRecommender.restore(p, c, st) },
};

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

function defOf(name: string): StrategyDef {
  if (!isStrategyName(name)) throw new RecsysError('UNKNOWN_STRATEGY', `unknown strategy "${name}" (known: ${STRATEGY_NAMES.join(', ')})`, { strategy: name });
  return DEFS[name];
}

/** Validate a strategy's hyperparameters (defaults filled in) without training. */
export function validateParams(name: string, raw: unknown): Record<string, unknown> {
  return parseParams(name, defOf(name).schema, raw) as Record<string, unknown>;
}

/** Train a strategy on a snapshot. Throws UNKNOWN_STRATEGY, INVALID_PARAMS, EMPTY_TRAINING_SET or INVALID_INPUT. */
export async function fitRecommender(name: string, snapshot: TrainingSnapshot, rawParams?: unknown, onProgress?: ProgressFn): Promise<Recommender> {
  const def = defOf(name);
  const params = parseParams(name, def.schema, rawParams);
  const catalog = Catalog.fromSnapshot(snapshot);
  return def.fit(snapshot, catalog, params as never, onProgress);
}

/**
 * Restore a serialised model. With `expectedStrategy`, an artifact of another strategy is rejected
 * (ARTIFACT_STRATEGY_MISMATCH); a bad format version, truncation or checksum failure are typed errors too.
 */
export async function loadRecommender(buffer: Uint8Array, expectedStrategy?: StrategyName): Promise<Recommender> {
  const content = decodeArtifact(buffer, expectedStrategy);
  const def = defOf(content.strategy);
  const params = parseParams(content.strategy, def.schema, content.params);
  const meta = content.meta as { catalog?: Record<string, unknown>; model?: Record<string, unknown> };
  if (!meta.catalog || !meta.model) throw new RecsysError('ARTIFACT_CORRUPT', 'artifact lacks catalogue or model metadata');
  const catalog = Catalog.restore(meta.catalog, content.arrays);
  return def.restore(params as never, catalog, { meta: meta.model, arrays: content.arrays });
}
