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

/**
 * Weighted sum of table rows per output row, computed in JS (tf.gather over many indices is slow on wasm):
 * out[b] = Σ_t w[b·L + t] · table[idx[b·L + t]], with the matching sparse gradient scattered into the table.
 */
export function pooledLookup(tf: Tf, table: TF.Tensor2D, idx: Int32Array, w: Float32Array | null, rowsOut: number): TF.Tensor2D {
  const L = idx.length / rowsOut;
  const f = tf.customGrad((t) => {
    const [rows, d] = (t as TF.Tensor2D).shape;
    const tv = (t as TF.Tensor).dataSync() as Float32Array;
    const out = new Float32Array(rowsOut * d);
    for (let b = 0; b < rowsOut; b++) {
      for (let s = 0; s < L; s++) {
        const k = b * L + s, wt = w ? w[k]! : 1;
        if (wt === 0) continue;
        const o = idx[k]! * d, q = b * d;
        for (let j = 0; j < d; j++) out[q + j]! += wt * tv[o + j]!;
      }
    }
    return {
      value: tf.tensor2d(out, [rowsOut, d]),
      gradFunc: (dy) => {
        const g = new Float32Array(rows * d);
        const dv = (dy as TF.Tensor).dataSync() as Float32Array;
        for (let b = 0; b < rowsOut; b++) {
          for (let s = 0; s < L; s++) {
            const k = b * L + s, wt = w ? w[k]! : 1;
            if (wt === 0) continue;
            const o = idx[k]! * d, q = b * d;
            for (let j = 0; j < d; j++) g[o + j]! += wt * dv[q + j]!;
          }
        }
        return tf.tensor2d(g, [rows, d]);
      },
    };
  });
  return f(table) as TF.Tensor2D;
}

/**
 * a·b whose gradients use explicit transposes and plain products: wasm's matMul with transposeA/transposeB
 * (what the stock gradient uses) is 10–50× slower than the untransposed product.
 */
export function matMulFast(tf: Tf, a: TF.Tensor2D, b: TF.Tensor2D): TF.Tensor2D {
  const f = tf.customGrad(((x: TF.Tensor, y: TF.Tensor, save: (t: TF.Tensor[]) => void) => {
    save([x, y]);
    return {
      value: tf.matMul(x as TF.Tensor2D, y as TF.Tensor2D),
      gradFunc: (dy: TF.Tensor | TF.Tensor[], saved: TF.Tensor[]) => {
        const [sx, sy] = saved as [TF.Tensor2D, TF.Tensor2D];
        return [tf.matMul(dy as TF.Tensor2D, tf.transpose(sy)), tf.matMul(tf.transpose(sx), dy as TF.Tensor2D)];
      },
    };
  }) as unknown as Parameters<Tf['customGrad']>[0]);
  return (f as unknown as (x: TF.Tensor, y: TF.Tensor) => TF.Tensor)(a, b) as TF.Tensor2D;
}

/**
 * A float32 tensor's values without a copy when the wasm backend holds it (a view of the wasm heap, valid until the
 * tensor is disposed or the next TF.js call); `dataSync()` otherwise. `dataSync` on wasm slices a fresh buffer each
 * time: for batch scoring that is 51 MB per 256 × 50,000 block, and the allocation + copy took over a third of
 * the batch time, more than the matMul itself.
 */
export function viewFloat32(tf: Tf, t: TF.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array }; dataIdMap?: { get(id: object): { memoryOffset?: number } | undefined } };
  const info = t.dtype === 'float32' ? backend.dataIdMap?.get(t.dataId) : undefined;
  const heap = backend.wasm?.HEAPU8;
  if (heap && info && typeof info.memoryOffset === 'number') return new Float32Array(heap.buffer, heap.byteOffset + info.memoryOffset, t.size);
  return t.dataSync() as Float32Array;
}
