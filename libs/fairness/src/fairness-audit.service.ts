import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FairnessAuditReport } from './export.js';
import { FairnessError } from './fairness.errors.js';
import { auditGroups, validateConfig, type AuditConfig, type CandidateAuditRow } from './metrics.js';
import { COLLECTABLE_ATTRIBUTES, isCollectable } from './protected-attributes.js';

const DAY_MS = 86_400_000;

export interface RunAuditOptions {
  attribute: string;
  /** Window of logged impressions, clicks and applies; default: the `windowDays` before `to` (default now). */
  from?: Date | null;
  to?: Date | null;
  config?: Partial<AuditConfig>;
  trigger?: 'scheduled' | 'manual';
  createdBy?: string | null;
}

function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && process.env[name] !== '' && Number.isFinite(v) ? v : fallback;
}

/** Audit settings from the environment (documented in libs/fairness/README.md). */
export function fairnessSettings(): { windowDays: number; everyMs: number; config: Partial<AuditConfig> } {
  return {
    windowDays: envNumber('MATCHLAB_FAIRNESS_WINDOW_DAYS', 30),
    everyMs: envNumber('MATCHLAB_FAIRNESS_AUDIT_EVERY_MS', DAY_MS),
    config: {
      rateThreshold: envNumber('MATCHLAB_FAIRNESS_RATE_THRESHOLD', 0.8),
      meanGap: envNumber('MATCHLAB_FAIRNESS_MEAN_GAP', 0.1),
      minCandidates: envNumber('MATCHLAB_FAIRNESS_MIN_CANDIDATES', 20),
    },
  };
}

/**
 * Per candidate whose attribute is known: impressions, clicks and applies logged in the window (every channel:
 * rankedJobs, alerts, imports), and the mean salary midpoint and seniority ordinal of the jobs shown. Candidates
 * without a logged impression count with zero exposure. The protected value is only ever read here, in aggregate.
 */
const AUDIT_ROWS_SQL = `
  WITH g AS (SELECT candidate_id, value FROM candidate_protected_attributes WHERE attribute = $1),
  ev AS (
    SELECT i.candidate_id,
           count(*) FILTER (WHERE i.type = 'impression') AS impressions,
           count(*) FILTER (WHERE i.type = 'click') AS clicks,
           count(*) FILTER (WHERE i.type = 'apply') AS applies,
           avg((coalesce(j.salary_annual_min, j.salary_annual_max) + coalesce(j.salary_annual_max, j.salary_annual_min)) / 2)
             FILTER (WHERE i.type = 'impression' AND coalesce(j.salary_annual_min, j.salary_annual_max) IS NOT NULL) AS mean_salary,
           avg(array_position(ARRAY['intern','junior','mid','senior','lead','executive']::varchar[], j.seniority) - 1)
             FILTER (WHERE i.type = 'impression' AND j.seniority IS NOT NULL) AS mean_seniority
      FROM interactions i JOIN g ON g.candidate_id = i.candidate_id JOIN jobs j ON j.id = i.job_id
     WHERE i.occurred_at >= $2 AND i.occurred_at < $3 AND i.type IN ('impression', 'click', 'apply')
     GROUP BY i.candidate_id)
  SELECT g.value AS "group", coalesce(ev.impressions, 0) AS impressions, coalesce(ev.clicks, 0) AS clicks, coalesce(ev.applies, 0) AS applies,
         ev.mean_salary, ev.mean_seniority
    FROM g LEFT JOIN ev ON ev.candidate_id = g.candidate_id`;

interface AuditRow {
  id: string;
  attribute: string;
  trigger: 'scheduled' | 'manual';
  window_from: Date;
  window_to: Date;
  report: FairnessAuditReport['result'];
  created_by: string | null;
  created_at: Date;
}

