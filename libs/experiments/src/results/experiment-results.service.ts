import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { listNdcg, listReciprocalRank } from '@app/statistics';
import { DataSource } from 'typeorm';
import type { ExperimentEntity } from '../experiment.entity.js';
import { ExperimentError } from '../experiments.errors.js';
import { ExperimentsService, type VariantResult } from '../experiments.service.js';
import { analyzeInterleaving, INTERLEAVED_VARIANT, type CreditedList, type InterleavingAnalysis } from '../interleaving.js';
import { murmur3_32 } from '../murmur3.js';
import { analyzeExperiment, type ExperimentAnalysis, type UnitDayRow } from './experiment-analysis.js';

export interface StoredResults {
  experimentKey: string;
  phase: number;
  computedAt: Date;
  durationMs: number;
  /** Per-variant counts and simple rates of the phase (as `experimentResults`). */
  variants: VariantResult[];
  analysis: ExperimentAnalysis;
  /** Interleaving experiments: credit per team and preference vs control (null for A/B experiments). */
  interleaving?: InterleavingAnalysis | null;
}

/** NDCG cut-off of the online list metrics. */
const K = 10;

/**
 * Experiment analyses: per-unit, per-day sums read from the exposure and interaction logs, analysed by the pure
 * `analyzeExperiment`, cached in `experiment_results` (one row per experiment and phase). The worker refreshes every
 * running experiment every 10 minutes; `analysis(key, { refresh: true })` recomputes at once.
 */
