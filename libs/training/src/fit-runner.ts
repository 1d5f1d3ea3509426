import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fitRecommender, RecsysError, type ProgressFn, type TrainingSnapshot } from '@app/recsys';
import { TrainingError, type TrainingErrorCode } from './training.errors.js';

export type StopReason = 'cancelled' | 'timeout';

export interface FitRequest {
  strategy: string;
  snapshot: TrainingSnapshot;
  params: Record<string, unknown>;
  /** Polled while fitting and at every progress callback; a reason stops the fit. */
  shouldStop: () => StopReason | null;
  onProgress: ProgressFn;
}

/** Repository root (the directory holding package.json), from this file in the sources or in dist/. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/dist') || dir.includes('/dist/')) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

/** The compiled worker script: next to this file when running from dist/, else the build in dist/. */
function workerScript(): string | null {
  const here = fileURLToPath(new URL('./fit-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = join(repoRoot(), 'dist/libs/training/src/fit-worker.js');
  return existsSync(built) ? built : null;
}

export function stopError(reason: StopReason): TrainingError {
  return reason === 'cancelled' ? new TrainingError('CANCELLED', 'training was cancelled') : new TrainingError('TIMEOUT', 'training exceeded its time limit and was stopped');
}

/** Recsys errors keep their code (unknown strategy, bad params, empty training set); others become TRAINING_FAILED. */
export function asTrainingError(err: unknown): TrainingError {
  if (err instanceof TrainingError) return err;
  const e = err as { code?: string; message?: string; details?: Record<string, unknown> };
  const known: TrainingErrorCode[] = ['UNKNOWN_STRATEGY', 'INVALID_PARAMS', 'EMPTY_TRAINING_SET', 'INVALID_INPUT'];
  if ((err instanceof RecsysError || e?.code) && known.includes(e.code as TrainingErrorCode)) return new TrainingError(e.code as TrainingErrorCode, e.message ?? String(err), e.details);
  return new TrainingError('TRAINING_FAILED', e?.message ?? String(err));
}

/**
 * Fits on a worker thread so that a long synchronous fit neither blocks this process (queue lock renewal,
 * API requests when the worker runs in the API process) nor escapes cancellation: on cancel or timeout the
 * thread is terminated. Without a compiled worker script it fits in this thread and stops at the next
 * progress callback instead.
 */
export async function runFit(req: FitRequest): Promise<Buffer> {
  const script = workerScript();
  if (!script) return runInThread(req);
  const worker = new Worker(script, { workerData: { strategy: req.strategy, snapshot: req.snapshot, params: req.params } });
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      fn();
    };
    const timer = setInterval(() => {
      const reason = req.shouldStop();
      if (reason) finish(() => { void worker.terminate(); reject(stopError(reason)); });
    }, 100);
    worker.on('message', (m: { kind: string; event?: Parameters<ProgressFn>[0]; artifact?: Uint8Array; code?: string; message?: string; details?: Record<string, unknown> }) => {
      if (m.kind === 'progress') {
        const reason = req.shouldStop();
        if (reason) return finish(() => { void worker.terminate(); reject(stopError(reason)); });
        req.onProgress(m.event!);
      } else if (m.kind === 'done') {
        finish(() => { void worker.terminate(); resolve(Buffer.from(m.artifact!.buffer, m.artifact!.byteOffset, m.artifact!.byteLength)); });
      } else if (m.kind === 'error') {
        finish(() => { void worker.terminate(); reject(asTrainingError({ code: m.code, message: m.message, details: m.details })); });
      }
    });
    worker.on('error', (err) => finish(() => reject(asTrainingError(err))));
    worker.on('exit', (code) => finish(() => reject(new TrainingError('TRAINING_FAILED', `training thread exited with code ${code}`))));
  });
}

async function runInThread(req: FitRequest): Promise<Buffer> {
  try {
    const model = await fitRecommender(req.strategy, req.snapshot, req.params, (e) => {
      const reason = req.shouldStop();
      if (reason) throw stopError(reason);
      req.onProgress(e);
    });
    const reason = req.shouldStop();
    if (reason) throw stopError(reason);
    return model.serialize();
  } catch (err) {
    throw asTrainingError(err);
  }
}
