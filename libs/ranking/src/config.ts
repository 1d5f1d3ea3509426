import { RankingError } from './ranking.errors.js';

/**
 * A ranking pipeline is data: an ordered list of named stages with their parameters. Validation fills defaults and
 * turns every mistake into a typed RankingError (unknown stage, unknown feature or source, weight out of range).
 */
/** In the default order: score adjustments (which re-sort) come before diversity (which orders without re-scoring). */
export const STAGE_NAMES = ['candidates', 'score', 'freshness', 'profileChange', 'loadBalance', 'diversity', 'filters'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** model: a model's top-N (the variant's, or `modelRef`); profile: live jobs matching a recent profile change. */
export const CANDIDATE_SOURCES = ['model', 'profile'] as const;
export type CandidateSource = (typeof CANDIDATE_SOURCES)[number];
export const PROFILE_FEATURES = ['location', 'skills'] as const;
export type ProfileFeature = (typeof PROFILE_FEATURES)[number];
export const SIMILARITY_FEATURES = ['skills', 'title'] as const;
export type SimilarityFeature = (typeof SIMILARITY_FEATURES)[number];

export interface CandidatesStage {
  stage: 'candidates';
  /** Union of each source's top-N, in source order. `model` may name another model reference (default: the variant's). */
  sources: Array<{ source: CandidateSource; topN: number; modelRef?: string }>;
}
export interface ScoreStage {
  stage: 'score';
  /** Share of the [0, 1] score band given to jobs the model knows; unknown jobs rank by recency below it. */
  knownFloor: number;
}
export interface FreshnessStage {
  stage: 'freshness';
  weight: number;
  halfLifeDays: number;
}
export interface ProfileChangeStage {
  stage: 'profileChange';
  weight: number;
  /** How long after a change it still boosts. */
  windowDays: number;
  features: ProfileFeature[];
}
export interface DiversityStage {
  stage: 'diversity';
  /** MMR trade-off: 1 = relevance only, 0 = novelty only. */
  lambda: number;
  /** At most this many jobs per company among the first `window` positions (0 = no cap). */
  maxPerCompany: number;
  /** Positions re-ranked (similarities are computed on these only). */
  window: number;
  similarity: SimilarityFeature[];
}
export interface LoadBalanceStage {
  stage: 'loadBalance';
  weight: number;
  /** Applications a posting needs; more than this demotes, fewer promotes. */
  targetApplicants: number;
  /** Share of the weight used for promoting under-applied postings. */
  promote: number;
}
export interface FiltersStage {
  stage: 'filters';
  expired: boolean;
  applied: boolean;
  dismissed: boolean;
  savedSearch: boolean;
  /** Hard location rule: none, same country, or same city (remote jobs always pass unless the candidate wants on-site). */
  location: 'none' | 'country' | 'city';
}

export type StageConfig = CandidatesStage | ScoreStage | FreshnessStage | ProfileChangeStage | DiversityStage | LoadBalanceStage | FiltersStage;

export interface PipelineConfig {
  name: string;
  stages: StageConfig[];
}

export const DEFAULT_STAGES: Readonly<Record<StageName, StageConfig>> = {
  candidates: { stage: 'candidates', sources: [{ source: 'model', topN: 100 }, { source: 'profile', topN: 30 }] },
  score: { stage: 'score', knownFloor: 0.2 },
  freshness: { stage: 'freshness', weight: 0.05, halfLifeDays: 7 },
  profileChange: { stage: 'profileChange', weight: 0.5, windowDays: 14, features: ['location', 'skills'] },
  diversity: { stage: 'diversity', lambda: 0.95, maxPerCompany: 1, window: 50, similarity: ['skills', 'title'] },
  loadBalance: { stage: 'loadBalance', weight: 0.05, targetApplicants: 25, promote: 0.5 },
  filters: { stage: 'filters', expired: true, applied: true, dismissed: true, savedSearch: true, location: 'none' },
};

/** The built-in default pipeline: every stage in the documented order with its default parameters. */
export const DEFAULT_PIPELINE: PipelineConfig = { name: 'default', stages: STAGE_NAMES.map((s) => structuredClone(DEFAULT_STAGES[s])) };

type Rule = { kind: 'number'; min: number; max: number; integer?: boolean } | { kind: 'boolean' } | { kind: 'enum'; values: readonly string[]; code?: 'UNKNOWN_FEATURE' } | { kind: 'features'; values: readonly string[] } | { kind: 'sources' };

