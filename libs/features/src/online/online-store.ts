import type { FeatureValue } from '../definitions/types.js';

/** One entity's latest values of one view version, as materialised. */
export interface OnlineRecord {
  key: string;
  /** Event time, ms since epoch. */
  eventTime: number;
  values: FeatureValue[];
  /** The values as JSON text when the caller already has it (materialisation: straight from Postgres). */
  valuesJson?: string;
}

export interface OnlineKey {
  viewVersionId: number;
  generation: number;
  key: string;
}

/**
 * Where materialised values live for serving: Redis (one packed string per view version × generation × entity,
 * expiring at event time + TTL) or, without Redis, an unlogged Postgres table. A materialisation writes a new
 * generation and then flips the pointer (feature_online_state), so a failed run leaves the old one readable.
 */
export abstract class OnlineStore {
  abstract readonly backend: 'redis' | 'postgres';
  /** Writes (pipelined / batched); records already past `expireAtMs` are skipped. Returns records written. */
  abstract write(viewVersionId: number, generation: number, records: OnlineRecord[], ttlMs: number): Promise<number>;
  /** One round trip for any number of keys; null where nothing is stored. */
  abstract read(keys: OnlineKey[]): Promise<Array<OnlineRecord | null>>;
  /** Up to `limit` records of a generation (drift monitoring). */
  abstract sample(viewVersionId: number, generation: number, limit: number): Promise<OnlineRecord[]>;
  abstract dropGeneration(viewVersionId: number, generation: number): Promise<void>;
  abstract close(): Promise<void>;
}
