import { parentPort, workerData } from 'node:worker_threads';
import { fitRecommender } from '@app/recsys';

/** Worker thread: fits one strategy on the snapshot it is given, streams progress, returns the artifact bytes. */
const { strategy, snapshot, params } = workerData as { strategy: string; snapshot: never; params: Record<string, unknown> };
try {
  const model = await fitRecommender(strategy, snapshot, params, (e) => parentPort!.postMessage({ kind: 'progress', event: e }));
  const bytes = new Uint8Array(model.serialize());
  parentPort!.postMessage({ kind: 'done', artifact: bytes }, [bytes.buffer]);
} catch (err) {
  const e = err as { code?: string; name?: string; message?: string; details?: unknown };
  parentPort!.postMessage({ kind: 'error', name: e.name, code: e.code, message: e.message ?? String(err), details: e.details });
}
