import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ENTITY_NAMES, type EntityName, type FeatureValue } from '../definitions/types.js';
import { FeatureError } from '../features.errors.js';
import { FeatureRegistryService, type ResolvedMember, type ResolvedService, type ResolvedView } from '../feature-registry.service.js';
import { applyMissingPolicy } from '../missing-policy.js';
import { CLOCK_SKEW_MS, isFreshOnline } from '../pit.js';
import type { FeatureStatistics } from '../stats.js';
import { StatisticsService } from '../statistics.service.js';
import { OnlineStore, type OnlineKey, type OnlineRecord } from './online-store.js';

export type ValueStatus = 'present' | 'missing' | 'expired';

export interface OnlineFeatureRow {
  id: string;
  /** In `features` order, after the missing-value policy. */
  values: FeatureValue[];
  /** Seconds since each value's event time; null when missing. */
  ages: Array<number | null>;
  status: ValueStatus[];
}

export interface OnlineFeatures {
  service: string;
  version: number;
  entity: EntityName;
  features: string[];
  rows: OnlineFeatureRow[];
}

export interface MaterializeOptions {
  /** full: a new generation from the offline store's latest values, then flip; incremental: rows appended since the last run, in place. */
  mode?: 'full' | 'incremental';
}

export interface MaterializeResult {
  view: string;
  version: number;
  mode: 'full' | 'incremental';
  generation: number;
  rows: number;
  written: number;
  seconds: number;
}

export type MaterializeProgress = (done: number, total: number) => Promise<void> | void;

interface Pointer {
  generation: number;
  watermark: string;
  rows: number;
  materializedAt: Date;
}

const READ_BATCH = 10_000;
const CACHE_MS = 1000;
const SERVICE_CACHE_MS = 5000;

