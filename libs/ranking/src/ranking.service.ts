import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { JobEntity } from '@app/market';
import type { CandidateQuery } from '@app/recsys';
import { candidateFeatures, ModelServing, SnapshotService, type ServedModel } from '@app/training';
import { DataSource, In } from 'typeorm';
import { DEFAULT_PIPELINE, stageOf, validatePipeline, type PipelineConfig } from './config.js';
import { stageEffects, type StageEffect } from './debug.js';
import { DEFAULT_EXPLAIN, explain } from './explain.js';
import { runPipeline, sourceKey, type FinalItem } from './pipeline.js';
import { RankingError } from './ranking.errors.js';
import { RankingLogWriter, type RankingLogRow } from './ranking-log.writer.js';
import type { ProfileChange, RankContext, RankingReason, RankJob, SearchFilters, SourceHit } from './types.js';

export interface RankRequest {
  candidateId: string;
  limit: number;
  channel: 'rankedJobs' | 'alert';
  modelRef: string;
  experimentKey: string | null;
  variant: string | null;
  filters?: SearchFilters;
  /** Alerts: the window's jobs, already scored (known = jobs the model scored; the rest rank by recency). */
  pool?: { jobs: RankJob[]; scores: ReadonlyMap<string, number>; known: ReadonlySet<string>; modelVersion: number | null };
  rankingId?: string;
  /** Precomputation: rank without writing a ranking log (the list is logged when it is served). */
  noLog?: boolean;
}

export interface RankedList {
  rankingId: string;
  pipeline: string;
  served: ServedModel | null;
  items: Array<FinalItem & { entity?: JobEntity }>;
}

export interface NamedPipeline {
  name: string;
  config: PipelineConfig;
  experimentKey: string | null;
  variant: string | null;
  updatedBy: string;
  updatedAt: Date;
}

const PIPELINES_TTL_MS = 30_000;
const APPLICANTS_TTL_MS = 60_000;
const FEATURES_TTL_MS = 60_000;
const FEATURE_CACHE_MAX = 50_000;

const JOB_FEATURES = `j.id::text AS id, j.title, j.company_id::text AS company_id, co.name AS company_name, j.skills, j.city, j.region, j.country, j.remote,
  j.salary_annual_min, j.salary_annual_max, j.posted_at, j.expires_at, j.status`;

function toRankJob(r: Record<string, unknown>): RankJob {
  return {
    id: r['id'] as string, title: r['title'] as string, companyId: (r['company_id'] as string | null) ?? null, companyName: (r['company_name'] as string | null) ?? null,
    skills: (r['skills'] as string[]) ?? [], city: r['city'] as string | null, region: r['region'] as string | null, country: r['country'] as string | null, remote: r['remote'] as boolean,
    salaryMin: r['salary_annual_min'] === null ? null : Number(r['salary_annual_min']), salaryMax: r['salary_annual_max'] === null ? null : Number(r['salary_annual_max']),
    postedAt: (r['posted_at'] as Date).getTime(), expiresAt: r['expires_at'] ? (r['expires_at'] as Date).getTime() : null, status: r['status'] as string,
    ...(r['description'] !== undefined ? { description: r['description'] as string } : {}),
  };
}

/**
 * Runs the ranking pipeline for a candidate: picks the pipeline (the one bound to the experiment variant, else the
 * stored `default`, else the built-in default), gathers the candidate's context in one query (profile, recent
 * profile changes, applications), the candidate sources (the variant's model top-N, other models, jobs matching a
 * profile change, or the alert window), job features with application counts in one query, runs the stages and
 * queues the log. The rankedJobs path then loads the full rows of the final jobs only.
 */
