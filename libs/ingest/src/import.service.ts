import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { pageBounds, type Page } from '@app/pagination';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type EntityManager } from 'typeorm';
import { IngestError } from './ingest.errors.js';
import { preparedFileRows, preparedWorkerRows, rowWorkerFile, type WorkerRowsSpec } from './prepared-file.js';
import { assertReadable, countLines, formatFromPath, memoryRows, type CsvOptions, type FileFormat, type RowSource } from './readers.js';
import { preparedInProcess, type PreparedItem, type PreparedSource, type PreparerSettings, type Rejection } from './row-preparer.js';
import type { ImportKind } from './schemas.js';
import { HeapBudget } from './heap-budget.js';
import { LshIndex } from './lsh-index.js';
import { writeCandidates, writeInteractions, writeJobs, writeResumes, type BatchCounts, type CopyIn, type Lined, type Query } from './writers.js';

export type { Rejection } from './row-preparer.js';

export interface ImportRunResult {
  id: string;
  kind: ImportKind;
  sourceName: string;
  source: string;
  format: string;
  strict: boolean;
  status: 'running' | 'completed' | 'rejected' | 'failed';
  totalRows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  rejected: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  rejections: Rejection[];
  /** Rows per second over the whole run (validation + writes). */
  rowsPerSecond?: number;
  /** Batch writes retried after the database connection was lost (a batch retried twice counts 2; not stored, printed by the CLI). */
  retriedBatches?: number;
  /**
   * Jobs: the near-duplicate index at the end of the run (not stored). It holds the run's jobs and the stored jobs of
   * every company the run met, and is the only part of an import's memory that grows with its size.
   */
  nearDuplicateIndex?: { jobs: number; bytes: number };
  /** Full garbage collections made to keep the importing thread's memory flat, and their time (not stored). */
  collections?: { count: number; ms: number };
}

export interface ImportOptions {
  /** The rows' source, the first half of their identity (source, external_id). */
  source: string;
  /** Where the rows came from, stored on the run (file path, "graphql", dataset name). */
  sourceName: string;
  format: string;
  strict?: boolean;
  batchSize?: number;
  /** Called after every batch with the rows handled so far. */
  onProgress?: (done: number) => void;
}

export const MAX_GRAPHQL_ROWS = 1000;
/** Rows per write transaction: at 5,000 the per-batch round trips cost little (1,000 was ~25% slower on 100k jobs). */
const DEFAULT_BATCH_SIZE = 5000;
/** A batch whose connection was lost is written again up to this many times, after 0.5, 1, 2, 4, 8 s (15.5 s in all). */
const BATCH_RETRIES = 5;
const RETRY_BASE_MS = 500;

const CONNECTION_LOSS_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03']);
/**
 * The database connection was lost (network cut, backend terminated, server unreachable): the batch's
 * transaction never committed, so writing the batch again is safe. SQL errors (constraints, syntax) are not.
 */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } } | null;
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  if (CONNECTION_LOSS_CODES.has(code) || code.startsWith('08')) return true;
  return /Connection terminated|terminating connection|connection error|Connection ended|ECONNRESET|ECONNREFUSED|EPIPE|socket has been ended/i.test(`${e?.message ?? ''} ${e?.driverError?.message ?? ''}`);
}
type Prepared = Extract<PreparedItem, { row: unknown }>;

/**
 * Validates, standardises and writes rows of one kind; records the run and its rejected rows in
 * import_runs / import_rejections. Used by the CLI, GraphQL, the dataset importers and the worker.
 */
