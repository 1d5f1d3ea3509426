import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ImportService, IngestError, type ImportRunResult, type RowSource, type WorkerRowsSpec } from '@app/ingest';
import { pageBounds, type Page } from '@app/pagination';
import { QueueNames } from '@app/queue';
import type { Queue } from 'bullmq';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { atsJobRow, jsonRecords, type AtsKind } from './ats.js';
import { ConnectorError } from './connectors.errors.js';
import { crawlRows, newCrawlState, type CrawlOptions, type CrawlState, type PageMemo } from './crawler.js';
import { checkSourceUrl, fetchBuffer, fetchStream } from './http-fetch.js';
import { parseMapping, type FieldMapping } from './mapping.js';
import { parseSchedule } from './schedule.js';
import { applyFeedResult, newFeedState, XML_FEED_MODULE, xmlFeedRows, type FeedResult, type FeedState } from './xml-feed.js';

export const SOURCE_TYPES = ['career_pages', 'xml_feed', 'greenhouse', 'lever', 'json_feed'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];
export type SourceRunStatus = 'queued' | 'running' | 'completed' | 'not_modified' | 'failed';

export interface JobSource {
  id: string;
  name: string;
  type: SourceType;
  url: string | null;
  file: string | null;
  startUrls: string[];
  schedule: string | null;
  mapping: FieldMapping;
  owner: string | null;
  enabled: boolean;
  lastRunAt: Date | null;
  createdAt: Date;
}

export interface SourceRun {
  id: string;
  sourceId: string;
  sourceName?: string;
  trigger: 'scheduled' | 'manual';
  status: SourceRunStatus;
  progress: number;
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  expired: number;
  rejected: number;
  rejections: Array<{ line: number; field: string | null; reason: string }>;
  skipped: Array<{ url: string; reason: string }>;
  importRunId: string | null;
  error: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
}

export interface AddSourceInput {
  name: string;
  type: string;
  url?: string | null;
  file?: string | null;
  startUrls?: string[] | null;
  schedule?: string | null;
  mapping?: unknown;
  enabled?: boolean | null;
}

/** Data of a `sync-source` job on the imports queue. */
export interface SyncJobData {
  runId: string;
  sourceId: string;
}

export interface SyncOptions {
  onProgress?: (rowsDone: number) => void;
  /** The import run's own result (with what is not stored: retried batches, the near-duplicate index's size). */
  onImport?: (result: ImportRunResult) => void;
  /** Crawler politeness overrides (tests use short intervals). */
  crawl?: Partial<CrawlOptions>;
}

const MAX_STORED_REJECTIONS = 1000;
export const SYNC_JOB = 'sync-source';
const schedulerId = (sourceId: string) => `job-source-${sourceId}`;

/**
 * Job sources as data: stored, scheduled (one BullMQ job scheduler per enabled source with a schedule, on the imports
 * queue) and synced through the import pipeline, so feed and crawled rows get the same validation, standardisation,
 * dedupe and rejected-row report as a file import. After a complete read, the source's active postings that were not
 * seen are expired; postings past validThrough are expired on every run.
 */
