/**
 * The one place that picks the TensorFlow.js backend: `@tensorflow/tfjs-node` when it is installed (native
 * libtensorflow), otherwise `@tensorflow/tfjs` on the wasm backend (SIMD, single thread), cpu as last resort.
 */
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;
let loading: Promise<Tf> | null = null;

export function loadTf(): Promise<Tf> {
  loading ??= (async () => {
    const nodeName = '@tensorflow/tfjs-node';
    try {
      const node = (await import(nodeName)) as Tf;
      await node.ready();
      return node;
    } catch {
      // not installed (its install needs a download that fails here): fall through to wasm
    }
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  return loading;
}

/**
 * Embedding lookup with a sparse gradient: tf.gather's gradient (UnsortedSegmentSum) is missing on wasm and
 * very slow on cpu, so the gradient is scattered into a dense table-shaped tensor in JS.
 */
export function embLookup(tf: Tf, table: TF.Tensor2D, idx: Int32Array): TF.Tensor2D {
  const idxT = tf.tensor1d(idx, 'int32');
  const f = tf.customGrad((t) => {
    const value = tf.gather(t as TF.Tensor2D, idxT) as TF.Tensor2D;
    return {
      value,
      gradFunc: (dy) => {
        const [rows, d] = (t as TF.Tensor2D).shape;
        const g = new Float32Array(rows * d);
        const dv = (dy as TF.Tensor).dataSync() as Float32Array;
        for (let k = 0; k < idx.length; k++) {
          const o = idx[k]! * d, q = k * d;
          for (let j = 0; j < d; j++) g[o + j]! += dv[q + j]!;
        }
        return tf.tensor2d(g, [rows, d]);
      },
    };
  });
  const out = f(table) as TF.Tensor2D;
  idxT.dispose();
  return out;
}