/** Materialisation offline → online, and online reads with TTL, age and missing-value policy. */
@Injectable()
export class OnlineService {
  private readonly pointers = new Map<number, { at: number; value: Pointer | null; refreshing?: boolean }>();
  private readonly services = new Map<string, { at: number; value: ResolvedService; refreshing?: boolean }>();
  private readonly stats = new Map<number, { at: number; value: Map<string, FeatureStatistics>; refreshing?: boolean }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OnlineStore) private readonly store: OnlineStore,
    @Inject(FeatureRegistryService) private readonly registry: FeatureRegistryService,
    @Inject(StatisticsService) private readonly statistics: StatisticsService,
  ) {}

  get backend(): 'redis' | 'postgres' {
    return this.store.backend;
  }

  async pointer(viewVersionId: number): Promise<Pointer | null> {
    const rows = await this.db.query(
      `SELECT generation, watermark::text AS watermark, rows::int AS rows, materialized_at AS "materializedAt" FROM feature_online_state WHERE view_version_id = $1 AND backend = $2`,
      [viewVersionId, this.store.backend],
    ) as Pointer[];
    return rows[0] ?? null;
  }

  /**
   * Copies the latest valid value per entity of a view version to the online store. Full: into a new generation,
   * then the pointer flips (readers see the old generation until then; on failure the partial one is dropped).
   * Incremental: the entities with rows appended since the watermark, overwritten in the current generation
   * with their latest value (idempotent, so a failed run is simply repeated).
   */
  async materialize(viewRef: string | ResolvedView, opts: MaterializeOptions = {}, onProgress?: MaterializeProgress): Promise<MaterializeResult> {
    const view = typeof viewRef === 'string' ? await this.registry.resolveView(viewRef) : viewRef;
    const started = Date.now();
    const current = await this.pointer(view.id);
    const mode = opts.mode === 'incremental' && current ? 'incremental' : 'full';
    const runner = this.db.createQueryRunner();
    await runner.connect();
    let generation = current?.generation ?? 0;
    let wrote = false;
    try {
      const locked = (await runner.query(`SELECT pg_try_advisory_lock(hashtext('matchlab:materialize'), $1) AS ok`, [view.id]) as Array<{ ok: boolean }>)[0]!.ok;
      if (!locked) throw new FeatureError('CONFLICT', `feature view ${view.name}/${view.version} is being materialised by another job`, { field: 'view' });
      try {
        const watermark = ((await runner.query(`SELECT COALESCE(max(id), 0)::text AS w FROM feature_rows WHERE view_version_id = $1`, [view.id])) as Array<{ w: string }>)[0]!.w;
        if (mode === 'full') generation = (current?.generation ?? 0) + 1;
        const ttlMs = view.ttlSeconds * 1000;
        const filter = mode === 'full'
          ? `r.view_version_id = $1 AND r.id <= $2`
          : `r.view_version_id = $1 AND r.id <= $2 AND r.entity_key IN (SELECT entity_key FROM feature_rows WHERE view_version_id = $1 AND id > $3 AND id <= $2)`;
        const params = mode === 'full' ? [view.id, watermark] : [view.id, watermark, current!.watermark];
        const window = `r.event_time > clock_timestamp() - interval '${view.ttlSeconds} seconds' AND r.event_time <= clock_timestamp() + interval '${CLOCK_SKEW_MS / 1000} seconds'`;
        const total = Number(((await runner.query(`SELECT count(DISTINCT r.entity_key)::text AS n FROM feature_rows r WHERE ${filter} AND ${window}`, params)) as Array<{ n: string }>)[0]!.n);
        await onProgress?.(0, total);
        let rows = 0, written = 0;
        // Keyset pages over the lookup index, no long transaction: rows appended meanwhile have id > watermark and
        // wait for the next run, and the embedded database (one session) stays free for the writes. The next page is
        // read while the current one is written.
        type Page = Array<{ entity_key: string; t: number; v: string }>;
        const page = (after: string): Promise<Page> => runner.query(
          `SELECT DISTINCT ON (r.entity_key) r.entity_key, (extract(epoch FROM r.event_time) * 1000)::float8 AS t, r."values"::text AS v
             FROM feature_rows r WHERE ${filter} AND ${window} AND r.entity_key > $${params.length + 1}
            ORDER BY r.entity_key, r.event_time DESC LIMIT ${READ_BATCH}`, [...params, after]) as Promise<Page>;
        let next: Promise<Page> | null = page('');
        wrote = true;
        try {
          while (next) {
            const batch: Page = await next;
            next = batch.length < READ_BATCH ? null : page(batch[batch.length - 1]!.entity_key);
            if (batch.length === 0) break;
            const records: OnlineRecord[] = batch.map((b) => ({ key: b.entity_key, eventTime: b.t, values: [], valuesJson: b.v }));
            written += await this.store.write(view.id, generation, records, ttlMs);
            rows += batch.length;
            await onProgress?.(rows, total);
          }
        } finally {
          await next?.catch(() => undefined); // a page still in flight when a write failed
        }
        // The flip: from here on readers use the new generation (and the new watermark).
        await runner.query(
          `INSERT INTO feature_online_state (view_version_id, backend, generation, watermark, rows, materialized_at) VALUES ($1, $2, $3, $4, $5, now())
           ON CONFLICT (view_version_id, backend) DO UPDATE SET generation = excluded.generation, watermark = excluded.watermark,
             rows = CASE WHEN $6 THEN feature_online_state.rows ELSE excluded.rows END, materialized_at = excluded.materialized_at`,
          [view.id, this.store.backend, generation, watermark, rows, mode === 'incremental'],
        );
        this.pointers.delete(view.id);
        // The previous generation stays for readers whose pointer cache is a second old; the one before goes.
        if (mode === 'full' && generation > 2) await this.store.dropGeneration(view.id, generation - 2).catch(() => undefined);
        return { view: view.name, version: view.version, mode, generation, rows, written, seconds: (Date.now() - started) / 1000 };
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('matchlab:materialize'), $1)`, [view.id]).catch(() => undefined);
      }
    } catch (err) {
      if (wrote && mode === 'full') await this.store.dropGeneration(view.id, generation).catch(() => undefined);
      if (err instanceof FeatureError) throw err;
      throw new FeatureError('MATERIALIZATION_FAILED', `materialising ${view.name}/${view.version} failed (the online store keeps the previous values): ${(err as Error).message}`, { view: view.name });
    } finally {
      await runner.release();
    }
  }

  /**
   * Per-process caches, refreshed in the background once older than a second (a read never waits for them after
   * the first): a reader may use the previous generation for about a second after a flip, which is why a full
   * materialisation keeps that generation until the next one.
   */
  private cached<K, V>(map: Map<K, { at: number; value: V; refreshing?: boolean }>, key: K, maxAgeMs: number, load: () => Promise<V>): Promise<V> | V {
    const hit = map.get(key);
    if (!hit) return load().then((value) => { map.set(key, { at: Date.now(), value }); return value; });
    if (Date.now() - hit.at > maxAgeMs && !hit.refreshing) {
      hit.refreshing = true;
      load().then((value) => map.set(key, { at: Date.now(), value }), () => { hit.refreshing = false; });
    }
    return hit.value;
  }

  private cachedPointer(viewVersionId: number): Promise<Pointer | null> | Pointer | null {
    return this.cached(this.pointers, viewVersionId, CACHE_MS, () => this.pointer(viewVersionId));
  }

  private cachedService(ref: string): Promise<ResolvedService> | ResolvedService {
    return this.cached(this.services, ref, SERVICE_CACHE_MS, () => this.registry.resolveService(ref));
  }

  private cachedStats(serviceVersionId: number): Promise<Map<string, FeatureStatistics>> | Map<string, FeatureStatistics> {
    return this.cached(this.stats, serviceVersionId, 30_000, () => this.statistics.trainingStats(serviceVersionId));
  }

  /**
   * Current values of a service's features for entities. `entity` picks the views: candidate or job → that
   * entity's views (ids are its ids); candidate_job → every view (ids "<candidateId>:<jobId>"). A value past
   * its TTL is reported "expired" and replaced per the missing-value policy — never served stale.
   */
  async getOnlineFeatures(entity: EntityName, ids: string[], serviceRef: string, now = Date.now()): Promise<OnlineFeatures> {
    if (!ENTITY_NAMES.includes(entity)) throw new FeatureError('INVALID_INPUT', `unknown entity "${entity}" (one of ${ENTITY_NAMES.join(', ')})`, { field: 'entity' });
    const service = await this.cachedService(serviceRef);
    const members = service.members.filter((m) => entity === 'candidate_job' || m.view.entity === entity);
    if (members.length === 0) throw new FeatureError('INVALID_INPUT', `feature service ${service.name} has no ${entity} views`, { field: 'entity' });
    const pointers = await Promise.all(members.map((m) => this.cachedPointer(m.view.id)));
    const stats = members.some((m) => m.features.some((f) => f.missing?.strategy === 'mean')) ? await this.cachedStats(service.id) : undefined;
    const keys: OnlineKey[] = [];
    const slot: number[][] = ids.map(() => new Array<number>(members.length).fill(-1));
    ids.forEach((id, r) => {
      const parts = entity === 'candidate_job' ? splitPair(id) : null;
      members.forEach((m, k) => {
        const p = pointers[k];
        if (!p) return;
        const key = m.view.entity === entity ? id : m.view.entity === 'candidate' ? parts![0] : parts![1];
        slot[r]![k] = keys.length;
        keys.push({ viewVersionId: m.view.id, generation: p.generation, key });
      });
    });
    const records = await this.store.read(keys);
    const features = members.flatMap((m) => m.features.map((f) => `${m.view.name}.${f.name}`));
    const rows = ids.map((id, r) => {
      const values: FeatureValue[] = [], ages: Array<number | null> = [], status: ValueStatus[] = [];
      members.forEach((m: ResolvedMember, k) => {
        const rec = slot[r]![k]! >= 0 ? records[slot[r]![k]!] : null;
        const fresh = rec ? isFreshOnline(rec.eventTime, now, m.view.ttlSeconds * 1000) : false;
        m.positions.forEach((p, i) => {
          const f = m.features[i]!;
          const raw = fresh ? (rec!.values[p] ?? null) : null;
          values.push(applyMissingPolicy(f, raw, stats?.get(`${m.view.name}.${f.name}`)));
          ages.push(fresh ? Math.max(0, (now - rec!.eventTime) / 1000) : null);
          status.push(!rec ? 'missing' : !fresh ? 'expired' : raw === null ? 'missing' : 'present');
        });
      });
      return { id, values, ages, status };
    });
    return { service: service.name, version: service.version, entity, features, rows };
  }

  /** Fresh values of a view's current generation (drift monitoring). */
  async sampleOnline(view: ResolvedView, limit: number): Promise<OnlineRecord[]> {
    const p = await this.pointer(view.id);
    if (!p) return [];
    const now = Date.now();
    return (await this.store.sample(view.id, p.generation, limit)).filter((r) => isFreshOnline(r.eventTime, now, view.ttlSeconds * 1000));
  }
}

function splitPair(id: string): [string, string] {
  const i = id.indexOf(':');
  if (i <= 0 || i === id.length - 1) throw new FeatureError('INVALID_INPUT', `candidate_job id "${id}" must be "<candidateId>:<jobId>"`, { field: 'ids' });
  return [id.slice(0, i), id.slice(i + 1)];
}
