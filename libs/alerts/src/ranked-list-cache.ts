import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { ExperimentsService } from '@app/experiments';
import { KeyValueStore } from '@app/kv';
import { CANDIDATE_ACTIVITY_CHANNEL, JobEntity, type CandidateActivity } from '@app/market';
import { RankingLogWriter, RankingService, type RankingReason } from '@app/ranking';
import { REGISTRY_EVENTS_CHANNEL, type RegistryEvent } from '@app/registry';
import { PlatformMetrics } from '@app/telemetry';
import { ModelServing } from '@app/training';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { matchesFilters, type AlertFilters, type WindowJob } from './compose.js';

/** One (experiment, variant, model reference) a list is precomputed for; the champion has no experiment. */
export interface PrecomputeTarget {
  experimentKey: string | null;
  variant: string | null;
  modelRef: string;
}

interface StoredList {
  versionId: string;
  model: string;
  version: number;
  pipeline: string;
  computedAt: string;
  items: Array<{ jobId: string; score: number; modelScore: number | null; reasons: RankingReason[] }>;
}

export interface CachedRanking {
  rankingId: string;
  model: string;
  version: number;
  items: Array<{ position: number; score: number; job: JobEntity; reasons: RankingReason[] }>;
}

const TARGETS_KEY = 'ranked:targets';

/**
 * Precomputed top-N ranked lists (per active candidate, for the champion and every running experiment variant) in the
 * key-value store (Redis, or its Postgres stand-in), served by `rankedJobs` before live ranking.
 *
 * Invalidation: an entry names the model version it was ranked with; it is a miss once the reference serves another
 * version (an alias move, seen through registry events by this process and by ModelServing). A candidate-activity
 * message (profile edit or new interactions, libs/features push path) deletes that candidate's lists in every process.
 * Lists also expire after RANKED_PRECOMPUTE_TTL_SECONDS. A filtered request that leaves fewer jobs than asked from a
 * truncated list, a limit above N, or expired jobs eating into the list fall back to live ranking.
 */
