import { SaxesParser } from 'saxes';
import type { RowSource, SourceRow, WorkerRowSource } from '@app/ingest';
import { applyMapping, type FieldMapping } from './mapping.js';
import { finishJobRow } from './normalize.js';

/** One `<job>` of a feed: its first line and its child elements' text (CDATA included), by element name. */
export interface XmlJobRecord {
  line: number;
  fields: Record<string, string>;
}

/** The common job-board feed shape: `<source><job><title>…</title><referencenumber>…</referencenumber>…</job></source>`. */
export const XML_FEED_MAPPING: FieldMapping = {
  external_id: ['referencenumber', 'id', 'guid', 'url'],
  title: 'title',
  company: 'company',
  description: 'description',
  city: 'city',
  region: 'state',
  country: 'country',
  employment_type: 'jobtype',
  posted_at: 'date',
  expires_at: ['expirationdate', 'validthrough'],
  location: 'location',
  remote: 'remote',
};

const MAX_FIELD_CHARS = 1_000_000;
const XML_PIECE = 64 * 1024;

/**
 * Streams `<job>` records out of an XML feed with saxes: memory holds one input chunk and the jobs completed in it,
 * never the document, so a 200 MB feed runs in constant memory. A malformed document stops with the parser's
 * error (line and column) after every job before the fault has been yielded.
 */
export async function* xmlJobRecords(input: AsyncIterable<Buffer | string>, jobElement = 'job'): AsyncGenerator<XmlJobRecord> {
  const parser = new SaxesParser({ position: true });
  const done: XmlJobRecord[] = [];
  let job: XmlJobRecord | null = null;
  let depth = 0; // depth inside the current job
  let field: string | null = null;
  let text = '';
  let failure: Error | null = null;
  const append = (t: string) => {
    if (field !== null && text.length < MAX_FIELD_CHARS) text += t;
  };
  parser.on('opentag', (tag) => {
    const name = tag.name.toLowerCase();
    if (!job) {
      if (name === jobElement) {
        job = { line: parser.line, fields: {} };
        depth = 0;
      }
      return;
    }
    depth++;
    if (depth === 1) {
      field = name;
      text = '';
    }
  });
  parser.on('text', append);
  parser.on('cdata', append);
  parser.on('closetag', (tag) => {
    if (!job) return;
    if (depth === 0 && tag.name.toLowerCase() === jobElement) {
      done.push(job);
      job = null;
      return;
    }
    if (depth === 1 && field !== null) {
      job.fields[field] = text.trim();
      field = null;
    }
    depth--;
  });
  parser.on('error', (err) => {
    failure ??= err;
  });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input) {
    // Decoded and parsed in pieces of at most 64 KB: a string over V8's 128 KB regular-object limit is allocated in
    // large-object space (old generation) and lingers until a full GC; smaller ones die young in a scavenge.
    for (let i = 0; i < chunk.length; i += XML_PIECE) {
      parser.write(typeof chunk === 'string' ? chunk.slice(i, i + XML_PIECE) : decoder.decode(chunk.subarray(i, i + XML_PIECE), { stream: true }));
      yield* done.splice(0);
      if (failure) throw failure;
    }
  }
  parser.write(decoder.decode()).close();
  yield* done.splice(0);
  if (failure) throw failure;
}

/** What a sync learns while the importer reads its rows: the ids seen (for expiry) and whether the feed was cut short. */
export interface FeedState {
  fetched: number;
  ids: Set<string>;
  /** Why the source could not be read to its end (then nothing is expired). */
  truncated?: string;
}

export const newFeedState = (): FeedState => ({ fetched: 0, ids: new Set() });

/** Rows for the importer from an XML feed opened by `open`. A malformed document ends the rows with one rejection. */
export function xmlFeedRows(open: () => AsyncIterable<Buffer | string>, mapping: FieldMapping = {}, state: FeedState = newFeedState()): RowSource {
  return async function* () {
    let last = 0;
    try {
      for await (const rec of xmlJobRecords(open())) {
        last = rec.line;
        const row = finishJobRow(applyMapping(rec.fields, XML_FEED_MAPPING, mapping), mapping.salary_min ? undefined : rec.fields.salary);
        state.fetched++;
        if (row.external_id !== undefined) state.ids.add(String(row.external_id));
        yield { line: rec.line, data: row } satisfies SourceRow;
      }
    } catch (err) {
      state.truncated = `malformed XML: ${(err as Error).message}`;
      yield { line: last + 1, error: { field: null, reason: state.truncated } } satisfies SourceRow;
    }
  };
}

/** What the import worker sends back after an XML feed's rows: the feed state (ids as an array, for expiry). */
export interface FeedResult {
  fetched: number;
  ids: string[];
  truncated?: string;
}

/** This module's URL, for ImportService's worker (`worker.module`). */
export const XML_FEED_MODULE = import.meta.url;

/**
 * Runs in the import worker thread (`WorkerRowFactory`): rows of an XML feed whose bytes the importing thread reads
 * and sends (`input`), so parsing, mapping, sanitising and preparing overlap with the database writes.
 */
export function xmlFeedWorkerRows(args: { mapping: FieldMapping }, input: AsyncIterable<Buffer>): WorkerRowSource {
  const state = newFeedState();
  let used = false;
  const rows = xmlFeedRows(() => {
    if (used) throw new Error('a feed can be read once per import');
    used = true;
    return input;
  }, args.mapping, state);
  return { rows, result: (): FeedResult => ({ fetched: state.fetched, ids: [...state.ids], ...(state.truncated ? { truncated: state.truncated } : {}) }) };
}

/** Applies a worker's FeedResult to the sync's FeedState. */
export function applyFeedResult(state: FeedState, r: FeedResult): void {
  state.fetched = r.fetched;
  state.ids = new Set(r.ids);
  if (r.truncated) state.truncated = r.truncated;
}