/** Runs fairness audits (scheduled daily by the worker, or on demand) and keeps their reports in `fairness_audits`. */
@Injectable()
export class FairnessAuditService {
  private readonly logger = new Logger('FairnessAudit');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async run(opts: RunAuditOptions): Promise<FairnessAuditReport> {
    if (!isCollectable(opts.attribute)) throw new FairnessError('INVALID_INPUT', `attribute must be one of ${COLLECTABLE_ATTRIBUTES.join(', ')}`, { field: 'attribute' });
    const settings = fairnessSettings();
    const to = opts.to ?? new Date();
    const from = opts.from ?? new Date(to.getTime() - settings.windowDays * DAY_MS);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new FairnessError('INVALID_INPUT', 'from and to must be valid dates');
    if (from.getTime() >= to.getTime()) throw new FairnessError('INVALID_INPUT', `from (${from.toISOString()}) must be before to (${to.toISOString()})`);
    const config = validateConfig({ ...settings.config, ...opts.config });
    const raw: Array<{ group: string; impressions: string; clicks: string; applies: string; mean_salary: string | null; mean_seniority: string | null }> = await this.db.query(AUDIT_ROWS_SQL, [opts.attribute, from.toISOString(), to.toISOString()]);
    const rows: CandidateAuditRow[] = raw.map((r) => ({
      group: r.group,
      impressions: Number(r.impressions),
      clicks: Number(r.clicks),
      applies: Number(r.applies),
      meanSalary: r.mean_salary === null ? null : Number(r.mean_salary),
      meanSeniority: r.mean_seniority === null ? null : Number(r.mean_seniority),
    }));
    const result = auditGroups(rows, config);
    const stored: Array<{ id: string; created_at: Date }> = await this.db.query(
      `INSERT INTO fairness_audits (attribute, trigger, window_from, window_to, flagged, report, created_by) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING id::text AS id, created_at`,
      [opts.attribute, opts.trigger ?? 'manual', from.toISOString(), to.toISOString(), result.flagged, JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)), opts.createdBy ?? null],
    );
    if (result.flagged) this.logger.warn(`fairness audit ${stored[0]!.id} (${opts.attribute}): ${result.flagged} disparities flagged`);
    return { id: stored[0]!.id, attribute: opts.attribute, trigger: opts.trigger ?? 'manual', windowFrom: from.toISOString(), windowTo: to.toISOString(), createdAt: new Date(stored[0]!.created_at).toISOString(), createdBy: opts.createdBy ?? null, result };
  }

  /** The scheduled job: one audit per collectable attribute that any candidate has given. */
  async runScheduled(now = new Date()): Promise<{ audits: string[]; flagged: number }> {
    const present: Array<{ attribute: string }> = await this.db.query(`SELECT DISTINCT attribute FROM candidate_protected_attributes ORDER BY attribute`);
    const audits: string[] = [];
    let flagged = 0;
    for (const { attribute } of present) {
      if (!isCollectable(attribute)) continue;
      const r = await this.run({ attribute, to: now, trigger: 'scheduled', createdBy: 'scheduler' });
      audits.push(r.id);
      flagged += r.result.flagged;
    }
    return { audits, flagged };
  }

  async list(opts: { attribute?: string | null; limit?: number; offset?: number } = {}): Promise<FairnessAuditReport[]> {
    const limit = Math.min(Math.max(opts.limit ?? 20, 1), 200);
    const offset = Math.max(opts.offset ?? 0, 0);
    if (opts.attribute && !isCollectable(opts.attribute)) throw new FairnessError('INVALID_INPUT', `attribute must be one of ${COLLECTABLE_ATTRIBUTES.join(', ')}`, { field: 'attribute' });
    const rows: AuditRow[] = await this.db.query(
      `SELECT id::text AS id, attribute, trigger, window_from, window_to, report, created_by, created_at FROM fairness_audits
        WHERE ($1::varchar IS NULL OR attribute = $1) ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [opts.attribute ?? null, limit, offset],
    );
    return rows.map(toReport);
  }

  async get(id: string): Promise<FairnessAuditReport> {
    if (!/^\d{1,18}$/.test(id)) throw new FairnessError('INVALID_INPUT', `audit id must be numeric, got "${String(id).slice(0, 40)}"`, { field: 'id' });
    const rows: AuditRow[] = await this.db.query(`SELECT id::text AS id, attribute, trigger, window_from, window_to, report, created_by, created_at FROM fairness_audits WHERE id = $1`, [id]);
    if (!rows[0]) throw new FairnessError('NOT_FOUND', `fairness audit ${id} not found`);
    return toReport(rows[0]);
  }
}

function toReport(r: AuditRow): FairnessAuditReport {
  return { id: r.id, attribute: r.attribute, trigger: r.trigger, windowFrom: new Date(r.window_from).toISOString(), windowTo: new Date(r.window_to).toISOString(), createdAt: new Date(r.created_at).toISOString(), createdBy: r.created_by, result: r.report };
}
