import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { KeyValueStore } from '@app/kv';
import { JobEntity } from '@app/market';
import { loadRecommender, STRATEGY_NAMES, type CandidateQuery, type Recommender, type StrategyName } from '@app/recsys';
import { parseModelRef, REGISTRY_EVENTS_CHANNEL, RegistryService, type ModelVersionEntity, type RegistryEvent } from '@app/registry';
import { DataSource, In } from 'typeorm';
import { candidateFeatures } from './snapshot.js';
import { SnapshotService } from './snapshot.service.js';
import { TrainingError } from './training.errors.js';

/** A loaded, servable version. Immutable: a switch replaces the whole object. */
export interface ServedModel {
  model: string;
  version: number;
  versionId: string;
  strategy: string;
  recommender: Recommender;
  candidateIndex: Map<string, number>;
  jobIds: string[];
  loadedAt: Date;
}

interface RefEntry {
  current: ServedModel;
  checkedAt: number;
  reloading?: Promise<void>;
  again?: boolean;
}

export interface Recommendation {
  modelRef: string;
  served: ServedModel;
  items: Array<{ position: number; score: number; job: JobEntity }>;
}

/** Alias-held versions are re-resolved this often even without an event (a lost pub/sub message heals). */
const REVALIDATE_MS = 30_000;
const MAX_CACHED_VERSIONS = 8;

/**
 * Serves recommendations from registry versions. A version is loaded once per process (artifact checksum
 * verified by the registry) and cached. Aliases are followed through registry events on the key-value store
 * (Redis pub/sub, or the Postgres poller in embedded mode): when an alias moves, the new version is loaded in
 * the background and swapped in with one reference assignment, so requests never wait for or fail on a switch.
 */
@Injectable()
export class ModelServing implements OnModuleDestroy {
  private readonly logger = new Logger('ModelServing');
  private readonly refs = new Map<string, RefEntry>();
  private readonly versions = new Map<string, Promise<ServedModel>>();
  private subscription?: Promise<() => Promise<void>>;