const RULES: Record<StageName, Record<string, Rule>> = {
  candidates: { sources: { kind: 'sources' } },
  score: { knownFloor: { kind: 'number', min: 0, max: 0.9 } },
  freshness: { weight: { kind: 'number', min: 0, max: 1 }, halfLifeDays: { kind: 'number', min: 0.01, max: 365 } },
  profileChange: { weight: { kind: 'number', min: 0, max: 1 }, windowDays: { kind: 'number', min: 0.01, max: 365 }, features: { kind: 'features', values: PROFILE_FEATURES } },
  diversity: {
    lambda: { kind: 'number', min: 0, max: 1 }, maxPerCompany: { kind: 'number', min: 0, max: 100, integer: true }, window: { kind: 'number', min: 1, max: 200, integer: true },
    similarity: { kind: 'features', values: SIMILARITY_FEATURES },
  },
  loadBalance: { weight: { kind: 'number', min: 0, max: 1 }, targetApplicants: { kind: 'number', min: 1, max: 100_000 }, promote: { kind: 'number', min: 0, max: 1 } },
  filters: { expired: { kind: 'boolean' }, applied: { kind: 'boolean' }, dismissed: { kind: 'boolean' }, savedSearch: { kind: 'boolean' }, location: { kind: 'enum', values: ['none', 'country', 'city'] } },
};

const SCORE_STAGES = new Set<StageName>(['freshness', 'profileChange', 'loadBalance']);

export function isStageName(s: string): s is StageName {
  return (STAGE_NAMES as readonly string[]).includes(s);
}

const NAME_RE = /^[a-z0-9][a-z0-9_.:-]{0,99}$/i;

/**
 * Validates a pipeline given as JSON (a string or a parsed object): `{ name?, stages: [{ stage, ...params }] }`.
 * Missing parameters take the stage defaults; `candidates` and `score` are required and must come first.
 */
