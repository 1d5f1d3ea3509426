import { prepareCandidate, prepareJob, prepareResume } from './prepare.js';
import type { RowSource, SourceRow } from './readers.js';
import { candidateRowSchema, describeIssues, interactionRowSchema, jobRowSchema, resumeRowSchema, type ImportKind } from './schemas.js';

/** A rejected input row: its line, the field at fault (if one) and why, with the start of the raw text. */
export interface Rejection {
  line: number;
  field: string | null;
  reason: string;
  raw?: string | null;
}

/** A row ready to write (validated, standardised), or why it was rejected. */
export type PreparedItem = { line: number; row: unknown } | { rejection: Rejection };
/** A re-iterable source of prepared rows, in input order. */
export type PreparedSource = () => AsyncIterable<PreparedItem>;

export interface PreparerSettings {
  kind: ImportKind;
  /** The rows' source (first half of their identity). */
  source: string;
  /** Units per USD by currency code. */
  rates: ReadonlyArray<readonly [string, number]>;
  base: string;
}

export const MAX_RAW = 2000;

/**
 * Validation (zod) and standardisation of one import's rows, in order. Stateful: a row whose external id
 * repeats an earlier line of the same import is rejected. Pure (no I/O), so it runs in a worker thread too.
 */
export function rowPreparer(settings: PreparerSettings): (r: SourceRow) => PreparedItem {
  const { kind, source, base } = settings;
  const rates = new Map(settings.rates);
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
  const seen = new Map<string, number>();
  return (r) => {
    const raw = () => (r.raw !== undefined ? r.raw.slice(0, MAX_RAW) : r.data ? JSON.stringify(r.data).slice(0, MAX_RAW) : null);
    if (r.error || !r.data) return { rejection: { line: r.line, field: r.error?.field ?? null, reason: r.error?.reason ?? 'empty row', raw: raw() } };
    const parsed = schema.safeParse(r.data);
    if (!parsed.success) return { rejection: { line: r.line, ...describeIssues(parsed.error), raw: raw() } };
    if (kind !== 'interactions') {
      const id = (parsed.data as { external_id: string }).external_id;
      const first = seen.get(id);
      if (first !== undefined) return { rejection: { line: r.line, field: 'external_id', reason: `external_id ${JSON.stringify(id)} repeats line ${first} of this import`, raw: raw() } };
      seen.set(id, r.line);
    }
    return { line: r.line, row: finish(parsed.data) };
  };
}

/** Prepares rows on this thread (small in-memory batches, or when no worker can be used). */
export function preparedInProcess(rows: RowSource, settings: PreparerSettings): PreparedSource {
  return async function* () {
    const prepare = rowPreparer(settings);
    let sinceYield = 0;
    for await (const r of rows()) {
      // Preparing is synchronous and a file's lines arrive as microtasks: yield now and then so the
      // in-flight batch's query replies are not held until the reader drains its buffer.
      if (++sinceYield === 16) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      yield prepare(r);
    }
  };
}