@Injectable()
export class ExperimentResultsService {
  private readonly logger = new Logger('ExperimentResults');
  /** Relative non-inferiority margin of guardrail metrics (MATCHLAB_GUARDRAIL_MARGIN, default 0.05). */
  readonly guardrailMargin = Number(process.env['MATCHLAB_GUARDRAIL_MARGIN'] ?? 0.05) || 0.05;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ExperimentsService) private readonly experiments: ExperimentsService,
  ) {}

  /** The cached analysis of a phase (default: the current one), computed now when missing or when `refresh`. */
  async analysis(key: string, opts: { refresh?: boolean; phase?: number } = {}): Promise<StoredResults> {
    const exp = await this.experiments.get(key);
    const phase = opts.phase ?? exp.phase;
    if (phase < 1 || phase > exp.phase) throw new ExperimentError('INVALID_INPUT', exp.phase === 0 ? `experiment "${key}" has not started; no results yet` : `experiment "${key}" has phases 1 to ${exp.phase}, not ${phase}`);
    if (!opts.refresh) {
      const rows: Array<{ computed_at: Date; duration_ms: number; payload: Omit<StoredResults, 'computedAt' | 'durationMs'> }> = await this.db.query(`SELECT computed_at, duration_ms, payload FROM experiment_results WHERE experiment_id = $1 AND phase = $2`, [exp.id, phase]);
      const row = rows[0];
      if (row) return { ...row.payload, computedAt: new Date(row.computed_at), durationMs: row.duration_ms };
    }
    return this.compute(exp, phase);
  }

  /** Recomputes every running experiment's current phase (the scheduled job). */
  async refreshRunning(): Promise<{ refreshed: number; failed: number }> {
    let refreshed = 0, failed = 0;
    for (const exp of await this.experiments.list({ status: 'running' })) {
      try {
        await this.compute(exp, exp.phase);
        refreshed++;
      } catch (err) {
        failed++;
        this.logger.warn(`results of "${exp.key}" failed: ${(err as Error).message}`);
      }
    }
    return { refreshed, failed };
  }

  async compute(exp: ExperimentEntity, phase: number): Promise<StoredResults> {
    const started = Date.now();
    const phaseRow: Array<{ started_at: Date; seed: string; variants: Array<{ key: string; weight: number }> }> = await this.db.query(`SELECT started_at, seed, variants FROM experiment_phases WHERE experiment_id = $1 AND phase = $2`, [exp.id, phase]);
    if (!phaseRow[0]) throw new ExperimentError('NOT_FOUND', `experiment "${exp.key}" has no phase ${phase}`);
    const phaseStart = new Date(phaseRow[0].started_at);
    // Killed arms are not analysed (their units get the control experience); weights as configured in the phase.
    const arms = phaseRow[0].variants.filter((v) => !exp.killed.includes(v.key)).map((v) => ({ key: v.key, weight: v.weight }));
    if (exp.type === 'interleaving') return this.store(exp, phase, started, await this.interleaving(exp.id, phase, arms.map((a) => a.key), phaseRow[0].seed), arms[0]?.key ?? exp.variants[0]!.key);
    // A bandit's arms get changing shares of traffic and units move between arms across epochs: a unit-level A/B
    // comparison would be biased. Its per-arm figures are the off-policy estimates (offPolicyEstimate).
    if (exp.type === 'bandit') return this.store(exp, phase, started, null, arms[0]?.key ?? exp.variants[0]!.key);
    const rows = await this.unitDays(exp.id, phase);
    const preClicks = await this.preClicks([...new Set(rows.map((r) => r.unitId))], phaseStart);
    const analysis = analyzeExperiment({
      variants: arms,
      primaryMetric: exp.primaryMetric,
      secondaryMetrics: exp.secondaryMetrics,
      guardrailMetrics: exp.guardrailMetrics,
      rows,
      preClicks,
      sequentialTuning: exp.plannedSampleSize ?? 5000,
      guardrailMargin: this.guardrailMargin,
    });
    return this.store(exp, phase, started, null, null, analysis);
  }

  private async store(exp: ExperimentEntity, phase: number, started: number, interleaving: InterleavingAnalysis | null, control: string | null, ab?: ExperimentAnalysis): Promise<StoredResults> {
    // An interleaving experiment has no per-arm A/B figures: every list shows every variant.
    const analysis: ExperimentAnalysis = ab ?? { control: control!, primaryMetric: exp.primaryMetric, unitsPerVariant: [], srm: null, cupedAvailable: false, comparisons: [], timeSeries: [] };
    const { variants } = await this.experiments.results(exp.key, phase);
    const computedAt = new Date();
    const durationMs = Date.now() - started;
    const payload = { experimentKey: exp.key, phase, variants, analysis, interleaving };
    await this.db.query(
      `INSERT INTO experiment_results (experiment_id, phase, computed_at, duration_ms, payload) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (experiment_id, phase) DO UPDATE SET computed_at = EXCLUDED.computed_at, duration_ms = EXCLUDED.duration_ms, payload = EXCLUDED.payload`,
      [exp.id, phase, computedAt.toISOString(), durationMs, JSON.stringify(payload, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))],
    );
    return { ...payload, computedAt, durationMs };
  }

  /**
   * Interleaved lists of a phase: each attributed click or apply is joined to the logged team of the item at its
   * position; a list's credit per team = its engaged (clicked or applied) positions from that team.
   */
  private async interleaving(experimentId: string, phase: number, variants: string[], phaseSeed: string): Promise<InterleavingAnalysis> {
    const units: Array<{ unit_id: string; rankings: string }> = await this.db.query(
      `SELECT unit_id, count(*) AS rankings FROM experiment_rankings WHERE experiment_id = $1 AND phase = $2 AND variant = $3 GROUP BY unit_id`,
      [experimentId, phase, INTERLEAVED_VARIANT],
    );
    const credited: Array<{ unit_id: string; ranking_id: string; team: string; engaged: string; clicks: string; applies: string }> = await this.db.query(
      `SELECT r.unit_id, r.ranking_id, x.team, count(DISTINCT x.position) AS engaged,
              count(*) FILTER (WHERE it.type = 'click') AS clicks, count(*) FILTER (WHERE it.type = 'apply') AS applies
       FROM experiment_rankings r JOIN interactions it ON it.ranking_id = r.ranking_id
       JOIN experiment_exposures x ON x.ranking_seq = r.seq AND x.position = it.position
       WHERE r.experiment_id = $1 AND r.phase = $2 AND r.variant = $3 AND it.type IN ('click', 'apply') AND x.team IS NOT NULL
       GROUP BY r.unit_id, r.ranking_id, x.team`,
      [experimentId, phase, INTERLEAVED_VARIANT],
    );
    const lists = new Map<string, CreditedList & { credit: Record<string, number> }>();
    const totals: Record<string, { clicks: number; applies: number }> = {};
    for (const c of credited) {
      let l = lists.get(c.ranking_id);
      if (!l) lists.set(c.ranking_id, (l = { unitId: c.unit_id, credit: {} }));
      l.credit[c.team] = (l.credit[c.team] ?? 0) + Number(c.engaged);
      const t = (totals[c.team] ??= { clicks: 0, applies: 0 });
      t.clicks += Number(c.clicks);
      t.applies += Number(c.applies);
    }
    return analyzeInterleaving({
      variants,
      units: units.map((u) => u.unit_id),
      lists: [...lists.values()],
      totals,
      rankings: units.reduce((s, u) => s + Number(u.rankings), 0),
      seed: murmur3_32(`bootstrap:${phaseSeed}`),
    });
  }

  /** Per (variant, unit, UTC day of the ranking) sums; interactions count on their ranking's day. */
  private async unitDays(experimentId: string, phase: number): Promise<UnitDayRow[]> {
    const sums: Array<Record<string, string>> = await this.db.query(
      `WITH r AS (SELECT ranking_id, unit_id, variant, items, to_char(served_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM experiment_rankings WHERE experiment_id = $1 AND phase = $2),
            i AS (SELECT it.ranking_id,
                         count(*) FILTER (WHERE it.type = 'impression') AS impressions, count(*) FILTER (WHERE it.type = 'click') AS clicks,
                         count(*) FILTER (WHERE it.type = 'save') AS saves, count(*) FILTER (WHERE it.type = 'apply') AS applies,
                         count(*) FILTER (WHERE it.type = 'dismiss') AS dismisses
                  FROM interactions it JOIN r ON r.ranking_id = it.ranking_id GROUP BY it.ranking_id)
       SELECT r.variant, r.unit_id, r.day, count(*) AS rankings, sum(r.items) AS items,
              coalesce(sum(i.impressions), 0) AS impressions, coalesce(sum(i.clicks), 0) AS clicks, coalesce(sum(i.saves), 0) AS saves,
              coalesce(sum(i.applies), 0) AS applies, coalesce(sum(i.dismisses), 0) AS dismisses
       FROM r LEFT JOIN i ON i.ranking_id = r.ranking_id GROUP BY r.variant, r.unit_id, r.day`,
      [experimentId, phase],
    );
    const byKey = new Map<string, UnitDayRow>();
    for (const s of sums) {
      const row: UnitDayRow = {
        variant: s['variant']!, unitId: s['unit_id']!, day: s['day']!, rankings: Number(s['rankings']), items: Number(s['items']), impressions: Number(s['impressions']),
        clicks: Number(s['clicks']), saves: Number(s['saves']), applies: Number(s['applies']), dismisses: Number(s['dismisses']), ndcgSum: 0, mrrSum: 0,
      };
      byKey.set(`${row.variant}\u0000${row.unitId}\u0000${row.day}`, row);
    }
    // Online NDCG@10 / reciprocal rank of each served list from its attributed clicks and applies (positions are 0-based in the log).
    const engaged: Array<{ variant: string; unit_id: string; day: string; positions: number[] }> = await this.db.query(
      `SELECT r.variant, r.unit_id, to_char(r.served_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, array_agg(DISTINCT it.position + 1) AS positions
       FROM experiment_rankings r JOIN interactions it ON it.ranking_id = r.ranking_id
       WHERE r.experiment_id = $1 AND r.phase = $2 AND it.type IN ('click', 'apply') AND it.position IS NOT NULL
       GROUP BY r.ranking_id`,
      [experimentId, phase],
    );
    for (const e of engaged) {
      const row = byKey.get(`${e.variant}\u0000${e.unit_id}\u0000${e.day}`);
      if (!row) continue;
      const list = { engagedPositions: e.positions.map(Number) };
      row.ndcgSum += listNdcg(list, K);
      row.mrrSum += listReciprocalRank(list, K);
    }
    return [...byKey.values()];
  }

  /** Clicks per unit before the phase started (CUPED covariate); null when units are not candidate ids or nobody clicked. */
  private async preClicks(unitIds: string[], before: Date): Promise<Map<string, number> | null> {
    if (unitIds.length === 0 || !unitIds.every((u) => /^\d{1,18}$/.test(u))) return null;
    const rows: Array<{ unit_id: string; n: string }> = await this.db.query(
      `SELECT candidate_id::text AS unit_id, count(*) AS n FROM interactions WHERE candidate_id = ANY($1::bigint[]) AND type = 'click' AND occurred_at < $2 GROUP BY candidate_id`,
      [unitIds, before.toISOString()],
    );
    if (rows.length === 0) return null;
    return new Map(rows.map((r) => [r.unit_id, Number(r.n)]));
  }
}
