/**
 * Feature-store definitions: entities, feature views and feature services, declared in code (see builtin/).
 * Pure types; no Nest, no database.
 */

/** What a feature row is about. A candidate×job key is "<candidateId>:<jobId>". */
export const ENTITY_NAMES = ['candidate', 'job', 'candidate_job'] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

export interface FeatureEntityDefinition {
  name: EntityName;
  /** Columns of a source row (or a label row) that make up the key, in order. */
  joinKeys: string[];
  description: string;
}

export const ENTITIES: Record<EntityName, FeatureEntityDefinition> = {
  candidate: { name: 'candidate', joinKeys: ['candidate_id'], description: 'A job seeker (candidates.id).' },
  job: { name: 'job', joinKeys: ['job_id'], description: 'A posting (jobs.id).' },
  candidate_job: { name: 'candidate_job', joinKeys: ['candidate_id', 'job_id'], description: 'A candidate and a posting together; key "<candidateId>:<jobId>".' },
};

/**
 * Value types. `sparse_vector` is `{ v, i, x }`: vocabulary version, term indices, weights (TF-IDF);
 * lists are JSON arrays. Every type also admits null (a missing value).
 */
export const FEATURE_TYPES = ['float', 'int', 'bool', 'string', 'float_list', 'string_list', 'sparse_vector'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];

export interface SparseVector {
  /** Vocabulary version the indices refer to. */
  v: number;
  i: number[];
  x: number[];
}
export type FeatureValue = number | boolean | string | number[] | string[] | SparseVector | null;

/**
 * What a read returns when a value is missing or past its TTL: null, a declared default, or the mean
 * from the training statistics stored with the feature service version (null when there are none).
 */
export type MissingPolicy = { strategy: 'null' } | { strategy: 'default'; value: FeatureValue } | { strategy: 'mean' };

export interface FeatureSpec {
  name: string;
  type: FeatureType;
  description?: string;
  /** Default: null. */
  missing?: MissingPolicy;
}

/** A source row (SQL result) or a transformed row: key columns, the event-time column and feature columns. */
export type Row = Record<string, unknown>;

export interface TransformContext {
  /** The as-of time of this computation (source rows are what was known then). */
  asOf: Date;
  /** Loads (or fits once and stores) a versioned vocabulary; see compute.service. */
  vocabulary(name: string, fit: () => Promise<VocabularyData> | VocabularyData): Promise<StoredVocabulary>;
  /** Runs a read-only query against the market tables (for transforms that need more than one source). */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface VocabularyData {
  terms: string[];
  /** Document frequency of each term. */
  df: number[];
  docs: number;
}
export interface StoredVocabulary extends VocabularyData {
  version: number;
}

export interface FeatureViewDefinition {
  name: string;
  entity: EntityName;
  description: string;
  owner: string;
  /** A value older than this (event time → read time, or → a label row's timestamp) is missing. */
  ttlSeconds: number;
  /** Column of the (transformed) rows that holds the event time. */
  eventTimeColumn: string;
  features: FeatureSpec[];
  /**
   * SQL over the market tables; `$1` is the as-of time. Must return the entity's join keys, the event-time
   * column, and either the feature columns or what `transform` needs.
   */
  source: { sql: string };
  /**
   * Optional TypeScript step over all source rows of one computation (so it can fit vocabularies or
   * standardisation). `version` is part of the definition hash: bump it when the code changes meaning;
   * the function's text is hashed too.
   */
  transform?: { version: string; params?: Record<string, unknown>; fn: (rows: Row[], ctx: TransformContext) => Row[] | Promise<Row[]> };
  /**
   * true: event time = the computation's as-of time (engagement, recency); a backfill computes one row
   * per entity per step. false: the event time comes from the data (content features), computed once per run.
   */
  asOfEventTime: boolean;
  /** asOfEventTime views: false = a backfill computes only its last step (costly views). Scheduling only, not hashed. */
  backfill?: boolean;
  tags?: Record<string, string>;
}

export interface FeatureServiceDefinition {
  name: string;
  description: string;
  owner: string;
  /** Views and (optionally) a subset of their features; all features when omitted. */
  views: Array<{ view: string; features?: string[] }>;
}

/** A feature's full name inside a service: "<view>.<feature>". */
export const qualified = (view: string, feature: string) => `${view}.${feature}`;
