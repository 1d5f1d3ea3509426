import { parentPort, workerData } from 'node:worker_threads';
import { EvaluationError } from './evaluation.errors.js';
import { evaluateEncoded, type EncodedDataset, type KernelOptions } from './kernel.js';

/** Worker thread: evaluates the shards (user index lists) it is sent over the shared dataset. */
const { ds, options } = workerData as { ds: EncodedDataset; options: KernelOptions };
parentPort!.on('message', ({ users }: { users: Int32Array }) => {
  try {
    const result = evaluateEncoded(ds, options, users);
    parentPort!.postMessage({ ok: true, result }, [result.values.buffer as ArrayBuffer, result.bestPosition.buffer as ArrayBuffer]);
  } catch (err) {
    const e = err as EvaluationError;
    parentPort!.postMessage({ ok: false, code: e.code ?? 'INVALID_INPUT', message: e.message, details: e.details });
  }
});
