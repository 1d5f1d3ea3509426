import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PreparedChunk, PrepareWorkerData, PrepareWorkerMessage } from './prepare.worker.js';
import { fileRows, type CsvOptions, type FileFormat } from './readers.js';
import { preparedInProcess, type PreparedItem, type PreparedSource, type PreparerSettings } from './row-preparer.js';

const WORKER_URL = new URL('./prepare.worker.js', import.meta.url);
/** Chunks the worker may have posted ahead of the importing thread. */
const MAX_CHUNKS_AHEAD = 8;
const CHUNK_SIZE = 250;

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
  return () => workerRows(workerFile, { settings, path, format, csv: plainCsv, chunkSize: CHUNK_SIZE });
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

async function* workerRows(file: string, data: PrepareWorkerData): AsyncGenerator<PreparedItem> {
  const worker = new Worker(file, { workerData: data });
  const queue: PrepareWorkerMessage[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: PrepareWorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (err) => {
    failure = err;
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
      if ('done' in m) return;
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
  }
}
