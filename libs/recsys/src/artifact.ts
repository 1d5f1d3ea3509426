import { createHash } from 'node:crypto';
import { RecsysError } from './recsys.errors.js';

/**
 * Artifact layout (little endian):
 *   "MLRS" | u32 header length | header JSON (utf8) | payload (arrays, each 8-byte aligned) | sha256(all previous bytes)
 * The header holds { format, strategy, params, meta, arrays: [{ name, dtype, length, offset }] }.
 */
export const ARTIFACT_FORMAT_VERSION = 1;
const MAGIC = 'MLRS';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
type DType = 'f32' | 'f64' | 'i32' | 'u8';

export interface ArtifactContent {
  strategy: string;
  params: unknown;
  meta: Record<string, unknown>;
  arrays: Record<string, TypedArray>;
}

interface ArrayEntry { name: string; dtype: DType; length: number; offset: number }
interface Header { format: number; strategy: string; params: unknown; meta: Record<string, unknown>; arrays: ArrayEntry[] }

function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  return 'u8';
}
const BYTES: Record<DType, number> = { f32: 4, f64: 8, i32: 4, u8: 1 };

export function encodeArtifact(content: ArtifactContent): Buffer {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, arr] of Object.entries(content.arrays)) {
    entries.push({ name, dtype: dtypeOf(arr), length: arr.length, offset });
    offset += Math.ceil(arr.byteLength / 8) * 8;
  }
  const header: Header = { format: ARTIFACT_FORMAT_VERSION, strategy: content.strategy, params: content.params, meta: content.meta, arrays: entries };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad the header so the payload starts 8-byte aligned.
  const headerPadded = Math.ceil((8 + headerBytes.length) / 8) * 8 - 8;
  const total = 8 + headerPadded + offset + 32;
  const buf = Buffer.alloc(total, 0);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(headerPadded, 4);
  headerBytes.copy(buf, 8);
  buf.fill(0x20, 8 + headerBytes.length, 8 + headerPadded); // spaces: still valid JSON
  const base = 8 + headerPadded;
  for (const e of entries) {
    const arr = content.arrays[e.name]!;
    Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).copy(buf, base + e.offset);
  }
  createHash('sha256').update(buf.subarray(0, total - 32)).digest().copy(buf, total - 32);
  return buf;
}

export function decodeArtifact(buf: Uint8Array, expectedStrategy?: string): ArtifactContent {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 40 || b.toString('latin1', 0, 4) !== MAGIC) {
    throw new RecsysError('ARTIFACT_CORRUPT', 'artifact is not a recsys artifact (bad magic or too short)');
  }
  const headerLen = b.readUInt32LE(4);
  if (8 + headerLen + 32 > b.length) throw new RecsysError('ARTIFACT_CORRUPT', `artifact is truncated: header of ${headerLen} bytes does not fit in ${b.length} bytes`);
  let header: Header;
  try {
    header = JSON.parse(b.toString('utf8', 8, 8 + headerLen)) as Header;
  } catch {
    throw new RecsysError('ARTIFACT_CORRUPT', 'artifact header is not valid JSON');
  }
  if (header.format !== ARTIFACT_FORMAT_VERSION) {
    throw new RecsysError('ARTIFACT_VERSION_MISMATCH', `artifact format version ${String(header.format)} is not supported (expected ${ARTIFACT_FORMAT_VERSION})`, { format: header.format });
  }
  if (expectedStrategy !== undefined && header.strategy !== expectedStrategy) {
    throw new RecsysError('ARTIFACT_STRATEGY_MISMATCH', `artifact was trained by strategy "${header.strategy}", not "${expectedStrategy}"`, { strategy: header.strategy });
  }
  const base = 8 + headerLen;
  let payloadLen = 0;
  for (const e of header.arrays) payloadLen = Math.max(payloadLen, e.offset + Math.ceil((e.length * BYTES[e.dtype]) / 8) * 8);
  if (base + payloadLen + 32 !== b.length) {
    throw new RecsysError('ARTIFACT_CORRUPT', `artifact is truncated or has trailing bytes: expected ${base + payloadLen + 32} bytes, got ${b.length}`);
  }
  const digest = createHash('sha256').update(b.subarray(0, b.length - 32)).digest();
  if (!digest.equals(b.subarray(b.length - 32))) throw new RecsysError('ARTIFACT_CORRUPT', 'artifact checksum mismatch: the payload is corrupt');
  const arrays: Record<string, TypedArray> = {};
  for (const e of header.arrays) {
    const bytes = e.length * BYTES[e.dtype];
    const copy = new ArrayBuffer(bytes);
    new Uint8Array(copy).set(b.subarray(base + e.offset, base + e.offset + bytes));
    arrays[e.name] = e.dtype === 'f32' ? new Float32Array(copy) : e.dtype === 'f64' ? new Float64Array(copy) : e.dtype === 'i32' ? new Int32Array(copy) : new Uint8Array(copy);
  }
  return { strategy: header.strategy, params: header.params, meta: header.meta, arrays };
}

/** Peek at the strategy name without validating the payload (used by the generic loader). */
export function artifactStrategy(buf: Uint8Array): string {
  return decodeArtifact(buf).strategy;
}