@Injectable()
export class SourcesService {
  /** Private/loopback targets allowed (development and test; never in production). */
  allowPrivate: boolean;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ImportService) private readonly imports: ImportService,
    @Optional() @InjectQueue(QueueNames.imports) private readonly queue?: Queue,
  ) {
    this.allowPrivate = config.env !== 'production';
  }

  // ---- sources ----------------------------------------------------------------------------------------

  async add(input: AddSourceInput, owner: string | null): Promise<JobSource> {
    const name = input.name?.trim();
    if (!name || !/^[a-z0-9][a-z0-9._-]{0,99}$/i.test(name)) throw new ConnectorError('INVALID_INPUT', 'name: 1-100 letters, digits, dot, dash or underscore', { field: 'name' });
    if (!(SOURCE_TYPES as readonly string[]).includes(input.type)) throw new ConnectorError('INVALID_INPUT', `type: expected one of ${SOURCE_TYPES.join(', ')}`, { field: 'type' });
    const type = input.type as SourceType;
    const url = input.url?.trim() || null;
    const file = input.file?.trim() || null;
    const startUrls = (input.startUrls ?? []).map((u) => u.trim()).filter(Boolean);
    if (url) checkSourceUrl(url, this.allowPrivate);
    for (const u of startUrls) checkSourceUrl(u, this.allowPrivate);
    if (type === 'career_pages' ? !url && !startUrls.length : !url && !file) {
      throw new ConnectorError('INVALID_INPUT', type === 'career_pages' ? 'career_pages needs startUrls or a sitemap url' : `${type} needs a url or a file`, { field: 'url' });
    }
    if (file && type === 'career_pages') throw new ConnectorError('INVALID_INPUT', 'career_pages cannot read a file', { field: 'file' });
    if (url && file) throw new ConnectorError('INVALID_INPUT', 'give a url or a file, not both', { field: 'file' });
    const schedule = input.schedule?.trim() || null;
    parseSchedule(schedule);
    const mapping = parseMapping(typeof input.mapping === 'string' ? parseJson(input.mapping, 'mapping') : input.mapping);
    const [dup] = await this.db.query(`SELECT 1 FROM job_sources WHERE name = $1`, [name]);
    if (dup) throw new ConnectorError('CONFLICT', `a source named ${name} exists`, { field: 'name' });
    const [row] = await this.db.query(
      `INSERT INTO job_sources (name, type, url, file, start_urls, schedule, mapping, owner, enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [name, type, url, file, startUrls, schedule, JSON.stringify(mapping), owner, input.enabled ?? true],
    );
    const source = toSource(row);
    await this.schedule(source);
    return source;
  }

  async list(args: { offset?: number; limit?: number } = {}): Promise<Page<JobSource>> {
    const { offset, limit } = pageBounds(args);
    const rows = await this.db.query(`SELECT * FROM job_sources ORDER BY id LIMIT $1 OFFSET $2`, [limit, offset]);
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM job_sources`);
    return { items: rows.map(toSource), totalCount: n };
  }

  /** By id or name. */
  async get(ref: string): Promise<JobSource> {
    const [row] = await this.db.query(/^\d+$/.test(ref) ? `SELECT * FROM job_sources WHERE id = $1` : `SELECT * FROM job_sources WHERE name = $1`, [ref]);
    if (!row) throw new ConnectorError('NOT_FOUND', `job source ${ref} not found`);
    return toSource(row);
  }

  async setEnabled(ref: string, enabled: boolean): Promise<JobSource> {
    const s = await this.get(ref);
    const [row] = updated(await this.db.query(`UPDATE job_sources SET enabled = $2, updated_at = now() WHERE id = $1 RETURNING *`, [s.id, enabled]));
    const source = toSource(row);
    await this.schedule(source);
    return source;
  }

  /** One BullMQ job scheduler per enabled, scheduled source (removed otherwise). No queue (tests) → nothing. */
  async schedule(s: JobSource): Promise<void> {
    if (!this.queue) return;
    const repeat = parseSchedule(s.schedule);
    if (!repeat || !s.enabled) {
      await this.queue.removeJobScheduler(schedulerId(s.id));
      return;
    }
    await this.queue.upsertJobScheduler(schedulerId(s.id), repeat, { name: SYNC_JOB, data: { runId: '', sourceId: s.id } satisfies SyncJobData, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  /** Re-registers every source's scheduler (worker start-up). */
  async scheduleAll(): Promise<number> {
    const rows = await this.db.query(`SELECT * FROM job_sources`);
    for (const r of rows) await this.schedule(toSource(r));
    return rows.filter((r: any) => r.enabled && r.schedule).length;
  }

  // ---- runs -------------------------------------------------------------------------------------------

  /** Records a queued run and puts it on the imports queue (without a queue it is only recorded). */
  async requestSync(ref: string, trigger: 'manual' | 'scheduled' = 'manual'): Promise<SourceRun> {
    const s = await this.get(ref);
    const [active] = await this.db.query(`SELECT id FROM job_source_runs WHERE source_id = $1 AND status IN ('queued', 'running') AND queued_at > now() - interval '1 hour'`, [s.id]);
    if (active) throw new ConnectorError('CONFLICT', `source ${s.name} already has run ${active.id} queued or running`);
    const run = await this.createRun(s.id, trigger);
    if (this.queue) await this.queue.add(SYNC_JOB, { runId: run.id, sourceId: s.id } satisfies SyncJobData, { removeOnComplete: 100, removeOnFail: 100 });
    return run;
  }

  private async createRun(sourceId: string, trigger: 'manual' | 'scheduled'): Promise<SourceRun> {
    const [row] = await this.db.query(`INSERT INTO job_source_runs (source_id, trigger) VALUES ($1, $2) RETURNING *`, [sourceId, trigger]);
    return toRun(row);
  }

  async runs(args: { source?: string | null; offset?: number; limit?: number }): Promise<Page<SourceRun>> {
    const { offset, limit } = pageBounds(args);
    const sourceId = args.source ? (await this.get(args.source)).id : null;
    const where = sourceId ? 'WHERE r.source_id = $3' : '';
    const rows = await this.db.query(`SELECT r.*, s.name AS source_name FROM job_source_runs r JOIN job_sources s ON s.id = r.source_id ${where} ORDER BY r.id DESC LIMIT $1 OFFSET $2`, sourceId ? [limit, offset, sourceId] : [limit, offset]);
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM job_source_runs ${sourceId ? 'WHERE source_id = $1' : ''}`, sourceId ? [sourceId] : []);
    return { items: rows.map(toRun), totalCount: n };
  }

  async getRun(id: string): Promise<SourceRun> {
    if (!/^\d+$/.test(id)) throw new ConnectorError('NOT_FOUND', `source run ${id} not found`);
    const [row] = await this.db.query(`SELECT r.*, s.name AS source_name FROM job_source_runs r JOIN job_sources s ON s.id = r.source_id WHERE r.id = $1`, [id]);
    if (!row) throw new ConnectorError('NOT_FOUND', `source run ${id} not found`);
    return toRun(row);
  }

  /**
   * Runs a sync now: the queued run `runId` (worker), or a new one (CLI, scheduler). Fetches the source, imports its
   * rows through ImportService, expires what disappeared (only after a complete read) or passed validThrough, and
   * stores the counts. A fetch/parse failure marks the run failed with the error (and throws it).
   */
  async sync(ref: string, opts: SyncOptions & { runId?: string; trigger?: 'manual' | 'scheduled' } = {}): Promise<SourceRun> {
    const s = await this.get(ref);
    const runId = opts.runId || (await this.createRun(s.id, opts.trigger ?? 'manual')).id;
    const started = Date.now();
    await this.db.query(`UPDATE job_source_runs SET status = 'running', started_at = now() WHERE id = $1`, [runId]);
    const [stateRow] = await this.db.query(`SELECT state FROM job_sources WHERE id = $1`, [s.id]);
    const state: SourceState = stateRow?.state ?? {};
    let lastProgress = 0;
    const progress = (n: number) => {
      opts.onProgress?.(n);
      if (n - lastProgress >= 1000 || n < lastProgress) {
        lastProgress = n;
        void this.db.query(`UPDATE job_source_runs SET progress = $2 WHERE id = $1 AND status = 'running'`, [runId, n]).catch(() => {});
      }
    };
    try {
      const read = await this.rowsOf(s, state, opts);
      let result: ImportRunResult | null = null;
      if (read.rows) {
        result = await this.imports.importRows('jobs', read.rows, {
          source: s.name, sourceName: `source:${s.name} ${s.url ?? s.file ?? s.startUrls[0] ?? ''}`.slice(0, 500), format: s.type === 'career_pages' ? 'jsonld' : s.type === 'xml_feed' ? 'xml' : 'json', onProgress: progress,
          ...(read.worker ? { worker: read.worker } : {}),
        });
        opts.onImport?.(result);
      }
      const complete = !read.feed.truncated && !read.notModified && (result?.status ?? 'completed') === 'completed';
      const expired = await this.expire(s.name, complete ? read.feed.ids : null);
      const crawl = read.feed as Partial<CrawlState>;
      const unchangedUnfetched = read.notModified ? await this.activeCount(s.name) : 0;
      const rejections = (result?.rejections ?? []).map(({ line, field, reason }) => ({ line, field, reason }));
      await this.db.query(`UPDATE job_sources SET state = $2, last_run_at = now(), updated_at = now() WHERE id = $1`, [s.id, JSON.stringify(read.state)]);
      const [row] = updated(await this.db.query(
        `UPDATE job_source_runs SET status = $2, progress = $3, fetched = $4, new = $5, updated = $6, unchanged = $7, duplicates = $8, expired = $9, rejected = $10,
           rejections = $11, skipped = $12, import_run_id = $13, error = $14, finished_at = now(), duration_ms = $15 WHERE id = $1 RETURNING *`,
        [
          runId, read.notModified ? 'not_modified' : 'completed', result?.totalRows ?? 0, read.feed.fetched, result?.inserted ?? 0, result?.updated ?? 0,
          (result?.unchanged ?? 0) + unchangedUnfetched + (crawl.notModifiedPostings ?? 0),
          result?.duplicates ?? 0, expired, rejections.length, JSON.stringify(rejections.slice(0, MAX_STORED_REJECTIONS)), JSON.stringify((crawl.skipped ?? []).slice(0, MAX_STORED_REJECTIONS)),
          result?.id ?? null, read.feed.truncated ?? null, Date.now() - started,
        ],
      ));
      return toRun({ ...row, source_name: s.name });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.db.query(`UPDATE job_source_runs SET status = 'failed', error = $2, finished_at = now(), duration_ms = $3 WHERE id = $1`, [runId, message.slice(0, 2000), Date.now() - started]);
      if (err instanceof ConnectorError || err instanceof IngestError) throw err;
      throw new ConnectorError('FETCH_FAILED', message);
    }
  }

  /** Postings of the source past validThrough, and (after a complete read) active ones the source no longer lists. */
  private async expire(source: string, seen: Set<string> | null): Promise<number> {
    const byDate = updated(await this.db.query(`UPDATE jobs SET status = 'expired', updated_at = now() WHERE source = $1 AND status = 'active' AND expires_at IS NOT NULL AND expires_at <= now() RETURNING 1`, [source]));
    let n = byDate.length;
    if (seen) {
      const gone = updated(await this.db.query(`UPDATE jobs SET status = 'expired', updated_at = now() WHERE source = $1 AND status = 'active' AND NOT (external_id = ANY($2::text[])) RETURNING 1`, [source, [...seen]]));
      n += gone.length;
    }
    return n;
  }

  private async activeCount(source: string): Promise<number> {
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM jobs WHERE source = $1 AND status = 'active'`, [source]);
    return n;
  }

  /** The source's rows (null when a feed answered 304), the state to keep, and what reading learnt. */
  private async rowsOf(s: JobSource, prev: SourceState, opts: SyncOptions): Promise<{ rows: RowSource | null; feed: FeedState; state: SourceState; notModified: boolean; worker?: WorkerRowsSpec }> {
    const fetchOpts = { allowPrivate: this.allowPrivate, ...(opts.crawl?.timeoutMs ? { timeoutMs: opts.crawl.timeoutMs } : {}) };
    if (s.type === 'career_pages') {
      const feed = newCrawlState();
      const pages: Record<string, PageMemo> = { ...(prev.pages ?? {}) };
      const rows = crawlRows({ startUrls: s.startUrls, sitemap: s.url }, s.mapping, { allowPrivate: this.allowPrivate, ...opts.crawl, pages }, feed);
      return { rows, feed, state: { pages }, notModified: false };
    }
    if (s.type === 'xml_feed') {
      // The feed's bytes are read here (file, or the SSRF-guarded HTTP body); with a compiled build they are parsed,
      // mapped and prepared in the import worker thread (`worker`), else on this thread (`rows`). Either way the
      // reader is pulled by the importer, so the feed streams at the pace of the database writes.
      const feed = newFeedState();
      let open: () => AsyncIterable<Buffer>;
      let state: SourceState = {};
      if (s.file) {
        await access(s.file).catch(() => {
          throw new ConnectorError('NOT_FOUND', `feed file not found: ${s.file}`, { field: 'file' });
        });
        open = () => createReadStream(s.file!, { highWaterMark: 256 * 1024 });
      } else {
        const { result, body } = await fetchStream(s.url!, { ...fetchOpts, etag: prev.etag, lastModified: prev.lastModified, accept: 'application/xml,text/xml' });
        if (result.notModified) return { rows: null, feed, state: prev, notModified: true };
        if (result.status >= 400) throw new ConnectorError('FETCH_FAILED', `${s.url}: HTTP ${result.status}`);
        let used = false;
        open = () => {
          if (used) throw new ConnectorError('INVALID_INPUT', 'a fetched feed can be read once');
          used = true;
          return body;
        };
        state = { etag: result.etag, lastModified: result.lastModified };
      }
      const worker: WorkerRowsSpec = { module: XML_FEED_MODULE, exportName: 'xmlFeedWorkerRows', args: { mapping: s.mapping }, input: open, onResult: (r) => applyFeedResult(feed, r as FeedResult) };
      return { rows: xmlFeedRows(open, s.mapping, feed), feed, state, notModified: false, worker };
    }
    // JSON feeds (Greenhouse, Lever, generic): one document within the size limit.
    const feed = newFeedState();
    let text: string;
    let state: SourceState = {};
    if (s.file) {
      const { readFile } = await import('node:fs/promises');
      text = await readFile(s.file, 'utf8').catch(() => {
        throw new ConnectorError('NOT_FOUND', `feed file not found: ${s.file}`, { field: 'file' });
      });
    } else {
      const res = await fetchBuffer(s.url!, { ...fetchOpts, maxBytes: 100 * 1024 * 1024, etag: prev.etag, lastModified: prev.lastModified, accept: 'application/json' });
      if (res.notModified) return { rows: null, feed, state: prev, notModified: true };
      if (res.status >= 400) throw new ConnectorError('FETCH_FAILED', `${s.url}: HTTP ${res.status}`);
      text = res.body.toString('utf8');
      state = { etag: res.etag, lastModified: res.lastModified };
    }
    const records = jsonRecords(s.type as AtsKind, parseJson(text, s.type));
    const rows: RowSource = async function* () {
      let line = 0;
      for (const rec of records) {
        line++;
        const data = atsJobRow(s.type as AtsKind, rec, s.mapping);
        feed.fetched++;
        if (data.external_id !== undefined) feed.ids.add(String(data.external_id));
        yield { line, data, raw: JSON.stringify(rec).slice(0, 2000) };
      }
    };
    return { rows, feed, state, notModified: false };
  }
}

interface SourceState {
  etag?: string | null;
  lastModified?: string | null;
  pages?: Record<string, PageMemo>;
}

/** Rows of an UPDATE … RETURNING: TypeORM's postgres driver answers [rows, affected] for UPDATE, plain rows for SELECT/INSERT. */
function updated(result: unknown): any[] {
  const r = result as unknown[];
  return Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number' ? (r[0] as any[]) : (r as any[]);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConnectorError('INVALID_INPUT', `${what}: malformed JSON (${(err as Error).message})`, { field: what });
  }
}

function toSource(r: any): JobSource {
  return {
    id: String(r.id), name: r.name, type: r.type, url: r.url, file: r.file, startUrls: r.start_urls ?? [], schedule: r.schedule, mapping: r.mapping ?? {},
    owner: r.owner, enabled: r.enabled, lastRunAt: r.last_run_at, createdAt: r.created_at,
  };
}

function toRun(r: any): SourceRun {
  return {
    id: String(r.id), sourceId: String(r.source_id), sourceName: r.source_name, trigger: r.trigger, status: r.status, progress: r.progress,
    fetched: r.fetched, new: r.new, updated: r.updated, unchanged: r.unchanged, duplicates: r.duplicates, expired: r.expired, rejected: r.rejected,
    rejections: r.rejections ?? [], skipped: r.skipped ?? [], importRunId: r.import_run_id === null || r.import_run_id === undefined ? null : String(r.import_run_id),
    error: r.error, queuedAt: r.queued_at, startedAt: r.started_at, finishedAt: r.finished_at, durationMs: r.duration_ms,
  };
}
