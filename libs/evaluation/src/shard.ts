import { Worker } from 'node:worker_threads';
import { mergePerUser } from './aggregate.js';
import { EvaluationError } from './evaluation.errors.js';
import { evaluateEncoded, type EncodedDataset, type KernelOptions, type PerUserValues } from './kernel.js';
import { fnv1a } from './rng.js';

/** Stable shard of a user id (FNV-1a of the id modulo the shard count). */
export function shardOfUser(userId: string, shards: number): number {
  return fnv1a(userId) % shards;
}

/** Splits user indices into shards by user id; each shard lists its users in index order. */
export function partitionUsers(userIds: readonly string[] | number, shards: number): Int32Array[] {
  if (!Number.isInteger(shards) || shards < 1) throw new EvaluationError('INVALID_INPUT', 'shards must be >= 1');
  const n = typeof userIds === 'number' ? userIds : userIds.length;
  const shardOf = (u: number): number => (typeof userIds === 'number' ? fnv1a(String(u)) % shards : shardOfUser(userIds[u]!, shards));
  const counts = new Int32Array(shards);
  const of = new Int32Array(n);
  for (let u = 0; u < n; u++) counts[(of[u] = shardOf(u))]!++;
  const out = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(shards);
  for (let u = 0; u < n; u++) out[of[u]!]![fill[of[u]!]!++] = u;
  return out;
}

/** Evaluates shards one after another in this thread and merges them (the reference for the parallel path). */
export function evaluateShardsInProcess(ds: EncodedDataset, opts: KernelOptions, shards: Int32Array[]): PerUserValues {
  return mergePerUser(shards.map((users) => evaluateEncoded(ds, opts, users)));
}

type Transferable = Omit<KernelOptions, 'userName' | 'itemName' | 'onProgress' | 'signal'>;

function toShared<T extends Int32Array | Float64Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const copy = new Ctor(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

/** Copies the dataset into SharedArrayBuffers (once) so worker threads read it without copying. */
export function shareDataset(ds: EncodedDataset): EncodedDataset {
  return {
    numUsers: ds.numUsers,
    numItems: ds.numItems,
    rankOffsets: toShared(ds.rankOffsets),
    rankItems: toShared(ds.rankItems),
    rankScores: ds.rankScores && toShared(ds.rankScores),
    relOffsets: toShared(ds.relOffsets),
    relItems: toShared(ds.relItems),
    relGrades: ds.relGrades && toShared(ds.relGrades),
  };
}

/**
 * Evaluates the shards on `workers` worker threads (each takes the next shard when free) and merges the
 * per-user vectors in global user order: the result equals `evaluateEncoded(ds, opts)` bit for bit.
 * Needs the compiled build (the worker script is shard-worker.js next to this file).
 */
export async function evaluateSharded(ds: EncodedDataset, opts: KernelOptions, shards: Int32Array[], workers = 2): Promise<PerUserValues> {
  const shared = shareDataset(ds);
  const { userName: _u, itemName: _i, onProgress: _p, signal: _s, ...plain } = opts;
  const options: Transferable = plain;
  const results: PerUserValues[] = new Array(shards.length);
  let next = 0;
  const url = new URL('./shard-worker.js', import.meta.url);
  const pool = Array.from({ length: Math.min(workers, shards.length) }, () => new Worker(url, { workerData: { ds: shared, options } }));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const take = (): void => {
              if (next >= shards.length) return resolve();
              const s = next++;
              w.once('message', (msg: { ok: true; result: PerUserValues } | { ok: false; code: string; message: string; details?: Record<string, unknown> }) => {
                if (!msg.ok) return reject(new EvaluationError(msg.code as 'INVALID_INPUT', msg.message, msg.details));
                results[s] = msg.result;
                take();
              });
              w.postMessage({ users: shards[s] });
            };
            w.once('error', reject);
            take();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return mergePerUser(results);
}
