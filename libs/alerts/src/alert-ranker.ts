import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ExperimentsService } from '@app/experiments';
import { candidateFeatures, ModelServing, SnapshotService } from '@app/training';
import type { CandidateQuery } from '@app/recsys';
import { randomUUID } from 'node:crypto';
import type { JobEntity } from '@app/market';
import { RankingService, type RankingReason, type RankJob } from '@app/ranking';
import { matchesFilters, type AlertFilters, type WindowJob } from './compose.js';
import type { AlertSubscriptionEntity } from './alert.entity.js';
import { RankedListCache } from './ranked-list-cache.js';

/** Which model ranks a candidate's alerts, and the experiment exposure to log with it. */
export interface RankingAssignment {
  modelRef: string;
  experimentKey: string | null;
  variant: string | null;
  /** 'interleaving': rankedJobs mixes every variant's list (team draft) instead of serving this variant alone. */
  type?: 'ab' | 'interleaving' | 'bandit';
  /** 'bandit': the allocation epoch the variant was drawn in (logged with the list's serving probability). */
  allocationEpoch?: number | null;
}

export interface RankedItem {
  position: number;
  score: number;
  job: JobEntity;
  /** Interleaving: the variant whose list contributed this job. */
  team?: string;
  /** Why the job is recommended (libs/ranking explanations). */
  reasons: RankingReason[];
}

export interface ScoredWindow {
  scores: Map<string, number>;
  modelRef: string;
  /** null when no model could be loaded and jobs were ranked by recency. */
  modelVersion: number | null;
  /** Jobs the model scored (the others rank by recency below them). */
  known: Set<string>;
}

const jobIndexes = new WeakMap<object, Map<string, number>>();

/** How long a reference that has no model (no such model or alias yet) is remembered as such. */
const MISSING_TTL_MS = 30_000;

/**
 * Ranks window jobs with the model the candidate's experiment variant names, else the subscription's model
 * reference, else the configured champion alias. Jobs the model does not know (posted after it was trained) rank after
 * the ones it scores, newest first; with no model at all every job ranks by recency (modelVersion null).
 */
