import { loadTf, viewFloat32 } from './tf-backend.js';

/**
 * Scores of many query vectors against every row of `items` (rows × d) in blocks, on TensorFlow.js (wasm SIMD
 * matMul, ~20× a scalar JS loop). Calls `onBlock(first, count, scores)` with a (block × rows) row-major score matrix
 * that is only valid during the call (a view of the wasm heap).
 */
export async function scoreBlocks(queries: Float32Array, items: Float32Array, d: number, onBlock: (first: number, count: number, scores: Float32Array) => void, blockSize = 256): Promise<void> {
  const tf = await loadTf();
  const rows = items.length / d, nq = queries.length / d;
  // stored transposed (d × rows): wasm's matMul with transposeB is ~50× slower than the plain product
  const itemT = tf.tidy(() => tf.transpose(tf.tensor2d(items, [rows, d])));
  try {
    for (let s = 0; s < nq; s += blockSize) {
      const n = Math.min(blockSize, nq - s);
      const q = tf.tensor2d(queries.subarray(s * d, (s + n) * d), [n, d]);
      const sc = tf.matMul(q, itemT);
      try {
        onBlock(s, n, viewFloat32(tf, sc)); // onBlock is synchronous and makes no TF.js call: the view stays valid
      } finally {
        q.dispose(); sc.dispose();
      }
    }
  } finally {
    itemT.dispose();
  }
}