  constructor(
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(KeyValueStore) private readonly kv: KeyValueStore,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SnapshotService) private readonly snapshots: SnapshotService,
  ) {}

  async onModuleDestroy(): Promise<void> {
    const sub = this.subscription;
    this.subscription = undefined;
    if (sub) await (await sub.catch(() => async () => undefined))().catch(() => undefined);
  }

  /** The version a reference serves now, loading it on first use. */
  async model(ref: string): Promise<ServedModel> {
    const key = canonicalRef(ref);
    this.subscribe();
    const hit = this.refs.get(key);
    if (hit) {
      if (key.includes('@') && Date.now() - hit.checkedAt > REVALIDATE_MS) this.refresh(key, hit);
      return hit.current;
    }
    const { model, version } = await this.registry.resolve(key);
    const served = await this.load(model.name, version);
    const existing = this.refs.get(key);
    if (existing) return existing.current; // a concurrent first request won
    this.refs.set(key, { current: served, checkedAt: Date.now() });
    return served;
  }

  async recommend(candidateId: string, k: number, ref: string): Promise<Recommendation> {
    if (!Number.isInteger(k) || k < 1 || k > 200) throw new TrainingError('INVALID_INPUT', `k must be an integer in 1..200, got ${k}`);
    const served = await this.model(ref);
    const index = served.candidateIndex.get(candidateId);
    let query: CandidateQuery;
    if (index !== undefined) query = { index };
    else {
      // Not in the training snapshot (new, or no training consent): served from features alone.
      const row = await this.snapshots.candidateRow(candidateId);
      if (!row) throw new TrainingError('NOT_FOUND', `candidate ${candidateId} not found`);
      query = { features: candidateFeatures(row) };
    }
    const list = served.recommender.recommend(query, k);
    const ids = list.map((s) => served.jobIds[s.job]!);
    const jobs = ids.length ? await this.db.getRepository(JobEntity).find({ where: { id: In(ids) }, relations: { company: true } }) : [];
    const byId = new Map(jobs.map((j) => [String(j.id), j]));
    const items = list
      .map((s, i) => ({ position: i + 1, score: s.score, job: byId.get(ids[i]!) }))
      .filter((x): x is { position: number; score: number; job: JobEntity } => x.job !== undefined);
    return { modelRef: ref, served, items };
  }

  private subscribe(): void {
    this.subscription ??= this.kv.subscribe(REGISTRY_EVENTS_CHANNEL, (m) => this.onEvent(m)).catch((err: unknown) => {
      this.logger.warn(`cannot subscribe to registry events (${(err as Error).message}); aliases are re-checked every ${REVALIDATE_MS / 1000} s`);
      this.subscription = undefined;
      return async () => undefined;
    });
  }

  private onEvent(message: string): void {
    let event: RegistryEvent;
    try {
      event = JSON.parse(message) as RegistryEvent;
    } catch {
      return;
    }
    if (event.type !== 'alias.moved' || !event.alias) return;
    const key = `${event.model}@${event.alias}`;
    const entry = this.refs.get(key);
    if (entry && entry.current.version !== event.version) this.refresh(key, entry);
  }

  /** Loads what the alias points at now in the background; swaps when ready. Failures keep the current model. */
  private refresh(key: string, entry: RefEntry): void {
    if (entry.reloading) {
      entry.again = true;
      return;
    }
    entry.reloading = (async () => {
      do {
        entry.again = false;
        try {
          const { model, version } = await this.registry.resolve(key);
          if (version.id !== entry.current.versionId) {
            const next = await this.load(model.name, version);
            const from = entry.current.version;
            entry.current = next; // the switch: one assignment; in-flight requests keep the model they started with
            this.logger.log(`${key} switched from version ${from} to ${next.version}`);
            this.evict();
          }
          entry.checkedAt = Date.now();
        } catch (err) {
          this.logger.warn(`reloading ${key} failed, still serving version ${entry.current.version}: ${(err as Error).message}`);
          entry.checkedAt = Date.now();
        }
      } while (entry.again);
    })().finally(() => {
      entry.reloading = undefined;
    });
  }

  private load(modelName: string, version: ModelVersionEntity): Promise<ServedModel> {
    let loading = this.versions.get(version.id);
    if (!loading) {
      loading = (async () => {
        const bytes = await this.registry.loadArtifact(version); // verifies the checksum
        const strategy = (STRATEGY_NAMES as readonly string[]).includes(version.strategy) ? (version.strategy as StrategyName) : undefined;
        const recommender = await loadRecommender(bytes, strategy);
        const catalog = recommender.catalog;
        if (!catalog.jobIds || !catalog.candidateIds) throw new TrainingError('INVALID_INPUT', `${modelName}/${version.version} was not trained on the market tables (no database ids in its catalogue)`);
        return {
          model: modelName,
          version: version.version,
          versionId: version.id,
          strategy: version.strategy,
          recommender,
          candidateIndex: new Map(catalog.candidateIds.map((id, i) => [id, i])),
          jobIds: catalog.jobIds,
          loadedAt: new Date(),
        };
      })();
      this.versions.set(version.id, loading);
      loading.catch(() => this.versions.delete(version.id));
    }
    return loading;
  }

  /** Drops cached versions no reference serves, beyond the cap. */
  private evict(): void {
    if (this.versions.size <= MAX_CACHED_VERSIONS) return;
    const inUse = new Set([...this.refs.values()].map((e) => e.current.versionId));
    for (const id of this.versions.keys()) {
      if (this.versions.size <= MAX_CACHED_VERSIONS) break;
      if (!inUse.has(id)) this.versions.delete(id);
    }
  }
}

/** "name@alias" or "name/3", validated (typed RegistryError on a bad reference). */
export function canonicalRef(ref: string): string {
  const r = parseModelRef(ref.trim());
  return 'alias' in r ? `${r.model}@${r.alias}` : `${r.model}/${r.version}`;
}