@Injectable()
export class AlertRanker {
  private readonly logger = new Logger('AlertRanker');
  private readonly missing = new Map<string, number>();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ModelServing) private readonly serving: ModelServing,
    @Inject(SnapshotService) private readonly snapshots: SnapshotService,
    @Inject(ExperimentsService) private readonly experiments: ExperimentsService,
    @Inject(RankingService) readonly ranking: RankingService,
    @Optional() @Inject(RankedListCache) readonly precomputed?: RankedListCache,
  ) {}

  /**
   * THE plug point for experiments: the running experiment this candidate is enrolled in (libs/experiments
   * `servingAssignment`, the candidate id as unit) decides the model when its variant names a model reference; the
   * experiment key and variant are then logged with the alert. Variants defined by a strategy alone cannot rank
   * alerts (alerts serve registry models), so such candidates get the default model and no variant. Outside any
   * experiment: the subscription's model reference, else `ALERTS_MODEL_REF` (the champion alias).
   */
  async assignment(candidateId: string, sub?: Pick<AlertSubscriptionEntity, 'modelRef'> | null): Promise<RankingAssignment> {
    const fallback = sub?.modelRef || this.config.alerts.modelRef;
    let a: Awaited<ReturnType<ExperimentsService['servingAssignment']>> = null;
    try {
      a = await this.experiments.servingAssignment(candidateId);
    } catch (err) {
      this.logger.warn(`experiment assignment of candidate ${candidateId} failed (${(err as Error).message}); ranking with ${fallback}`);
    }
    if (a?.modelRef) return { modelRef: a.modelRef, experimentKey: a.experimentKey, variant: a.variant, type: a.type, allocationEpoch: a.allocationEpoch };
    return { modelRef: fallback, experimentKey: null, variant: null };
  }

  /** Logs a served list as an experiment exposure (best effort: the alert or answer itself never fails on it). */
  async logExposure(a: RankingAssignment, candidateId: string, rankingId: string, items: Array<{ jobId: string; score: number }>, modelVersion: string | null): Promise<void> {
    if (!a.experimentKey || !a.variant || items.length === 0) return;
    // An interleaving experiment measures team-drafted lists only (rankedJobs); an alert serving one variant's list
    // would be noise there, and logRanking refuses a list without teams.
    if (a.type === 'interleaving') return;
    try {
      await this.experiments.logRanking({ experimentKey: a.experimentKey, unitId: candidateId, variant: a.variant, rankingId, jobIds: items.map((i) => i.jobId), scores: items.map((i) => i.score), modelVersion, allocationEpoch: a.allocationEpoch });
    } catch (err) {
      this.logger.warn(`exposure of ranking ${rankingId} not logged to experiment ${a.experimentKey}: ${(err as Error).message}`);
    }
  }

  async score(candidateId: string, modelRef: string, jobs: WindowJob[]): Promise<ScoredWindow> {
    const recency = (j: WindowJob) => j.postedAt / 1e15; // in (0, 2): below any model score offset below
    const fallback = (): ScoredWindow => ({ scores: new Map(jobs.map((j) => [j.id, recency(j)])), modelRef, modelVersion: null, known: new Set() });
    if (jobs.length === 0) return fallback();
    const missingUntil = this.missing.get(modelRef);
    if (missingUntil !== undefined && missingUntil > Date.now()) return fallback();
    let served;
    try {
      served = await this.serving.model(modelRef);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'NOT_FOUND' && code !== 'INVALID_INPUT') throw err;
      // Concurrent alerts all land here at once: one warning per reference and period.
      const warned = (this.missing.get(modelRef) ?? 0) > Date.now();
      this.missing.set(modelRef, Date.now() + MISSING_TTL_MS);
      if (!warned) this.logger.warn(`no model for ${modelRef} (${(err as Error).message}); alerts rank by recency`);
      return fallback();
    }
    const index = served.candidateIndex.get(candidateId);
    let query: CandidateQuery;
    if (index !== undefined) query = { index };
    else {
      const row = await this.snapshots.candidateRow(candidateId);
      if (!row) return { ...fallback(), modelVersion: served.version };
      query = { features: candidateFeatures(row) };
    }
    let jobIndex = jobIndexes.get(served);
    if (!jobIndex) jobIndexes.set(served, (jobIndex = new Map(served.jobIds.map((id, i) => [String(id), i]))));
    const known = jobs.filter((j) => jobIndex!.has(j.id));
    const modelScores = known.length ? served.recommender.score(query, known.map((j) => jobIndex!.get(j.id)!)) : new Float32Array(0);
    const scores = new Map<string, number>();
    // Known jobs sit above unknown ones: shift model scores above the recency band.
    let min = Infinity;
    for (const s of modelScores) if (Number.isFinite(s)) min = Math.min(min, s);
    const shift = Number.isFinite(min) ? 2 - min : 0;
    known.forEach((j, i) => scores.set(j.id, Number.isFinite(modelScores[i]!) ? modelScores[i]! + shift : recency(j)));
    const knownIds = new Set<string>();
    known.forEach((j, i) => { if (Number.isFinite(modelScores[i]!)) knownIds.add(j.id); });
    for (const j of jobs) if (!scores.has(j.id)) scores.set(j.id, recency(j));
    return { scores, modelRef, modelVersion: served.version, known: knownIds };
  }

  /**
   * The candidate's ranked jobs for downstream apps: the assigned model's top list, saved-search style filters
   * applied, positions 1..n, a fresh ranking id for attributing impressions and clicks. Under an interleaving
   * experiment every variant's model ranks and the list is their team draft, each job credited to its variant.
   */
  async rankedJobs(candidateId: string, limit: number, filters: AlertFilters = {}): Promise<{ rankingId: string; assignment: RankingAssignment; model: string; version: number; items: RankedItem[] }> {
    const assignment = await this.assignment(candidateId);
    if (assignment.type === 'interleaving' && assignment.experimentKey) {
      const interleaved = await this.interleaved(candidateId, limit, filters, assignment);
      if (interleaved) return interleaved;
    }
    // Precomputed lists (nightly, RankedListCache): filtered, cut, logged and exposed under a fresh ranking id; a miss ranks live.
    const cached = this.precomputed ? await this.precomputed.serve(candidateId, limit, filters, { experimentKey: assignment.experimentKey, variant: assignment.variant, modelRef: assignment.modelRef }) : null;
    if (cached) {
      await this.logExposure(assignment, candidateId, cached.rankingId, cached.items.map((i) => ({ jobId: String(i.job.id), score: i.score })), `${cached.model}/${cached.version}`);
      return { rankingId: cached.rankingId, assignment, model: cached.model, version: cached.version, items: cached.items };
    }
    // The ranking pipeline (libs/ranking): candidate sources, the variant's model, business re-ranking, hard filters
    // (saved-search filters among them), explanations; the list is logged under its ranking id (rankingDebug).
    const ranked = await this.ranking.rank({ candidateId, limit, channel: 'rankedJobs', modelRef: assignment.modelRef, experimentKey: assignment.experimentKey, variant: assignment.variant, filters });
    const items: RankedItem[] = ranked.items.map((i) => ({ position: i.position, score: i.score, job: i.entity!, reasons: i.reasons }));
    const rankingId = ranked.rankingId;
    const served = ranked.served!;
    await this.logExposure(assignment, candidateId, rankingId, items.map((i) => ({ jobId: String(i.job.id), score: i.score })), `${served.model}/${served.version}`);
    return { rankingId, assignment, model: served.model, version: served.version, items };
  }

  /**
   * Team-draft interleaving of every variant's filtered top list (libs/experiments composes and logs it with the
   * team of each position). Null when a variant names no registry model (strategy-only variants cannot serve here):
   * the caller then serves the assigned variant alone. The reported model is the control's.
   */
  private async interleaved(candidateId: string, limit: number, filters: AlertFilters, assignment: RankingAssignment): Promise<Awaited<ReturnType<AlertRanker['rankedJobs']>> | null> {
    const key = assignment.experimentKey!;
    const { exp } = await this.experiments.compiledFor(key);
    if (exp.variants.some((v) => !v.modelRef)) return null;
    const filtered = Object.keys(filters).length > 0;
    const recs = await Promise.all(exp.variants.map((v) => this.serving.recommend(candidateId, filtered ? Math.min(200, limit * 5) : limit, v.modelRef!)));
    const byVariant: Record<string, string[]> = {};
    const found = new Map<string, { job: JobEntity; scores: Map<string, number> }>();
    exp.variants.forEach((v, i) => {
      const kept = recs[i]!.items.filter((it) => !filtered || matchesFilters(toWindowJob(it.job), filters)).slice(0, limit);
      byVariant[v.key] = kept.map((it) => String(it.job.id));
      for (const it of kept) {
        const entry = found.get(String(it.job.id)) ?? { job: it.job, scores: new Map<string, number>() };
        entry.scores.set(v.key, it.score);
        found.set(String(it.job.id), entry);
      }
    });
    const composed = await this.experiments.composeInterleaved(key, candidateId, byVariant, limit, { rankingId: randomUUID() });
    const reasons = await this.ranking.explainJobs(candidateId, composed.items.map((it) => it.jobId), recs[0]!.served.model);
    const items = composed.items.map((it, n) => {
      const entry = found.get(it.jobId)!;
      return { position: n + 1, score: entry.scores.get(it.team) ?? 0, job: entry.job, team: it.team, reasons: reasons.get(it.jobId) ?? [] };
    });
    const control = recs[0]!.served;
    return { rankingId: composed.rankingId ?? randomUUID(), assignment: { ...assignment, modelRef: exp.variants[0]!.modelRef!, variant: null }, model: control.model, version: control.version, items };
  }
}

/** An alert window job as the ranking pipeline sees it. */
export function windowRankJob(j: WindowJob): RankJob {
  return {
    id: j.id, title: j.title, companyId: j.companyId, companyName: j.companyName, skills: j.skills, city: j.city, region: j.region, country: j.country, remote: j.remote,
    salaryMin: j.salaryAnnualMin, salaryMax: j.salaryAnnualMax, postedAt: j.postedAt, expiresAt: j.expiresAt, status: j.status, description: j.description,
  };
}

function toWindowJob(j: JobEntity): WindowJob {
  return {
    id: String(j.id), title: j.title, companyId: j.companyId, companyName: j.company?.name ?? null, city: j.city, region: j.region, country: j.country, remote: j.remote, skills: j.skills,
    description: j.description, salaryAnnualMin: j.salaryAnnualMin, salaryAnnualMax: j.salaryAnnualMax, postedAt: j.postedAt.getTime(), expiresAt: j.expiresAt ? j.expiresAt.getTime() : null, status: j.status,
  };
}
