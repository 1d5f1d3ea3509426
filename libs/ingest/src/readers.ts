import { createReadStream } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { IngestError } from './ingest.errors.js';

/** One input row: its 1-based line number and either the parsed object or why it could not be parsed. */
export interface SourceRow {
  line: number;
  data?: Record<string, unknown>;
  error?: { field: string | null; reason: string };
  raw?: string;
}
/** A re-iterable row source (strict mode reads it twice: validate, then import). */
export type RowSource = () => AsyncIterable<SourceRow>;
export type FileFormat = 'jsonl' | 'csv';

export function formatFromPath(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  throw new IngestError('INVALID_INPUT', `cannot tell the format of ${path} from its extension; pass --format jsonl|csv`);
}

/** CSV headers → field names: "Salary Min" / "salary.min" → salary_min. */
export function fieldName(header: string): string {
  return header.trim().toLowerCase().replace(/[\s.\-]+/g, '_');
}

export async function assertReadable(path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new IngestError('NOT_FOUND', `file not found: ${path}`);
  }
}

/** Rows of a JSON-lines file (blank lines skipped; a line that is not a JSON object is a bad row). */
export function jsonlRows(path: string): RowSource {
  return async function* () {
    const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    let line = 0;
    for await (const text of rl) {
      line++;
      if (!text.trim()) continue;
      yield parseJsonLine(text, line);
    }
  };
}

export function parseJsonLine(text: string, line: number): SourceRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { line, raw: text, error: { field: null, reason: `malformed JSON: ${(err as Error).message}` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { line, raw: text, error: { field: null, reason: 'expected a JSON object' } };
  return { line, raw: text, data: value as Record<string, unknown> };
}

export interface CsvOptions {
  delimiter?: string;
  /** Map the CSV's own headers to field names (default: fieldName). */
  columns?: (header: string) => string;
  encoding?: BufferEncoding;
}

/** Rows of a CSV file, streamed by csv-parse; line = the line where the record starts (header = line 1). */
export function csvRows(path: string, opts: CsvOptions = {}): RowSource {
  return async function* () {
    const parser = createReadStream(path, { encoding: opts.encoding ?? 'utf8' }).pipe(
      parse({
        columns: (headers: string[]) => headers.map(opts.columns ?? fieldName),
        delimiter: opts.delimiter ?? ',',
        bom: true,
        info: true,
        raw: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
      }),
    );
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; raw: string; info: { lines: number; error?: unknown; columns?: unknown[] } }>) {
      const newlines = (rec.raw.replace(/\r?\n$/, '').match(/\n/g) ?? []).length;
      const line = rec.info.lines - newlines;
      if (rec.info.error) {
        const expected = Array.isArray(rec.info.columns) ? rec.info.columns.length : 0;
        yield { line, raw: rec.raw, error: { field: null, reason: `row has ${Object.keys(rec.record).length} fields, the header has ${expected}` } };
        continue;
      }
      yield { line, raw: rec.raw.replace(/\r?\n$/, ''), data: rec.record };
    }
  };
}

export function fileRows(path: string, format: FileFormat, csv: CsvOptions = {}): RowSource {
  return format === 'csv' ? csvRows(path, csv) : jsonlRows(path);
}

/** Rows given in memory (GraphQL): line = index + 1. */
export function memoryRows(rows: readonly unknown[]): RowSource {
  return async function* () {
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i];
      if (typeof v !== 'object' || v === null || Array.isArray(v)) yield { line: i + 1, error: { field: null, reason: 'expected a JSON object' } };
      else yield { line: i + 1, data: v as Record<string, unknown> };
    }
  };
}

/** Number of newline characters in a file: a cheap upper bound of its rows for the progress bar. */
export async function countLines(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (!bytesRead) break;
      for (let i = 0; i < bytesRead; i++) if (buf[i] === 10) n++;
    }
    return n;
  } finally {
    await fh.close();
  }
}
