import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { KeyValueStore } from '@app/kv';
import { CANDIDATE_ACTIVITY_CHANNEL, type CandidateActivity } from '@app/market';
import { DataSource } from 'typeorm';
import { ComputeService } from '../compute.service.js';
import { FeatureRegistryService } from '../feature-registry.service.js';
import { OfflineStoreService } from '../offline-store.service.js';
import { OnlineStore } from './online-store.js';
import { OnlineService } from './online.service.js';

/** Candidate views the push path keeps current: engagement counts and rates, recency, profile (skills, location). */
export const PUSH_VIEWS = ['candidate_engagement', 'candidate_activity', 'candidate_profile'] as const;

export interface PushResult {
  candidates: number;
  views: Array<{ view: string; version: number; rows: number; appended: number; written: number }>;
  /** Wall time of the push (outbox read → online write), ms. */
  ms: number;
}

const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) && Array.isArray(r[0]) ? (r[0] as T[]) : (r as T[]));

/**
 * The push path: a candidate's interactions and profile edits reach their online features within about a second.
 * Triggers put the candidate into the `candidate_activity` outbox in the writing transaction (migration
 * 1764200210000); `drain` takes a batch (SKIP LOCKED, so several workers share it), computes the candidate views at
 * now exactly as a computation would (source SQL, transform — population statistics such as the engagement prior
 * come from the whole source, not the batch), appends the batch's rows to the offline store (the log stays in step,
 * so point-in-time joins see what serving saw) and writes them into the online store's current generation of each
 * materialised view. Views never materialised are skipped (nothing serves them online). Then a candidate-activity
 * message tells serving to drop its per-candidate caches.
 */
@Injectable()
export class PushService {
  private readonly logger = new Logger('FeaturePush');
  private synced = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService,
    @Inject(ComputeService) private readonly compute: ComputeService,
    @Inject(OfflineStoreService) private readonly offline: OfflineStoreService,
    @Inject(OnlineService) private readonly online: OnlineService,
    @Inject(OnlineStore) private readonly store: OnlineStore,
    @Inject(KeyValueStore) private readonly kv: KeyValueStore,
  ) {}

  /** Takes up to `limit` outbox rows and pushes their candidates; null when the outbox was empty. */
  async drain(limit = 5000): Promise<PushResult | null> {
    const rows = rowsOf<{ candidate_id: string; kind: string }>(await this.db.query(
      `DELETE FROM candidate_activity WHERE id IN (SELECT id FROM candidate_activity ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING candidate_id::text AS candidate_id, kind`,
      [limit],
    ));
    if (rows.length === 0) return null;
    const ids = [...new Set(rows.map((r) => r.candidate_id))];
    const kinds = [...new Set(rows.map((r) => r.kind))];
    try {
      return await this.push(ids, kinds);
    } catch (err) {
      // put them back: the next drain retries (the push is idempotent)
      await this.db.query(`INSERT INTO candidate_activity (candidate_id, kind) SELECT unnest($1::bigint[]), 'retry'`, [ids]).catch(() => undefined);
      throw err;
    }
  }

  /** Recomputes the candidate views for these candidates at `asOf` (default now): offline append, then online write. */
  async push(candidateIds: string[], kinds: string[] = ['interaction'], asOf = new Date()): Promise<PushResult> {
    const started = Date.now();
    if (!this.synced) {
      await this.registry.sync();
      this.synced = true;
    }
    const wanted = new Set(candidateIds);
    const result: PushResult = { candidates: wanted.size, views: [], ms: 0 };
    for (const name of PUSH_VIEWS) {
      const current = this.registry.currentVersion('view', name);
      if (!current) continue;
      const pointer = await this.online.pointer(current.id);
      if (!pointer) continue; // never materialised: nothing reads it online
      const view = await this.registry.resolveView(`${name}/${current.version}`);
      const def = this.registry.viewDefinition(name);
      const all = await this.compute.computeStep(def, { asOf, query: async (sql, params) => rowsOf(await this.db.query(sql, params)), vocabulary: async () => { throw new Error(`push: view ${name} needs a vocabulary`); } });
      const records = all.filter((r) => wanted.has(r.key));
      // Candidates with no row now (e.g. no interaction left in the 30-day window): their previous online value stays
      // until its TTL, as after a materialisation.
      const appended = await this.offline.append(current.id, records);
      const written = await this.store.write(current.id, pointer.generation, records.map((r) => ({ key: r.key, eventTime: r.eventTime.getTime(), values: r.values })), view.ttlSeconds * 1000);
      result.views.push({ view: name, version: current.version, rows: records.length, appended, written });
    }
    result.ms = Date.now() - started;
    const message: CandidateActivity = { candidateIds: [...wanted], kinds, at: new Date().toISOString() };
    await this.kv.publish(CANDIDATE_ACTIVITY_CHANNEL, JSON.stringify(message)).catch(() => undefined);
    return result;
  }
}
