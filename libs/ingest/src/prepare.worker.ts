/**
 * Worker thread of an import: reads rows (a file, or a row module's rows over bytes the importing thread sends,
 * e.g. an XML feed) and validates/standardises them (the CPU-heavy part: parsing, zod, normalisation, skills,
 * MinHash), posting prepared rows to the importing thread in chunks. The importing thread grants credit per chunk
 * so a fast reader never runs far ahead of the writes; input bytes are pulled one chunk ahead, so a fast source
 * never runs far ahead of the parser either.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileRows, type CsvOptions, type FileFormat, type RowSource } from './readers.js';
import { rowPreparer, type PreparedItem, type PreparerSettings } from './row-preparer.js';

/** What a row module's export returns in the worker: its rows, and what to send back when they are done. */
export interface WorkerRowSource {
  rows: RowSource;
  /** Called after the last row; the value (structured-cloneable) goes to the importing thread's `onResult`. */
  result?: () => unknown;
}
/** A row module's export: `(args, input) => WorkerRowSource`, where input is the bytes the importing thread reads. */
export type WorkerRowFactory = (args: any, input: AsyncIterable<Buffer>) => WorkerRowSource;

export interface PrepareWorkerData {
  settings: PreparerSettings;
  chunkSize: number;
  /** A file the worker reads itself. */
  file?: { path: string; format: FileFormat; csv: Omit<CsvOptions, 'columns'> };
  /** Or rows from `exportName` of the ES module at `module` (a file URL), fed with bytes pulled from the importing thread. */
  rows?: { module: string; exportName: string; args: unknown };
}
/** Importing thread → worker. */
export type PrepareWorkerInput = { credit: number } | { input: Uint8Array } | { inputEnd: true } | { inputError: string };
/**
 * A chunk of prepared rows. Job signatures and band keys travel packed in two transferred typed arrays
 * (row i's signature at i × signatureLength) instead of as 160 cloned numbers per row.
 */
export interface PreparedChunk {
  items: PreparedItem[];
  signatures?: Uint32Array<ArrayBuffer>;
  bands?: Float64Array<ArrayBuffer>;
  signatureLength?: number;
  bandCount?: number;
}
export type PrepareWorkerMessage = PreparedChunk | { done: true; result?: unknown } | { error: string } | { pull: true };

type WithSignature = { minhash?: ArrayLike<number>; lsh_bands?: ArrayLike<number> };

/** Moves the rows' signatures and bands into packed arrays (rows keep `undefined`). */
function pack(items: PreparedItem[]): PreparedChunk {
  const rows = items.flatMap((it) => ('row' in it && (it.row as WithSignature).minhash ? [it.row as WithSignature] : []));
  if (!rows.length) return { items };
  const signatureLength = rows[0]!.minhash!.length;
  const bandCount = rows[0]!.lsh_bands!.length;
  const signatures = new Uint32Array(items.length * signatureLength);
  const bands = new Float64Array(items.length * bandCount);
  items.forEach((it, i) => {
    if (!('row' in it)) return;
    const row = it.row as WithSignature;
    if (!row.minhash) return;
    signatures.set(row.minhash, i * signatureLength);
    bands.set(row.lsh_bands!, i * bandCount);
    row.minhash = undefined;
    row.lsh_bands = undefined;
  });
  return { items, signatures, bands, signatureLength, bandCount };
}

const port = parentPort!;
const data = workerData as PrepareWorkerData;
let credit = 0;
let wake: (() => void) | null = null;
const inputs: Array<Exclude<PrepareWorkerInput, { credit: number }>> = [];
let inputWake: (() => void) | null = null;
port.on('message', (m: PrepareWorkerInput) => {
  if ('credit' in m) {
    credit += m.credit;
    wake?.();
    wake = null;
    return;
  }
  inputs.push(m);
  inputWake?.();
  inputWake = null;
});

/** The bytes the importing thread reads, one chunk pulled ahead. */
async function* pulledInput(): AsyncGenerator<Buffer> {
  port.postMessage({ pull: true } satisfies PrepareWorkerMessage);
  for (;;) {
    while (!inputs.length) await new Promise<void>((resolve) => (inputWake = resolve));
    const m = inputs.shift()!;
    if ('inputEnd' in m) return;
    if ('inputError' in m) throw new Error(m.inputError);
    port.postMessage({ pull: true } satisfies PrepareWorkerMessage);
    yield Buffer.from(m.input.buffer, m.input.byteOffset, m.input.byteLength);
  }
}

async function run(): Promise<void> {
  const prepare = rowPreparer(data.settings);
  let source: WorkerRowSource;
  if (data.rows) {
    const factory = (await import(data.rows.module))[data.rows.exportName] as WorkerRowFactory | undefined;
    if (typeof factory !== 'function') throw new Error(`${data.rows.module} has no export ${data.rows.exportName}`);
    source = factory(data.rows.args, pulledInput());
  } else source = { rows: fileRows(data.file!.path, data.file!.format, data.file!.csv) };
  let chunk: PreparedItem[] = [];
  const send = async () => {
    while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    const message = pack(chunk);
    port.postMessage(message, message.signatures ? [message.signatures.buffer, message.bands!.buffer] : []);
    chunk = [];
  };
  for await (const r of source.rows()) {
    chunk.push(prepare(r));
    if (chunk.length >= data.chunkSize) await send();
  }
  if (chunk.length) await send();
  port.postMessage({ done: true, result: source.result?.() } satisfies PrepareWorkerMessage);
}

run().catch((err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies PrepareWorkerMessage));