@Injectable()
export class ImportService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Imports a JSONL or CSV file. A missing file is an IngestError NOT_FOUND (no run is recorded). */
  async importFile(kind: ImportKind, path: string, opts: Partial<ImportOptions> & { format?: FileFormat; csv?: CsvOptions; source?: string } = {}): Promise<ImportRunResult> {
    await assertReadable(path);
    const format = opts.format ?? formatFromPath(path);
    const source = opts.source ?? defaultSource(path);
    return this.run(kind, (settings) => preparedFileRows(path, format, opts.csv, settings), { ...opts, source, sourceName: opts.sourceName ?? path, format });
  }

  /** Rows given in memory (GraphQL): at most MAX_GRAPHQL_ROWS; line = index + 1. */
  async importBatch(kind: ImportKind, rows: unknown[], opts: { source?: string; strict?: boolean }): Promise<ImportRunResult> {
    if (!Array.isArray(rows)) throw new IngestError('INVALID_INPUT', 'rows must be a JSON array of objects');
    if (rows.length > MAX_GRAPHQL_ROWS) throw new IngestError('INVALID_INPUT', `at most ${MAX_GRAPHQL_ROWS} rows per call (got ${rows.length}); use the CLI for files`);
    return this.importRows(kind, memoryRows(rows), { source: opts.source ?? 'api', sourceName: 'graphql', format: 'json', strict: opts.strict });
  }

  countLines = countLines;

  /**
   * Rows from any source (datasets, GraphQL, connectors), prepared on this thread; or, with `worker` and a compiled
   * build, made and prepared in the import worker thread from bytes read here (`rows` is then the same rows for
   * when no worker can run, e.g. under ts-jest).
   */
  importRows(kind: ImportKind, rows: RowSource, opts: ImportOptions & { worker?: WorkerRowsSpec }): Promise<ImportRunResult> {
    const workerFile = opts.worker ? rowWorkerFile(opts.worker.module) : null;
    return this.run(kind, (settings) => (workerFile ? preparedWorkerRows(workerFile, opts.worker!, settings) : preparedInProcess(rows, settings)), opts);
  }

  private async run(kind: ImportKind, prepared: (settings: PreparerSettings) => PreparedSource, opts: ImportOptions): Promise<ImportRunResult> {
    const started = Date.now();
    const strict = !!opts.strict;
    const [run] = await this.db.query(`INSERT INTO import_runs (kind, source_name, format, strict) VALUES ($1, $2, $3, $4) RETURNING id::text, started_at`, [kind, opts.sourceName.slice(0, 500), opts.format, strict]);
    const runId: string = run.id;
    const result: ImportRunResult = {
      id: runId, kind, sourceName: opts.sourceName, source: opts.source, format: opts.format, strict, status: 'running',
      totalRows: 0, inserted: 0, updated: 0, unchanged: 0, duplicates: 0, rejected: 0, error: null,
      startedAt: run.started_at, finishedAt: null, rejections: [],
    };
    try {
      const rows = prepared(await this.preparerSettings(kind, opts.source));
      const copy = await this.supportsCopy();
      if (strict) {
        // Pass 1: validate everything; any bad row → nothing is written.
        for await (const p of rows()) {
          result.totalRows++;
          if ('rejection' in p) result.rejections.push(p.rejection);
        }
        if (!result.rejections.length) {
          result.totalRows = 0;
          await this.db.transaction(async (m) => {
            await this.process(kind, rows, opts, result, { transaction: { q: (sql, params) => m.query(sql, params), copy: this.copyIn(m, copy) } });
            if (result.rejections.length) throw new StrictRollback();
          }).catch((err) => {
            if (!(err instanceof StrictRollback)) throw err;
          });
        }
        if (result.rejections.length) {
          result.status = 'rejected';
          result.inserted = result.updated = result.unchanged = result.duplicates = 0;
        }
      } else {
        await this.process(kind, rows, opts, result, { copySupported: copy });
      }
      if (result.status === 'running') result.status = 'completed';
    } catch (err) {
      result.status = 'failed';
      result.error = err instanceof Error ? err.message : String(err);
    }
    result.rejected = result.rejections.length;
    result.rejections.sort((a, b) => a.line - b.line);
    try {
      await this.finish(result);
    } catch (err) {
      // The database is gone (e.g. unreachable longer than the batch retries): say what happened in one line.
      const why = result.status === 'failed' ? `failed: ${result.error}` : `stopped after ${result.totalRows} rows`;
      throw new IngestError('FAILED', `import run ${runId} ${why}; its status could not be recorded (${err instanceof Error ? err.message : String(err)}). Batches already written are kept: run the same import again to resume`, { runId });
    }
    result.rowsPerSecond = Math.round(result.totalRows / Math.max((Date.now() - started) / 1000, 0.001));
    if (result.status === 'failed') throw new IngestError('FAILED', `import run ${runId} failed: ${result.error}`, { runId });
    return result;
  }

  private async process(kind: ImportKind, rows: PreparedSource, opts: ImportOptions, result: ImportRunResult, writes: BatchWrites): Promise<void> {
    const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
    const companies = new Map<string, string>();
    const lsh = new LshIndex();
    const heap = new HeapBudget();
    let batch: Prepared[] = [];
    // One batch is written while the next one is validated and prepared (CPU and database overlap);
    // writes stay strictly sequential.
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async () => {
      await inFlight;
      if (!batch.length) return;
      const current = batch;
      batch = [];
      heap.check(); // the written batches' rows are garbage now
      inFlight = writeOne(current);
      inFlight.catch(() => {}); // handled by the next await; avoids an unhandled-rejection crash meanwhile
    };
    const writeOne = async (current: Prepared[]) => {
      const write = (q: Query, copy?: CopyIn) => this.writeBatch(kind, q, current, companies, lsh, opts.source, copy);
      let counts: BatchCounts;
      for (let retry = 0; ; retry++) {
        try {
          counts =
            'transaction' in writes
              ? await write(writes.transaction.q, writes.transaction.copy)
              : await this.db.transaction((m) => write((sql, params) => m.query(sql, params), this.copyIn(m, writes.copySupported)));
          break;
        } catch (err) {
          // A lost connection rolled the batch's own transaction back: write it again on a new connection (the
          // upserts are idempotent, and counts are added only after a commit). --strict's single transaction is gone.
          if ('transaction' in writes || retry >= BATCH_RETRIES || !isConnectionLoss(err)) throw err;
          result.retriedBatches = (result.retriedBatches ?? 0) + 1;
          // Companies created in the rolled-back transaction do not exist: resolve them again.
          companies.clear();
          await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 2 ** retry));
        }
      }
      result.inserted += counts.inserted;
      result.updated += counts.updated;
      result.unchanged += counts.unchanged;
      result.duplicates += counts.duplicates;
      result.rejections.push(...counts.rejections);
      opts.onProgress?.(result.totalRows);
    };
    for await (const p of rows()) {
      result.totalRows++;
      if ('rejection' in p) {
        result.rejections.push(p.rejection);
        continue;
      }
      batch.push(p);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await inFlight;
    if (kind === 'jobs') result.nearDuplicateIndex = { jobs: lsh.size, bytes: lsh.bytes };
    result.collections = { count: heap.collections, ms: Math.round(heap.collectMs) };
    opts.onProgress?.(result.totalRows);
  }

  /**
   * COPY on the transaction's own connection, when the server has COPY FROM STDIN: PGlite (the embedded
   * database, also when reached through DATABASE_URL) does not, and a COPY there would kill the connection.
   */
  private copyIn(m: EntityManager, supported: boolean): CopyIn | undefined {
    if (!supported) return undefined;
    return async (target, text) => {
      const client = await m.queryRunner!.connect();
      await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${target} FROM STDIN`)));
    };
  }

  private copySupport?: Promise<boolean>;
  private supportsCopy(): Promise<boolean> {
    this.copySupport ??= this.db.query(`SELECT version() AS v`).then(([r]: Array<{ v: string }>) => !/PGlite/i.test(r?.v ?? ''));
    return this.copySupport;
  }

  private writeBatch(kind: ImportKind, q: Query, batch: Prepared[], companies: Map<string, string>, lsh: LshIndex, source: string, copy?: CopyIn): Promise<BatchCounts> {
    switch (kind) {
      case 'jobs':
        return writeJobs(q, batch as Lined<any>[], companies, lsh, copy);
      case 'candidates':
        return writeCandidates(q, batch as Lined<any>[]);
      case 'resumes':
        return writeResumes(q, batch as Lined<any>[]);
      case 'interactions':
        return writeInteractions(q, batch as Lined<any>[], source);
    }
  }

  /** What the row preparer needs: the currency rates table and the base currency (checked here). */
  private async preparerSettings(kind: ImportKind, source: string): Promise<PreparerSettings> {
    const rates = (await this.db.query(`SELECT currency, units_per_usd FROM currency_rates`)).map((r: { currency: string; units_per_usd: number }) => [r.currency.trim(), Number(r.units_per_usd)] as const);
    const base = this.config.baseCurrency;
    if (!rates.some(([c]: readonly [string, number]) => c === base)) throw new IngestError('INVALID_INPUT', `BASE_CURRENCY ${base} has no row in currency_rates`);
    return { kind, source, rates, base };
  }

  private async finish(r: ImportRunResult): Promise<void> {
    for (let i = 0; i < r.rejections.length; i += 1000) {
      const chunk = r.rejections.slice(i, i + 1000).map((x) => ({ run_id: r.id, line: x.line, field: x.field?.slice(0, 100) ?? null, reason: x.reason, raw: x.raw ?? null }));
      await this.db.query(
        `INSERT INTO import_rejections (run_id, line, field, reason, raw)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(run_id bigint, line integer, field text, reason text, raw text) ON CONFLICT DO NOTHING`,
        [JSON.stringify(chunk)],
      );
    }
    const [row] = await this.db.query(
      `UPDATE import_runs SET status = $2, total_rows = $3, inserted = $4, updated = $5, unchanged = $6, duplicates = $7, rejected = $8, error = $9, finished_at = now()
       WHERE id = $1 RETURNING finished_at`,
      [r.id, r.status, r.totalRows, r.inserted, r.updated, r.unchanged, r.duplicates, r.rejections.length, r.error],
    );
    r.finishedAt = row?.finished_at ?? new Date();
  }

  async listRuns(args: { offset?: number; limit?: number; kind?: ImportKind }): Promise<Page<ImportRunResult>> {
    const { offset, limit } = pageBounds(args);
    const where = args.kind ? 'WHERE kind = $3' : '';
    const params: unknown[] = [limit, offset, ...(args.kind ? [args.kind] : [])];
    const rows = await this.db.query(`SELECT * FROM import_runs ${where} ORDER BY id DESC LIMIT $1 OFFSET $2`, params);
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM import_runs ${args.kind ? 'WHERE kind = $1' : ''}`, args.kind ? [args.kind] : []);
    return { items: rows.map((r: any) => toRun(r, [])), totalCount: n };
  }

  async getRun(id: string): Promise<ImportRunResult> {
    if (!/^\d+$/.test(id)) throw new IngestError('NOT_FOUND', `import run ${id} not found`);
    const [row] = await this.db.query(`SELECT * FROM import_runs WHERE id = $1`, [id]);
    if (!row) throw new IngestError('NOT_FOUND', `import run ${id} not found`);
    const rej = await this.db.query(`SELECT line, field, reason, raw FROM import_rejections WHERE run_id = $1 ORDER BY line`, [id]);
    return toRun(row, rej);
  }
}

class StrictRollback extends Error {}

/** Batches go into one given transaction (--strict), or each into its own. */
type BatchWrites = { transaction: { q: Query; copy?: CopyIn } } | { copySupported: boolean };

function toRun(r: any, rejections: Rejection[]): ImportRunResult {
  return {
    id: String(r.id), kind: r.kind, sourceName: r.source_name, source: '', format: r.format, strict: r.strict, status: r.status,
    totalRows: r.total_rows, inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, duplicates: r.duplicates, rejected: r.rejected,
    error: r.error, startedAt: r.started_at, finishedAt: r.finished_at, rejections,
  };
}

/** Default source for a file: its base name without extension ("data/acme-jobs.jsonl" → "acme-jobs"). */
export function defaultSource(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.[^.]+$/, '') || 'import';
}