@Injectable()
export class RankedListCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RankedListCache');
  /** Version each alias was last seen moving to (registry events), by "model@alias". */
  private readonly aliasVersions = new Map<string, number>();
  private unsubscribe: Array<Promise<() => Promise<void>>> = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(KeyValueStore) private readonly kv: KeyValueStore,
    @Inject(ModelServing) private readonly serving: ModelServing,
    @Inject(RankingService) private readonly ranking: RankingService,
    @Inject(RankingLogWriter) private readonly logs: RankingLogWriter,
    @Inject(ExperimentsService) private readonly experiments: ExperimentsService,
    @Optional() @Inject(PlatformMetrics) private readonly metrics?: PlatformMetrics,
  ) {}

  onModuleInit(): void {
    const quiet = (what: string) => (err: unknown) => {
      this.logger.warn(`cannot subscribe to ${what} (${(err as Error).message}); precomputed lists rely on version checks and TTL`);
      return async () => undefined;
    };
    this.unsubscribe.push(this.kv.subscribe(REGISTRY_EVENTS_CHANNEL, (m) => this.onRegistryEvent(m)).catch(quiet('registry events')));
    this.unsubscribe.push(this.kv.subscribe(CANDIDATE_ACTIVITY_CHANNEL, (m) => void this.onActivity(m)).catch(quiet('candidate activity')));
  }

  async onModuleDestroy(): Promise<void> {
    for (const u of this.unsubscribe) await (await u)().catch(() => undefined);
    this.unsubscribe = [];
  }

  static key(t: PrecomputeTarget, candidateId: string): string {
    return `ranked:${t.experimentKey ?? '-'}:${t.variant ?? '-'}:${t.modelRef}:${candidateId}`;
  }

  /** The champion and every running experiment variant that names a registry model (interleaving ranks live). */
  async targets(): Promise<PrecomputeTarget[]> {
    const out: PrecomputeTarget[] = [{ experimentKey: null, variant: null, modelRef: this.config.alerts.modelRef }];
    for (const exp of await this.experiments.list({ status: 'running' })) {
      if (exp.type === 'interleaving') continue;
      for (const v of exp.variants) if (v.modelRef) out.push({ experimentKey: exp.key, variant: v.key, modelRef: v.modelRef });
    }
    return out;
  }

  /** Candidates with an interaction in the last 30 days or an active alert subscription. */
  async activeCandidates(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT DISTINCT candidate_id::text AS id FROM interactions WHERE occurred_at > now() - interval '30 days'
       UNION SELECT DISTINCT candidate_id::text FROM alert_subscriptions WHERE status = 'active' ORDER BY 1`,
    );
    return rows.map((r) => r.id);
  }

  /** The nightly job: ranks top-N for every active candidate and target and stores the lists. */
  async precompute(opts: { candidateIds?: string[] } = {}): Promise<{ candidates: number; targets: number; lists: number; skipped: number; ms: number }> {
    const started = Date.now();
    const { topN, ttlSeconds } = this.config.precompute;
    const candidates = opts.candidateIds ?? (await this.activeCandidates());
    const targets: PrecomputeTarget[] = [];
    for (const t of await this.targets()) {
      try {
        await this.serving.model(t.modelRef);
        targets.push(t);
      } catch (err) {
        this.logger.warn(`precompute: ${t.modelRef} cannot be served (${(err as Error).message}); skipped`);
      }
    }
    await this.kv.set(TARGETS_KEY, JSON.stringify(targets), ttlSeconds);
    let lists = 0, skipped = 0;
    for (const t of targets) {
      for (const candidateId of candidates) {
        try {
          const ranked = await this.ranking.rank({ candidateId, limit: topN, channel: 'rankedJobs', modelRef: t.modelRef, experimentKey: t.experimentKey, variant: t.variant, noLog: true });
          const served = ranked.served!;
          const entry: StoredList = {
            versionId: served.versionId, model: served.model, version: served.version, pipeline: ranked.pipeline, computedAt: new Date().toISOString(),
            items: ranked.items.map((i) => ({ jobId: i.jobId, score: i.score, modelScore: i.modelScore, reasons: i.reasons })),
          };
          await this.kv.set(RankedListCache.key(t, candidateId), JSON.stringify(entry), ttlSeconds);
          lists++;
        } catch (err) {
          skipped++;
          this.logger.debug(`precompute: candidate ${candidateId} with ${t.modelRef} skipped: ${(err as Error).message}`);
        }
      }
      this.metrics?.rankedListPrecomputed.inc({ model_ref: t.modelRef }, lists);
    }
    return { candidates: candidates.length, targets: targets.length, lists, skipped, ms: Date.now() - started };
  }

  /**
   * The precomputed list for this request, filtered, cut to `limit`, logged under a fresh ranking id; null (a miss)
   * when there is none or it cannot answer the request exactly as live ranking would.
   */
  async serve(candidateId: string, limit: number, filters: AlertFilters, t: PrecomputeTarget): Promise<CachedRanking | null> {
    const result = await this.lookup(candidateId, limit, filters, t).catch((err: unknown) => {
      this.logger.warn(`precomputed list lookup failed (${(err as Error).message}); ranking live`);
      return null;
    });
    this.metrics?.rankedListCache.inc({ outcome: result ? 'hit' : 'miss' });
    return result;
  }

  private async lookup(candidateId: string, limit: number, filters: AlertFilters, t: PrecomputeTarget): Promise<CachedRanking | null> {
    const { topN } = this.config.precompute;
    if (limit > topN) return null;
    const raw = await this.kv.get(RankedListCache.key(t, candidateId));
    if (!raw) return null;
    const entry = JSON.parse(raw) as StoredList;
    const moved = this.aliasVersions.get(t.modelRef);
    const served = await this.serving.model(t.modelRef);
    if ((moved !== undefined && moved !== entry.version) || served.versionId !== entry.versionId) {
      await this.kv.del(RankedListCache.key(t, candidateId));
      return null;
    }
    const ids = entry.items.map((i) => i.jobId);
    const byId = await this.ranking.jobEntities(ids);
    const now = Date.now();
    const filtered = Object.values(filters).some((v) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0));
    const kept = entry.items.filter((i) => {
      const j = byId.get(i.jobId);
      if (!j || j.status !== 'active' || (j.expiresAt && j.expiresAt.getTime() <= now)) return false;
      return !filtered || matchesFilters(toWindowJob(j), filters);
    });
    // The list was cut at N: with fewer than `limit` left, live ranking (which asks its sources for more) could differ.
    if (kept.length < limit && entry.items.length >= topN) return null;
    const items = kept.slice(0, limit).map((i, n) => ({ position: n + 1, score: i.score, job: byId.get(i.jobId)!, reasons: i.reasons, modelScore: i.modelScore }));
    const rankingId = randomUUID();
    this.logs.write({
      rankingId, candidateId, channel: 'rankedJobs', modelRef: t.modelRef, modelVersion: entry.version, experimentKey: t.experimentKey, variant: t.variant,
      pipeline: entry.pipeline, config: { precomputedAt: entry.computedAt }, stages: [],
      items: items.map((i) => ({ jobId: String(i.job.id), position: i.position, score: Math.round(i.score * 1e4) / 1e4, modelScore: i.modelScore, reasons: i.reasons })),
    });
    return { rankingId, model: entry.model, version: entry.version, items: items.map(({ modelScore: _m, ...i }) => i) };
  }

  /** Deletes every precomputed list of these candidates. */
  async invalidateCandidates(candidateIds: string[]): Promise<number> {
    const raw = await this.kv.get(TARGETS_KEY);
    const targets: PrecomputeTarget[] = raw ? (JSON.parse(raw) as PrecomputeTarget[]) : [];
    let n = 0;
    for (const t of targets) for (const c of candidateIds) {
      await this.kv.del(RankedListCache.key(t, c));
      n++;
    }
    return n;
  }

  private onRegistryEvent(message: string): void {
    try {
      const e = JSON.parse(message) as RegistryEvent;
      if (e.type === 'alias.moved' && e.alias && typeof e.version === 'number') this.aliasVersions.set(`${e.model}@${e.alias}`, e.version);
    } catch {
      // not ours
    }
  }

  private async onActivity(message: string): Promise<void> {
    try {
      const a = JSON.parse(message) as CandidateActivity;
      if (a.candidateIds?.length) await this.invalidateCandidates(a.candidateIds);
    } catch (err) {
      this.logger.warn(`invalidating precomputed lists failed: ${(err as Error).message}`);
    }
  }
}

function toWindowJob(j: JobEntity): WindowJob {
  return {
    id: String(j.id), title: j.title, companyId: j.companyId, companyName: j.company?.name ?? null, city: j.city, region: j.region, country: j.country, remote: j.remote, skills: j.skills,
    description: j.description, salaryAnnualMin: j.salaryAnnualMin, salaryAnnualMax: j.salaryAnnualMax, postedAt: j.postedAt.getTime(), expiresAt: j.expiresAt ? j.expiresAt.getTime() : null, status: j.status,
  };
}
