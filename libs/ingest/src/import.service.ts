import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { pageBounds, type Page } from '@app/pagination';
import { DataSource } from 'typeorm';
import { IngestError } from './ingest.errors.js';
import { prepareCandidate, prepareJob, prepareResume } from './prepare.js';
import { assertReadable, countLines, fileRows, formatFromPath, memoryRows, type CsvOptions, type FileFormat, type RowSource } from './readers.js';
import { candidateRowSchema, describeIssues, interactionRowSchema, jobRowSchema, resumeRowSchema, type ImportKind } from './schemas.js';
import { LshIndex, writeCandidates, writeInteractions, writeJobs, writeResumes, type BatchCounts, type Lined, type Query } from './writers.js';

export interface Rejection {
  line: number;
  field: string | null;
  reason: string;
  raw?: string | null;
}

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
const MAX_RAW = 2000;

type Prepared = { line: number; row: unknown };

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
    return this.importRows(kind, fileRows(path, format, opts.csv), { ...opts, source, sourceName: opts.sourceName ?? path, format });
  }

  /** Rows given in memory (GraphQL): at most MAX_GRAPHQL_ROWS; line = index + 1. */
  async importBatch(kind: ImportKind, rows: unknown[], opts: { source?: string; strict?: boolean }): Promise<ImportRunResult> {
    if (!Array.isArray(rows)) throw new IngestError('INVALID_INPUT', 'rows must be a JSON array of objects');
    if (rows.length > MAX_GRAPHQL_ROWS) throw new IngestError('INVALID_INPUT', `at most ${MAX_GRAPHQL_ROWS} rows per call (got ${rows.length}); use the CLI for files`);
    return this.importRows(kind, memoryRows(rows), { source: opts.source ?? 'api', sourceName: 'graphql', format: 'json', strict: opts.strict });
  }

  countLines = countLines;

  async importRows(kind: ImportKind, rows: RowSource, opts: ImportOptions): Promise<ImportRunResult> {
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
      const prepare = await this.preparer(kind, opts.source);
      if (strict) {
        // Pass 1: validate everything; any bad row → nothing is written.
        for await (const r of rows()) {
          result.totalRows++;
          const p = prepare(r);
          if ('rejection' in p) result.rejections.push(p.rejection);
        }
        if (!result.rejections.length) {
          result.totalRows = 0;
          await this.db.transaction(async (m) => {
            await this.process(kind, rows, prepare, opts, result, (sql, params) => m.query(sql, params));
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
        await this.process(kind, rows, prepare, opts, result);
      }
      if (result.status === 'running') result.status = 'completed';
    } catch (err) {
      result.status = 'failed';
      result.error = err instanceof Error ? err.message : String(err);
    }
    result.rejected = result.rejections.length;
    result.rejections.sort((a, b) => a.line - b.line);
    await this.finish(result);
    result.rowsPerSecond = Math.round(result.totalRows / Math.max((Date.now() - started) / 1000, 0.001));
    if (result.status === 'failed') throw new IngestError('FAILED', `import run ${runId} failed: ${result.error}`, { runId });
    return result;
  }

  private async process(kind: ImportKind, rows: RowSource, prepare: (r: { line: number; data?: Record<string, unknown>; error?: { field: string | null; reason: string }; raw?: string }) => Prepared | { rejection: Rejection }, opts: ImportOptions, result: ImportRunResult, tx?: Query): Promise<void> {
    const batchSize = opts.batchSize ?? 1000;
    const companies = new Map<string, string>();
    const lsh = new LshIndex();
    const seen = new Map<string, number>();
    let batch: Prepared[] = [];
    // One batch is written while the next one is validated and prepared (CPU and database overlap);
    // writes stay strictly sequential.
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async () => {
      await inFlight;
      if (!batch.length) return;
      const current = batch;
      batch = [];
      inFlight = writeOne(current);
      inFlight.catch(() => {}); // handled by the next await; avoids an unhandled-rejection crash meanwhile
    };
    const writeOne = async (current: Prepared[]) => {
      const write = (q: Query) => this.writeBatch(kind, q, current, companies, lsh, opts.source);
      const counts = tx ? await write(tx) : await this.db.transaction((m) => write((sql, params) => m.query(sql, params)));
      result.inserted += counts.inserted;
      result.updated += counts.updated;
      result.unchanged += counts.unchanged;
      result.duplicates += counts.duplicates;
      result.rejections.push(...counts.rejections);
      opts.onProgress?.(result.totalRows);
    };
    for await (const r of rows()) {
      result.totalRows++;
      const p = prepare(r);
      if ('rejection' in p) {
        result.rejections.push(p.rejection);
        continue;
      }
      const id = kind === 'interactions' ? null : (p.row as { external_id: string }).external_id;
      if (id !== null) {
        const first = seen.get(id);
        if (first !== undefined) {
          result.rejections.push({ line: p.line, field: 'external_id', reason: `external_id ${JSON.stringify(id)} repeats line ${first} of this import`, raw: r.raw?.slice(0, MAX_RAW) ?? null });
          continue;
        }
        seen.set(id, p.line);
      }
      batch.push(p);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await inFlight;
    opts.onProgress?.(result.totalRows);
  }

  private writeBatch(kind: ImportKind, q: Query, batch: Prepared[], companies: Map<string, string>, lsh: LshIndex, source: string): Promise<BatchCounts> {
    switch (kind) {
      case 'jobs':
        return writeJobs(q, batch as Lined<any>[], companies, lsh);
      case 'candidates':
        return writeCandidates(q, batch as Lined<any>[]);
      case 'resumes':
        return writeResumes(q, batch as Lined<any>[]);
      case 'interactions':
        return writeInteractions(q, batch as Lined<any>[], source);
    }
  }

  /** Validation (zod) + standardisation of one row, or its rejection. */
  private async preparer(kind: ImportKind, source: string) {
    const rates = new Map<string, number>((await this.db.query(`SELECT currency, units_per_usd FROM currency_rates`)).map((r: { currency: string; units_per_usd: number }) => [r.currency.trim(), Number(r.units_per_usd)]));
    const base = this.config.baseCurrency;
    if (!rates.has(base)) throw new IngestError('INVALID_INPUT', `BASE_CURRENCY ${base} has no row in currency_rates`);
    const currencies = new Set(rates.keys());
    const schema = kind === 'jobs' ? jobRowSchema(currencies) : kind === 'candidates' ? candidateRowSchema(currencies) : kind === 'resumes' ? resumeRowSchema : interactionRowSchema;
    const finish = (data: any): unknown => {
      switch (kind) {
        case 'jobs': return prepareJob(data, source, rates, base);
        case 'candidates': return prepareCandidate(data, source, rates, base);
        case 'resumes': return prepareResume(data, source);
        case 'interactions': return data;
      }
    };
    return (r: { line: number; data?: Record<string, unknown>; error?: { field: string | null; reason: string }; raw?: string }): Prepared | { rejection: Rejection } => {
      const raw = r.raw !== undefined ? r.raw.slice(0, MAX_RAW) : r.data ? JSON.stringify(r.data).slice(0, MAX_RAW) : null;
      if (r.error || !r.data) return { rejection: { line: r.line, field: r.error?.field ?? null, reason: r.error?.reason ?? 'empty row', raw } };
      const parsed = schema.safeParse(r.data);
      if (!parsed.success) return { rejection: { line: r.line, ...describeIssues(parsed.error), raw } };
      return { line: r.line, row: finish(parsed.data) };
    };
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
