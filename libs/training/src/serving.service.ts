import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { KeyValueStore } from '@app/kv';
import { CANDIDATE_ACTIVITY_CHANNEL, JobEntity, type CandidateActivity } from '@app/market';
import { loadRecommender, STRATEGY_NAMES, type CandidateQuery, type Recommender, type StrategyName } from '@app/recsys';
import { PlatformMetrics } from '@app/telemetry';
import { parseModelRef, REGISTRY_EVENTS_CHANNEL, RegistryService, type ModelVersionEntity, type RegistryEvent } from '@app/registry';
import { DataSource, In } from 'typeorm';
import { candidateFeatures, INTERACTION_WEIGHTS } from './snapshot.js';
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
  jobIndex: Map<string, number>;
  /** The training cut-off (registry dataset.cutoff), epoch ms; interactions from then on are folded in at request time. */
  cutoffMs: number | null;
  loadedAt: Date;
}

/** What request-time fold-in added to a candidate's query (null: served from the trained vector as is). */
export interface FoldIn {
  /** Interactions newer than the training cut-off (unknown candidates: all recent ones) mapped onto the model's jobs. */
  interactions: number;
  /** Positive ones folded into the candidate's vector. */
  positives: number;
  /** Dismissals, filtered out of the list. */
  dismissed: number;
  /** The profile was edited after the cut-off (or the candidate is new): embedded from the current profile. */
  profile: boolean;
  /** The candidate is not in the model's training snapshot. */
  newCandidate: boolean;
}

interface FoldEntry {
  at: number;
  query: CandidateQuery;
  dismissed: number[];
  foldIn: FoldIn | null;
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
  foldIn: FoldIn | null;
  items: Array<{ position: number; score: number; job: JobEntity }>;
}

