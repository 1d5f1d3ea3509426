/**
 * Worker thread of a file import: reads the file and validates/standardises its rows (the CPU-heavy part:
 * parsing, zod, normalisation, skills, MinHash), posting prepared rows to the importing thread in chunks.
 * The importing thread grants credit per chunk so a fast reader never runs far ahead of the writes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileRows, type CsvOptions, type FileFormat } from './readers.js';
import { rowPreparer, type PreparedItem, type PreparerSettings } from './row-preparer.js';

export interface PrepareWorkerData {
  settings: PreparerSettings;
  path: string;
  format: FileFormat;
  csv: Omit<CsvOptions, 'columns'>;
  chunkSize: number;
}
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
export type PrepareWorkerMessage = PreparedChunk | { done: true } | { error: string };

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
port.on('message', (m: { credit: number }) => {
  credit += m.credit;
  wake?.();
  wake = null;
});

async function run(): Promise<void> {
  const prepare = rowPreparer(data.settings);
  let chunk: PreparedItem[] = [];
  const send = async () => {
    while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    const message = pack(chunk);
    port.postMessage(message, message.signatures ? [message.signatures.buffer, message.bands!.buffer] : []);
    chunk = [];
  };
  for await (const r of fileRows(data.path, data.format, data.csv)()) {
    chunk.push(prepare(r));
    if (chunk.length >= data.chunkSize) await send();
  }
  if (chunk.length) await send();
  port.postMessage({ done: true } satisfies PrepareWorkerMessage);
}

run().catch((err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies PrepareWorkerMessage));
