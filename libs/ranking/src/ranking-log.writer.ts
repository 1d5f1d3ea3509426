import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { StageLog } from './pipeline.js';

/** One served list as stored in ranking_logs. */
export interface RankingLogRow {
  rankingId: string;
  candidateId: string;
  channel: 'rankedJobs' | 'alert';
  modelRef: string | null;
  modelVersion: number | null;
  experimentKey: string | null;
  variant: string | null;
  pipeline: string;
  config: unknown;
  stages: StageLog[];
  items: Array<{ jobId: string; position: number; score: number; modelScore: number | null; reasons: Array<{ code: string; text: string; detail: string | null }> }>;
}

/** Rows are written together this often (or as soon as this many are waiting). */
const FLUSH_MS = 200;
const FLUSH_ROWS = 200;
/** Beyond this many waiting rows new ones are dropped (a database outage must not grow the heap without bound). */
const MAX_PENDING = 20_000;
/** Retention: rows older than this many days are deleted hourly (RANKING_LOG_RETENTION_DAYS, default 30; 0 keeps all). */
const retentionDays = (): number => {
  const v = Number(process.env['RANKING_LOG_RETENTION_DAYS'] ?? 30);
  return Number.isFinite(v) && v >= 0 ? v : 30;
};

/**
 * Batched, asynchronous writes of ranking logs: the serving path only pushes to a buffer; one multi-row INSERT per
 * flush. A failed flush is logged and its rows dropped (the list was already served). `get` flushes first, so a
 * debug lookup right after serving finds the row. Retention: `purge(days)` deletes rows older than that.
 */
@Injectable()
export class RankingLogWriter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RankingLog');
  private pending: RankingLogRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private dropped = 0;
  private purgeTimer: NodeJS.Timeout | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    const days = retentionDays();
    if (days > 0) {
      this.purgeTimer = setInterval(() => void this.purge(days).catch((err: unknown) => this.logger.warn(`ranking log purge failed: ${(err as Error).message}`)), 3600_000);
      this.purgeTimer.unref();
    }
  }

  write(row: RankingLogRow): void {
    if (this.pending.length >= MAX_PENDING) {
      if (this.dropped++ % 1000 === 0) this.logger.warn(`ranking log buffer full (${MAX_PENDING} rows): dropping logs (${this.dropped} so far)`);
      return;
    }
    this.pending.push(row);
    if (this.pending.length >= FLUSH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes everything waiting (and waits for a flush in progress). */
  flush(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    const rows = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() => (rows.length ? this.insert(rows) : undefined));
    return this.flushing;
  }

  private async insert(rows: RankingLogRow[]): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO ranking_logs (ranking_id, candidate_id, channel, model_ref, model_version, experiment_key, variant, pipeline, config, stages, items)
         SELECT r."rankingId", r."candidateId"::bigint, r.channel, r."modelRef", r."modelVersion", r."experimentKey", r.variant, r.pipeline, r.config, r.stages, r.items
           FROM jsonb_to_recordset($1::jsonb) AS r("rankingId" text, "candidateId" text, channel text, "modelRef" text, "modelVersion" int, "experimentKey" text, variant text, pipeline text, config jsonb, stages jsonb, items jsonb)
         ON CONFLICT (ranking_id) DO NOTHING`,
        [JSON.stringify(rows)],
      );
    } catch (err) {
      this.logger.warn(`${rows.length} ranking logs not written: ${(err as Error).message}`);
    }
  }

  async get(rankingId: string): Promise<(RankingLogRow & { createdAt: Date }) | null> {
    if (this.pending.some((r) => r.rankingId === rankingId)) await this.flush();
    else await this.flushing;
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT ranking_id, candidate_id::text AS candidate_id, channel, model_ref, model_version, experiment_key, variant, pipeline, config, stages, items, created_at FROM ranking_logs WHERE ranking_id = $1`,
      [rankingId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      rankingId: r['ranking_id'] as string, candidateId: r['candidate_id'] as string, channel: r['channel'] as RankingLogRow['channel'], modelRef: r['model_ref'] as string | null,
      modelVersion: r['model_version'] as number | null, experimentKey: r['experiment_key'] as string | null, variant: r['variant'] as string | null, pipeline: r['pipeline'] as string,
      config: r['config'], stages: r['stages'] as StageLog[], items: r['items'] as RankingLogRow['items'], createdAt: r['created_at'] as Date,
    };
  }

  /** Deletes logs older than `days` (retention); returns how many. */
  async purge(days: number): Promise<number> {
    const rows: Array<{ n: string }> = await this.db.query(`WITH d AS (DELETE FROM ranking_logs WHERE created_at < now() - make_interval(days => $1) RETURNING 1) SELECT count(*)::text AS n FROM d`, [days]);
    return Number(rows[0]?.n ?? 0);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.flush();
  }
}