@Injectable()
export class RankingService {
  private readonly logger = new Logger('Ranking');
  private pipelines: { at: number; byName: Map<string, NamedPipeline>; byVariant: Map<string, NamedPipeline> } | null = null;
  private loadingPipelines: Promise<void> | null = null;
  private applyCounts: { at: number; counts: Map<string, number> } | null = null;
  private applyCountsLoading: Promise<void> | null = null;
  private readonly featureCache = new Map<string, { at: number; job: RankJob }>();
  private readonly entityCache = new Map<string, { at: number; job: JobEntity }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ModelServing) private readonly serving: ModelServing,
    @Inject(SnapshotService) private readonly snapshots: SnapshotService,
    @Inject(RankingLogWriter) private readonly logs: RankingLogWriter,
  ) {}

  // ------------------------------------------------------------------ pipelines

  private async loadPipelines(force = false): Promise<NonNullable<RankingService['pipelines']>> {
    if (!force && this.pipelines && Date.now() - this.pipelines.at < PIPELINES_TTL_MS) return this.pipelines;
    this.loadingPipelines ??= (async () => {
      const rows: Array<Record<string, unknown>> = await this.db.query(`SELECT name, config, experiment_key, variant, updated_by, updated_at FROM ranking_pipelines`);
      const byName = new Map<string, NamedPipeline>(), byVariant = new Map<string, NamedPipeline>();
      for (const r of rows) {
        try {
          const p: NamedPipeline = { name: r['name'] as string, config: validatePipeline(r['config'], r['name'] as string), experimentKey: r['experiment_key'] as string | null, variant: r['variant'] as string | null, updatedBy: r['updated_by'] as string, updatedAt: r['updated_at'] as Date };
          byName.set(p.name, p);
          if (p.experimentKey && p.variant) byVariant.set(`${p.experimentKey}\u0000${p.variant}`, p);
        } catch (err) {
          this.logger.warn(`stored pipeline ${String(r['name'])} is invalid and ignored: ${(err as Error).message}`);
        }
      }
      this.pipelines = { at: Date.now(), byName, byVariant };
    })().finally(() => (this.loadingPipelines = null));
    await this.loadingPipelines;
    return this.pipelines!;
  }

  /** The pipeline an experiment variant uses: bound to it, else the stored `default`, else the built-in default. */
  async pipelineFor(experimentKey: string | null, variant: string | null): Promise<PipelineConfig> {
    const p = await this.loadPipelines();
    if (experimentKey && variant) {
      const bound = p.byVariant.get(`${experimentKey}\u0000${variant}`);
      if (bound) return bound.config;
    }
    return p.byName.get('default')?.config ?? DEFAULT_PIPELINE;
  }

  async listPipelines(): Promise<NamedPipeline[]> {
    const p = await this.loadPipelines(true);
    const out = [...p.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (!p.byName.has('default')) out.unshift({ name: 'default', config: DEFAULT_PIPELINE, experimentKey: null, variant: null, updatedBy: 'built-in', updatedAt: new Date(0) });
    return out;
  }

  /** Validates and stores a named pipeline, optionally bound to an experiment variant (typed errors on bad config). */
  async savePipeline(name: string, rawConfig: unknown, binding: { experimentKey?: string | null; variant?: string | null }, actor: string): Promise<NamedPipeline> {
    const config = validatePipeline(rawConfig, name);
    if (config.name !== name) throw new RankingError('INVALID_INPUT', `config name "${config.name}" differs from the pipeline name "${name}"`, { field: 'name' });
    const ek = binding.experimentKey?.trim() || null, v = binding.variant?.trim() || null;
    if ((ek === null) !== (v === null)) throw new RankingError('INVALID_INPUT', 'experimentKey and variant are given together (or neither)', { field: ek ? 'variant' : 'experimentKey' });
    await this.db.transaction(async (tx) => {
      if (ek) await tx.query(`UPDATE ranking_pipelines SET experiment_key = NULL, variant = NULL WHERE experiment_key = $1 AND variant = $2 AND name <> $3`, [ek, v, name]);
      await tx.query(
        `INSERT INTO ranking_pipelines (name, config, experiment_key, variant, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET config = EXCLUDED.config, experiment_key = EXCLUDED.experiment_key, variant = EXCLUDED.variant, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [name, JSON.stringify(config), ek, v, actor.slice(0, 320)],
      );
    });
    const p = await this.loadPipelines(true);
    return p.byName.get(name)!;
  }

  // ------------------------------------------------------------------ context

  /** Candidate, profile changes within `windowDays`, applications and dismissals: one query. Null = no such candidate. */
  async context(candidateId: string, windowDays: number, filters?: SearchFilters): Promise<RankContext | null> {
    if (!/^\d+$/.test(candidateId)) return null;
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT c.skills, c.city, c.region, c.country, c.salary_expectation, c.preferences, pc.moved_at, pc.skilled_at, pc.added_skills, x.applied, x.dismissed, x.applied_jobs
         FROM candidates c
         CROSS JOIN LATERAL (
           SELECT max(p.changed_at) FILTER (WHERE p.location_changed) AS moved_at, max(p.changed_at) FILTER (WHERE cardinality(p.added_skills) > 0) AS skilled_at,
                  coalesce((SELECT array_agg(DISTINCT s) FROM candidate_profile_changes q, unnest(q.added_skills) s WHERE q.candidate_id = c.id AND q.changed_at > now() - make_interval(secs => $2)), '{}') AS added_skills
             FROM candidate_profile_changes p WHERE p.candidate_id = c.id AND p.changed_at > now() - make_interval(secs => $2)) pc
         CROSS JOIN LATERAL (
           SELECT coalesce(array_agg(DISTINCT i.job_id::text) FILTER (WHERE i.type = 'apply'), '{}') AS applied,
                  coalesce(array_agg(DISTINCT i.job_id::text) FILTER (WHERE i.type = 'dismiss'), '{}') AS dismissed,
                  (SELECT coalesce(json_agg(y), '[]') FROM (
                     SELECT ${JOB_FEATURES} FROM interactions a JOIN jobs j ON j.id = a.job_id LEFT JOIN companies co ON co.id = j.company_id
                      WHERE a.candidate_id = c.id AND a.type = 'apply' ORDER BY a.occurred_at DESC LIMIT 20) y) AS applied_jobs
             FROM interactions i WHERE i.candidate_id = c.id AND i.type IN ('apply', 'dismiss')) x
        WHERE c.id = $1`,
      [candidateId, windowDays * 86_400],
    );
    const r = rows[0];
    if (!r) return null;
    const skills = (r['skills'] as string[]) ?? [];
    const have = new Set(skills.map((s) => s.toLowerCase()));
    const added = ((r['added_skills'] as string[]) ?? []).filter((s) => have.has(s.toLowerCase()));
    const movedAt = r['moved_at'] ? (r['moved_at'] as Date).getTime() : null, skilledAt = r['skilled_at'] && added.length ? (r['skilled_at'] as Date).getTime() : null;
    const loc = { city: r['city'] as string | null, region: r['region'] as string | null, country: r['country'] as string | null };
    const profileChange: ProfileChange | null = movedAt !== null || skilledAt !== null
      ? { at: Math.max(movedAt ?? 0, skilledAt ?? 0), addedSkills: skilledAt !== null ? added : [], newLocation: movedAt !== null && (loc.city || loc.region || loc.country) ? loc : null }
      : null;
    const prefs = (r['preferences'] as { remote?: string } | null) ?? {};
    const appliedJobs = ((r['applied_jobs'] as Array<Record<string, unknown>>) ?? []).map((j) => toRankJob({ ...j, posted_at: new Date(j['posted_at'] as string), expires_at: j['expires_at'] ? new Date(j['expires_at'] as string) : null }));
    return {
      nowMs: Date.now(),
      candidate: { id: candidateId, skills, ...loc, salaryExpectation: r['salary_expectation'] === null ? null : Number(r['salary_expectation']), remoteOnly: prefs.remote === 'only' },
      profileChange, applied: new Set(r['applied'] as string[]), dismissed: new Set(r['dismissed'] as string[]), appliedJobs, applicants: new Map(), filters,
    };
  }

  /**
   * Applications per job (interactions of type apply): all counts are read in one query (partial index on applies)
   * and refreshed in the background once a minute, so the serving path only looks them up.
   */
  private async applicants(ids: string[]): Promise<Map<string, number>> {
    const now = Date.now();
    if (!this.applyCounts || (now - this.applyCounts.at > APPLICANTS_TTL_MS && !this.applyCountsLoading)) {
      const load = (this.applyCountsLoading ??= (async () => {
        const rows: Array<{ id: string; n: number }> = await this.db.query(`SELECT job_id::text AS id, count(*)::int AS n FROM interactions WHERE type = 'apply' GROUP BY job_id`);
        this.applyCounts = { at: Date.now(), counts: new Map(rows.map((r) => [r.id, Number(r.n)])) };
      })().finally(() => (this.applyCountsLoading = null)));
      if (!this.applyCounts) await load; // the first list waits; later ones use the previous counts meanwhile
      else load.catch((err: unknown) => this.logger.warn(`application counts not refreshed: ${(err as Error).message}`));
    }
    const counts = this.applyCounts!.counts;
    return new Map(ids.map((id) => [id, counts.get(id) ?? 0]));
  }

  /** Job features for the pipeline; cached per job for a minute (bounded), so most lists need no query. */
  private async jobFeatures(ids: string[], withDescription: boolean): Promise<Map<string, RankJob>> {
    // rows with descriptions (keyword filters) are read fresh and not cached
    if (withDescription) return this.readJobFeatures(ids, true);
    return readThrough(this.featureCache, ids, (missing) => this.readJobFeatures(missing, false));
  }

  /** Full job rows (with the company) for a served list; cached per job like the features (same TTL, bounded). */
  async jobEntities(ids: string[]): Promise<Map<string, JobEntity>> {
    return readThrough(this.entityCache, ids, async (missing) => {
      const full = await this.db.getRepository(JobEntity).find({ where: { id: In(missing) }, relations: { company: true } });
      return new Map(full.map((j) => [String(j.id), j]));
    });
  }

  private async readJobFeatures(ids: string[], withDescription: boolean): Promise<Map<string, RankJob>> {
    if (!ids.length) return new Map();
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT ${JOB_FEATURES}${withDescription ? ', j.description' : ''} FROM jobs j LEFT JOIN companies co ON co.id = j.company_id WHERE j.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r['id'] as string, toRankJob(r)]));
  }

  /** Live jobs matching a profile change: in the new city/region or using newly added skills, newest first. */
  private async profileJobs(change: ProfileChange, topN: number): Promise<SourceHit[]> {
    const loc = change.newLocation;
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT j.id::text AS id FROM jobs j
        WHERE j.status = 'active' AND (j.expires_at IS NULL OR j.expires_at > now())
          AND ((($1::text IS NOT NULL AND lower(j.city) = lower($1)) OR ($2::text IS NOT NULL AND lower(j.region) = lower($2))) OR (cardinality($3::text[]) > 0 AND j.skills && $3::text[]))
        ORDER BY j.posted_at DESC, j.id DESC LIMIT $4`,
      [loc?.city ?? null, loc?.region ?? null, change.addedSkills, topN],
    );
    return rows.map((r) => ({ jobId: r.id, score: null }));
  }

  // ------------------------------------------------------------------ ranking

  private async modelHits(served: ServedModel, query: CandidateQuery, topN: number): Promise<SourceHit[]> {
    return served.recommender.recommend(query, topN).map((s) => ({ jobId: String(served.jobIds[s.job]), score: s.score }));
  }

  private async queryFor(served: ServedModel, candidateId: string): Promise<CandidateQuery | null> {
    // Request-time fold-in (ModelServing.candidateQuery, libs/training): a candidate with interactions since the
    // model's training cut-off, a profile edited since, or unknown to the model is folded in; otherwise { index }.
    const folded = await this.serving.candidateQuery(served, candidateId).catch((err: { code?: string }) => {
      if (err?.code === 'NOT_FOUND') return null;
      throw err;
    });
    if (folded) return folded.query;
    const row = await this.snapshots.candidateRow(candidateId);
    return row ? { features: candidateFeatures(row) } : null;
  }

  /** Ranks, logs (asynchronously) and returns the list; rankedJobs (no pool) also gets the final jobs' full rows. */
  async rank(req: RankRequest): Promise<RankedList> {
    const pipeline = await this.pipelineFor(req.experimentKey, req.variant);
    const windowDays = stageOf(pipeline, 'profileChange')?.windowDays ?? 14;
    const cand = stageOf(pipeline, 'candidates')!;
    const ctxP = this.context(req.candidateId, windowDays, req.filters);
    let served: ServedModel | null = null, query: CandidateQuery | null = null;
    const sources: Record<string, SourceHit[]> = {};
    const jobs = new Map<string, RankJob>();
    if (!req.pool) {
      served = await this.serving.model(req.modelRef);
      query = await this.queryFor(served, req.candidateId);
    }
    const ctx = await ctxP;
    if (!ctx) throw new RankingError('NOT_FOUND', `candidate ${req.candidateId} not found`);
    if (!req.pool && !query) throw new RankingError('NOT_FOUND', `candidate ${req.candidateId} not found`);
    const filtered = !!req.filters && Object.values(req.filters).some((v) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0));
    if (req.pool) {
      // Alerts rank the window's jobs (scored by the caller with the variant's model) in place of the model sources;
      // nothing from outside the window joins an alert.
      const at = Math.max(0, cand.sources.findIndex((s) => s.source === 'model'));
      const { scores, known } = req.pool;
      const ranked = [...req.pool.jobs].sort((a, b) => (scores.get(b.id) ?? 0) - (scores.get(a.id) ?? 0) || b.postedAt - a.postedAt);
      sources[sourceKey(cand.sources[at]!, at)] = ranked.map((j) => ({ jobId: j.id, score: known.has(j.id) ? (scores.get(j.id) ?? null) : null }));
    } else {
      for (const [n, s] of cand.sources.entries()) {
        const key = sourceKey(s, n);
        // saved-search filters drop jobs after ranking: ask the sources for more (as rankedJobs always did)
        const topN = filtered ? Math.min(200, Math.max(s.topN, req.limit * 5)) : Math.max(s.topN, req.limit);
        if (s.source === 'model') {
          try {
            const m = s.modelRef ? await this.serving.model(s.modelRef) : served!;
            const q = s.modelRef ? await this.queryFor(m, req.candidateId) : query!;
            if (q) sources[key] = await this.modelHits(m, q, topN);
          } catch (err) {
            if (!s.modelRef) throw err;
            this.logger.warn(`candidate source ${s.modelRef} skipped: ${(err as Error).message}`);
          }
        } else if (s.source === 'profile' && ctx.profileChange && ctx.nowMs - ctx.profileChange.at <= windowDays * 86_400_000) {
          sources[key] = await this.profileJobs(ctx.profileChange, topN);
        }
      }
    }
    // the alert window (pool) already carries features; everything else is read in one query
    if (req.pool) for (const j of req.pool.jobs) jobs.set(j.id, j);
    const need = [...new Set(Object.values(sources).flatMap((hits) => hits.map((h) => h.jobId)))].filter((id) => !jobs.has(id));
    const [features, applicants] = await Promise.all([
      this.jobFeatures(need, !!req.filters?.keywords?.length),
      stageOf(pipeline, 'loadBalance') ? this.applicants([...new Set([...need, ...jobs.keys()])]) : Promise.resolve(new Map<string, number>()),
    ]);
    for (const [id, j] of features) jobs.set(id, j);
    ctx.applicants = applicants;
    ctx.modelName = served?.model ?? req.modelRef.split(/[@/]/)[0];
    // jobs from other sources (profile change) are scored by the variant's model when it knows them
    const scoreOf = served && query ? this.scorer(served, query, sources) : undefined;
    const result = runPipeline(pipeline, { sources, jobs, ctx, limit: req.limit, scoreOf, explain: DEFAULT_EXPLAIN });
    const rankingId = req.rankingId ?? randomUUID();
    const items: RankedList['items'] = result.items;
    if (!req.pool && items.length) {
      const byId = await this.jobEntities(items.map((i) => i.jobId));
      for (const i of items) i.entity = byId.get(i.jobId);
    }
    if (!req.noLog) this.logs.write({
      rankingId, candidateId: req.candidateId, channel: req.channel, modelRef: req.modelRef, modelVersion: served?.version ?? req.pool?.modelVersion ?? null,
      experimentKey: req.experimentKey, variant: req.variant, pipeline: pipeline.name, config: pipeline, stages: result.stages,
      items: items.map((i) => ({ jobId: i.jobId, position: i.position, score: Math.round(i.score * 1e4) / 1e4, modelScore: i.modelScore, reasons: i.reasons })),
    });
    return { rankingId, pipeline: pipeline.name, served, items: items.filter((i) => req.pool || i.entity) };
  }

  /** Model scores of the union: the model sources' scores where present, the variant's model for the rest. */
  private scorer(served: ServedModel, query: CandidateQuery, sources: Record<string, SourceHit[]>): (ids: string[]) => Array<number | null> {
    const known = new Map<string, number>();
    for (const h of sources['model'] ?? []) if (h.score !== null) known.set(h.jobId, h.score);
    return (ids) => {
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length) {
        let index = jobIndexes.get(served);
        if (!index) jobIndexes.set(served, (index = new Map(served.jobIds.map((id, i) => [String(id), i]))));
        const scorable = missing.filter((id) => index!.has(id));
        if (scorable.length) {
          const s = served.recommender.score(query, scorable.map((id) => index!.get(id)!));
          scorable.forEach((id, n) => { if (Number.isFinite(s[n]!)) known.set(id, s[n]!); });
        }
      }
      return ids.map((id) => known.get(id) ?? null);
    };
  }

  /** Reasons for jobs ranked outside the pipeline (interleaved lists), from the same features. */
  async explainJobs(candidateId: string, jobIds: string[], modelName: string | null): Promise<Map<string, RankingReason[]>> {
    const ctx = await this.context(candidateId, 14);
    if (!ctx || !jobIds.length) return new Map();
    const [jobs, applicants] = await Promise.all([this.jobFeatures(jobIds, false), this.applicants(jobIds)]);
    ctx.applicants = applicants;
    ctx.modelName = modelName ?? undefined;
    const out = new Map<string, RankingReason[]>();
    for (const [id, job] of jobs) out.set(id, explain({ job, score: 0, modelScore: 0, sources: ['model'], boosts: {}, notes: {} }, ctx));
    return out;
  }

  // ------------------------------------------------------------------ debug

  async debug(rankingId: string): Promise<(Omit<RankingLogRow, 'stages'> & { createdAt: Date; effects: StageEffect[] })> {
    const row = await this.logs.get(rankingId);
    if (!row) throw new RankingError('UNKNOWN_RANKING', `no ranking log for ${rankingId} (unknown id, or older than the retention)`, { rankingId });
    const { stages, ...rest } = row;
    return { ...rest, effects: stageEffects(stages) };
  }
}

const jobIndexes = new WeakMap<object, Map<string, number>>();

/** Per-job cache entries younger than FEATURES_TTL_MS are served; the rest are loaded in one call and stored (bounded). */
async function readThrough<T>(cache: Map<string, { at: number; job: T }>, ids: string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
  const now = Date.now(), out = new Map<string, T>();
  const missing = ids.filter((id) => {
    const hit = cache.get(id);
    if (hit && now - hit.at < FEATURES_TTL_MS) { out.set(id, hit.job); return false; }
    return true;
  });
  if (missing.length) {
    const fresh = await load(missing);
    if (cache.size > FEATURE_CACHE_MAX) cache.clear();
    for (const [id, job] of fresh) {
      out.set(id, job);
      cache.set(id, { at: now, job });
    }
  }
  return out;
}