/** Alias-held versions are re-resolved this often even without an event (a lost pub/sub message heals). */
const REVALIDATE_MS = 30_000;
const MAX_CACHED_VERSIONS = 8;
/** Fold-in queries are cached per candidate this long; a candidate-activity message drops the entry at once. */
const FOLD_CACHE_MS = 10_000;
const FOLD_CACHE_MAX = 20_000;
/** Most recent interactions folded in per request. */
const FOLD_MAX_INTERACTIONS = 200;

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
  private activitySubscription?: Promise<() => Promise<void>>;
  private readonly foldCache = new Map<string, FoldEntry>();

  constructor(
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(KeyValueStore) private readonly kv: KeyValueStore,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SnapshotService) private readonly snapshots: SnapshotService,
    @Optional() @Inject(PlatformMetrics) private readonly metrics?: PlatformMetrics,
  ) {}

  async onModuleDestroy(): Promise<void> {
    for (const sub of [this.subscription, this.activitySubscription]) {
      if (sub) await (await sub.catch(() => async () => undefined))().catch(() => undefined);
    }
    this.subscription = undefined;
    this.activitySubscription = undefined;
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
    const { query, dismissed, foldIn } = await this.candidateQuery(served, candidateId);
    const list = served.recommender.recommend(query, k, dismissed.length ? { dismissed } : {});
    const ids = list.map((s) => served.jobIds[s.job]!);
    const jobs = ids.length ? await this.db.getRepository(JobEntity).find({ where: { id: In(ids) }, relations: { company: true } }) : [];
    const byId = new Map(jobs.map((j) => [String(j.id), j]));
    const items = list
      .map((s, i) => ({ position: i + 1, score: s.score, job: byId.get(ids[i]!) }))
      .filter((x): x is { position: number; score: number; job: JobEntity } => x.job !== undefined);
    return { modelRef: ref, served, foldIn, items };
  }

  /**
   * The candidate's query for this model, with request-time fold-in: a candidate the model knows is served from
   * the trained vector unless they interacted after the training cut-off or edited their profile since — then the
   * strategy folds those interactions (and the current profile, when the row was edited after its creation and
   * after the cut-off) in (ALS: the exact least-squares solve against the
   * item factors; two-tower: the candidate tower on the current profile, blended with the recent jobs). A candidate
   * the model does not know is folded in from their profile and recent interactions. Cached per candidate and
   * version for FOLD_CACHE_MS; a candidate-activity message (the push path) drops the entry at once.
   */
  async candidateQuery(served: ServedModel, candidateId: string): Promise<FoldEntry> {
    this.subscribeActivity();
    const key = `${served.versionId}:${candidateId}`;
    const hit = this.foldCache.get(key);
    if (hit && Date.now() - hit.at < FOLD_CACHE_MS) return hit;
    const index = served.candidateIndex.get(candidateId);
    let entry: FoldEntry;
    if (index !== undefined && served.cutoffMs === null) entry = { at: Date.now(), query: { index }, dismissed: [], foldIn: null };
    else {
      if (!/^\d+$/.test(candidateId)) throw new TrainingError('NOT_FOUND', `candidate ${candidateId} not found`);
      const since = index !== undefined ? new Date(served.cutoffMs!) : new Date(0);
      const rows: Array<{ changed: boolean | null; recent: Array<{ j: string; type: string }> | null }> = await this.db.query(
        `SELECT (c.updated_at >= $2 AND c.updated_at > c.created_at + interval '1 second') AS changed,
                (SELECT json_agg(x) FROM (SELECT i.job_id::text AS j, i.type FROM interactions i
                   WHERE i.candidate_id = c.id AND i.occurred_at >= $2 AND i.type IN ('click', 'save', 'apply', 'dismiss')
                   ORDER BY i.occurred_at DESC, i.id DESC LIMIT ${FOLD_MAX_INTERACTIONS}) x) AS recent
           FROM candidates c WHERE c.id = $1`,
        [candidateId, since],
      );
      const row = rows[0];
      if (!row) throw new TrainingError('NOT_FOUND', `candidate ${candidateId} not found`);
      const history: number[] = [], weights: number[] = [], dismissed: number[] = [];
      let mapped = 0;
      for (const r of row.recent ?? []) {
        const j = served.jobIndex.get(r.j);
        if (j === undefined) continue; // a job posted after training: the model cannot place it
        mapped++;
        if (r.type === 'dismiss') dismissed.push(j);
        else { history.push(j); weights.push(INTERACTION_WEIGHTS[r.type as keyof typeof INTERACTION_WEIGHTS] ?? 1); }
      }
      const profile = index === undefined || row.changed === true;
      if (index !== undefined && !profile && mapped === 0) entry = { at: Date.now(), query: { index }, dismissed: [], foldIn: null };
      else {
        const features = profile ? await this.snapshots.candidateRow(candidateId).then((r) => (r ? candidateFeatures(r) : undefined)) : undefined;
        const query: CandidateQuery = { ...(index !== undefined ? { index } : {}), ...(features ? { features } : {}), ...(history.length ? { history, historyWeights: weights } : {}) };
        entry = { at: Date.now(), query, dismissed, foldIn: { interactions: mapped, positives: history.length, dismissed: dismissed.length, profile, newCandidate: index === undefined } };
      }
    }
    if (this.foldCache.size >= FOLD_CACHE_MAX) this.foldCache.delete(this.foldCache.keys().next().value!);
    this.foldCache.set(key, entry);
    return entry;
  }

  /** Drops cached fold-in queries of these candidates (every version). */
  invalidateCandidates(candidateIds: Iterable<string>): void {
    const ids = new Set(candidateIds);
    if (ids.size === 0) return;
    for (const key of this.foldCache.keys()) if (ids.has(key.slice(key.indexOf(':') + 1))) this.foldCache.delete(key);
  }

  private subscribeActivity(): void {
    this.activitySubscription ??= this.kv.subscribe(CANDIDATE_ACTIVITY_CHANNEL, (m) => {
      try {
        this.invalidateCandidates((JSON.parse(m) as CandidateActivity).candidateIds ?? []);
      } catch {
        // not ours
      }
    }).catch((err: unknown) => {
      this.logger.warn(`cannot subscribe to candidate activity (${(err as Error).message}); fold-in caches expire after ${FOLD_CACHE_MS / 1000} s`);
      this.activitySubscription = undefined;
      return async () => undefined;
    });
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
      const started = performance.now();
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
          jobIndex: new Map(catalog.jobIds.map((id, i) => [id, i])),
          cutoffMs: trainingCutoff(version),
          loadedAt: new Date(),
        };
      })();
      this.versions.set(version.id, loading);
      const observe = (outcome: string) => this.metrics?.modelLoadDuration.observe({ model: modelName, strategy: version.strategy, outcome }, (performance.now() - started) / 1000);
      loading.then(() => observe('loaded'), () => {
        observe('failed');
        this.versions.delete(version.id);
      });
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

/** The version's training cut-off (registry dataset.cutoff) in epoch ms, or null when it records none. */
function trainingCutoff(v: ModelVersionEntity): number | null {
  const raw = (v.dataset as { cutoff?: unknown } | null)?.['cutoff'];
  const t = typeof raw === 'string' ? new Date(raw).getTime() : NaN;
  return Number.isFinite(t) ? t : null;
}

/** "name@alias" or "name/3", validated (typed RegistryError on a bad reference). */
export function canonicalRef(ref: string): string {
  const r = parseModelRef(ref.trim());
  return 'alias' in r ? `${r.model}@${r.alias}` : `${r.model}/${r.version}`;
}