export function validatePipeline(raw: unknown, fallbackName = 'default'): PipelineConfig {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new RankingError('INVALID_INPUT', `pipeline config is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new RankingError('INVALID_INPUT', 'pipeline config must be an object { name, stages: [...] }');
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (k !== 'name' && k !== 'stages') throw new RankingError('INVALID_INPUT', `unknown pipeline field "${k}" (known: name, stages)`, { field: k });
  const name = v['name'] === undefined ? fallbackName : v['name'];
  if (typeof name !== 'string' || !NAME_RE.test(name)) throw new RankingError('INVALID_INPUT', 'pipeline name must be 1–100 letters, digits, _ . : -', { field: 'name' });
  if (!Array.isArray(v['stages']) || v['stages'].length === 0) throw new RankingError('INVALID_INPUT', 'stages must be a non-empty array', { field: 'stages' });
  const seen = new Set<string>();
  const stages = (v['stages'] as unknown[]).map((s, i) => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new RankingError('INVALID_INPUT', `stages[${i}] must be an object with a "stage" name`, { field: `stages[${i}]` });
    const st = s as Record<string, unknown>;
    const stage = st['stage'];
    if (typeof stage !== 'string' || !isStageName(stage)) {
      throw new RankingError('UNKNOWN_STAGE', `stages[${i}]: unknown stage ${JSON.stringify(stage)} (known: ${STAGE_NAMES.join(', ')})`, { field: `stages[${i}].stage`, stage: String(stage) });
    }
    if (seen.has(stage)) throw new RankingError('INVALID_INPUT', `stage ${stage} appears twice`, { field: `stages[${i}].stage`, stage });
    seen.add(stage);
    return parseStage(stage, st, i);
  });
  if (stages[0]?.stage !== 'candidates' || stages[1]?.stage !== 'score') throw new RankingError('INVALID_INPUT', 'a pipeline starts with the candidates stage, then score', { field: 'stages' });
  // Score-adjusting stages re-sort the list by score; after diversity they would undo its order.
  const div = stages.findIndex((s) => s.stage === 'diversity');
  const late = div >= 0 ? stages.slice(div + 1).find((s) => SCORE_STAGES.has(s.stage)) : undefined;
  if (late) throw new RankingError('INVALID_INPUT', `stage ${late.stage} re-sorts by score and must come before diversity`, { field: 'stages', stage: late.stage });
  return { name, stages };
}

function parseStage(stage: StageName, st: Record<string, unknown>, i: number): StageConfig {
  const out: Record<string, unknown> = structuredClone(DEFAULT_STAGES[stage]) as unknown as Record<string, unknown>;
  const rules = RULES[stage];
  for (const [k, val] of Object.entries(st)) {
    if (k === 'stage') continue;
    const rule = rules[k];
    const field = `stages[${i}].${k}`;
    if (!rule) throw new RankingError('INVALID_INPUT', `${stage}: unknown parameter "${k}" (known: ${Object.keys(rules).join(', ')})`, { field, stage });
    switch (rule.kind) {
      case 'number':
        if (typeof val !== 'number' || !Number.isFinite(val) || (rule.integer && !Number.isInteger(val))) throw new RankingError('INVALID_INPUT', `${stage}.${k} must be ${rule.integer ? 'an integer' : 'a number'}`, { field, stage });
        if (val < rule.min || val > rule.max) throw new RankingError('WEIGHT_OUT_OF_RANGE', `${stage}.${k} = ${val} is out of range [${rule.min}, ${rule.max}]`, { field, stage, min: rule.min, max: rule.max });
        out[k] = val;
        break;
      case 'boolean':
        if (typeof val !== 'boolean') throw new RankingError('INVALID_INPUT', `${stage}.${k} must be true or false`, { field, stage });
        out[k] = val;
        break;
      case 'enum':
        if (typeof val !== 'string' || !rule.values.includes(val)) throw new RankingError('INVALID_INPUT', `${stage}.${k} must be one of ${rule.values.join(', ')}`, { field, stage });
        out[k] = val;
        break;
      case 'features': {
        if (!Array.isArray(val) || val.length === 0) throw new RankingError('INVALID_INPUT', `${stage}.${k} must be a non-empty array of features`, { field, stage });
        for (const f of val) {
          if (typeof f !== 'string' || !rule.values.includes(f)) throw new RankingError('UNKNOWN_FEATURE', `${stage}.${k}: unknown feature ${JSON.stringify(f)} (known: ${rule.values.join(', ')})`, { field, stage, feature: String(f) });
        }
        out[k] = [...new Set(val as string[])];
        break;
      }
      case 'sources': {
        if (!Array.isArray(val) || val.length === 0) throw new RankingError('INVALID_INPUT', `${stage}.${k} must be a non-empty array`, { field, stage });
        out[k] = val.map((src, n) => {
          const f = `${field}[${n}]`;
          if (!src || typeof src !== 'object') throw new RankingError('INVALID_INPUT', `${f} must be an object { source, topN }`, { field: f, stage });
          const s = src as Record<string, unknown>;
          for (const key of Object.keys(s)) if (!['source', 'topN', 'modelRef'].includes(key)) throw new RankingError('INVALID_INPUT', `${f}: unknown field "${key}" (known: source, topN, modelRef)`, { field: f, stage });
          if (typeof s['source'] !== 'string' || !(CANDIDATE_SOURCES as readonly string[]).includes(s['source'])) {
            throw new RankingError('UNKNOWN_SOURCE', `${f}: unknown candidate source ${JSON.stringify(s['source'])} (known: ${CANDIDATE_SOURCES.join(', ')})`, { field: `${f}.source`, stage });
          }
          const topN = s['topN'] ?? 100;
          if (typeof topN !== 'number' || !Number.isInteger(topN)) throw new RankingError('INVALID_INPUT', `${f}.topN must be an integer`, { field: `${f}.topN`, stage });
          if (topN < 1 || topN > 200) throw new RankingError('WEIGHT_OUT_OF_RANGE', `${f}.topN = ${topN} is out of range [1, 200]`, { field: `${f}.topN`, stage, min: 1, max: 200 });
          if (s['modelRef'] !== undefined && (typeof s['modelRef'] !== 'string' || s['source'] !== 'model' || !s['modelRef'].trim())) {
            throw new RankingError('INVALID_INPUT', `${f}.modelRef is a model reference (name@alias or name/version) of a model source`, { field: `${f}.modelRef`, stage });
          }
          return { source: s['source'] as CandidateSource, topN, ...(s['modelRef'] ? { modelRef: (s['modelRef'] as string).trim() } : {}) };
        });
        break;
      }
    }
  }
  return out as unknown as StageConfig;
}

/** A stage's parameters by name (undefined when the pipeline leaves the stage out). */
export function stageOf<S extends StageName>(p: PipelineConfig, name: S): Extract<StageConfig, { stage: S }> | undefined {
  return p.stages.find((s) => s.stage === name) as Extract<StageConfig, { stage: S }> | undefined;
}
