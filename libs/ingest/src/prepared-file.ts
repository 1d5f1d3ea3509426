import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PreparedChunk, PrepareWorkerData, PrepareWorkerInput, PrepareWorkerMessage } from './prepare.worker.js';
import { fileRows, type CsvOptions, type FileFormat } from './readers.js';
import { preparedInProcess, type PreparedItem, type PreparedSource, type PreparerSettings } from './row-preparer.js';

const WORKER_URL = new URL('./prepare.worker.js', import.meta.url);
/** Chunks the worker may have posted ahead of the importing thread. */
const MAX_CHUNKS_AHEAD = 8;
const CHUNK_SIZE = 250;
/** Old-generation heap of a row module's worker (measured: ~40 MB live while parsing a 40,000-job feed). */
const ROW_WORKER_HEAP_MB = 128;

/**
 * Prepared rows of a file: read and prepared on a worker thread, so that on a multi-core machine parsing
 * and standardisation overlap with the database writes on the importing thread. Falls back to this thread
 * when the compiled worker is absent (tests running from TypeScript sources) or the CSV options hold a
 * function (a header mapper cannot cross threads).
 */
export function preparedFileRows(path: string, format: FileFormat, csv: CsvOptions | undefined, settings: PreparerSettings): PreparedSource {
  const workerFile = WORKER_URL.protocol === 'file:' ? fileURLToPath(WORKER_URL) : null;
  if (!workerFile || !existsSync(workerFile) || csv?.columns) return preparedInProcess(fileRows(path, format, csv), settings);
  const { columns: _columns, ...plainCsv } = csv ?? {};
  return () => workerRows(workerFile, { settings, file: { path, format, csv: plainCsv }, chunkSize: CHUNK_SIZE });
}

/**
 * Rows made in the import worker by a row module (see `WorkerRowFactory` in prepare.worker.ts): the module is loaded
 * in the worker, reads the bytes this thread pulls from `input` (one chunk ahead of the parser) and its rows are
 * prepared there, so parsing and standardisation overlap with the database writes on this thread.
 */
export interface WorkerRowsSpec {
  /** File URL of a compiled ES module (`import.meta.url` of the module that exports `exportName`). */
  module: string;
  exportName: string;
  /** Structured-cloneable arguments of the export. */
  args: unknown;
  /** The bytes (a file, an HTTP body), read on this thread. */
  input: () => AsyncIterable<Buffer | Uint8Array | string>;
  /** The worker's `result()` once its rows are done (not called when the import stops early). */
  onResult?: (result: unknown) => void;
}

/** The compiled worker, when it and the row module can run in a worker (not under ts-jest, which runs .ts sources). */
export function rowWorkerFile(module: string): string | null {
  const workerFile = WORKER_URL.protocol === 'file:' ? fileURLToPath(WORKER_URL) : null;
  if (!workerFile || !existsSync(workerFile) || !module.startsWith('file:') || !module.endsWith('.js') || !existsSync(fileURLToPath(module))) return null;
  return workerFile;
}

export function preparedWorkerRows(workerFile: string, spec: WorkerRowsSpec, settings: PreparerSettings): PreparedSource {
  return () => workerRows(workerFile, { settings, rows: { module: spec.module, exportName: spec.exportName, args: spec.args }, chunkSize: CHUNK_SIZE }, spec);
}

/** Gives each row views of its signature and bands in the chunk's packed arrays. */
function unpack(m: PreparedChunk): void {
  const { signatures, bands, signatureLength = 0, bandCount = 0 } = m;
  m.items.forEach((it, i) => {
    if (!('row' in it)) return;
    const row = it.row as { minhash?: ArrayLike<number>; lsh_bands?: ArrayLike<number> };
    if (!('minhash' in row)) return;
    row.minhash = signatures!.subarray(i * signatureLength, (i + 1) * signatureLength);
    row.lsh_bands = bands!.subarray(i * bandCount, (i + 1) * bandCount);
  });
}

async function* workerRows(file: string, data: PrepareWorkerData, spec?: WorkerRowsSpec): AsyncGenerator<PreparedItem> {
  // A row module's worker (a feed) runs with a capped heap, so V8 collects its garbage (parsed text, sanitised HTML,
  // prepared rows: all short-lived) instead of letting the heap grow with the feed; what it keeps for the run (ids
  // for expiry and repeat detection, ~110 bytes per job) fits the cap up to ~800,000 jobs.
  const worker = new Worker(file, { workerData: data, ...(data.rows ? { resourceLimits: { maxOldGenerationSizeMb: ROW_WORKER_HEAP_MB } } : {}) });
  const input = spec?.input()[Symbol.asyncIterator]();
  // One input chunk per pull: the worker asks for the next chunk when it starts parsing the previous one.
  const pump = async () => {
    let message: PrepareWorkerInput;
    const transfer: ArrayBuffer[] = [];
    try {
      const next = await input!.next();
      if (next.done) message = { inputEnd: true };
      else {
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        const copy = new Uint8Array(chunk.byteLength); // a transferable buffer of its own (stream chunks may share a pool)
        copy.set(chunk);
        transfer.push(copy.buffer);
        message = { input: copy };
      }
    } catch (err) {
      message = { inputError: err instanceof Error ? err.message : String(err) };
    }
    try {
      worker.postMessage(message, transfer);
    } catch {
      // the worker is gone (terminated after a failure); nothing to feed
    }
  };
  const queue: Array<Exclude<PrepareWorkerMessage, { pull: true }>> = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: PrepareWorkerMessage) => {
    if ('pull' in m) {
      void pump();
      return;
    }
    queue.push(m);
    notify();
  });
  worker.on('error', (err) => {
    failure = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`the import worker ran out of its ${ROW_WORKER_HEAP_MB} MB heap (${err.message})`) : err;
    notify();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !failure) failure = new Error(`import worker exited with code ${code}`);
    notify();
  });
  worker.postMessage({ credit: MAX_CHUNKS_AHEAD });
  try {
    for (;;) {
      const m = queue.shift();
      if (!m) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('error' in m) throw new Error(m.error);
      if ('done' in m) {
        spec?.onResult?.(m.result);
        return;
      }
      worker.postMessage({ credit: 1 });
      if (m.signatures) unpack(m);
      for (let i = 0; i < m.items.length; i++) {
        // Let the in-flight batch's query replies in between (async-generator steps are microtasks).
        if (i % 32 === 31) await new Promise<void>((resolve) => setImmediate(resolve));
        yield m.items[i]!;
      }
    }
  } finally {
    await worker.terminate();
    void input?.return?.()?.catch(() => {}); // closes the file / HTTP body (not awaited: a pending read may be slow)
  }
}
