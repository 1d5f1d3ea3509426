import { loadTf } from './tf-backend.js';

/**
 * Scores of many query vectors against every row of `items` (rows × d) in blocks, on TensorFlow.js (wasm SIMD
 * matMul, ~20× a scalar JS loop). Calls `onBlock(first, scores)` with a (block × rows) row-major score matrix.
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
      const data = (await sc.data()) as Float32Array;
      q.dispose(); sc.dispose();
      onBlock(s, n, data);
    }
  } finally {
    itemT.dispose();
  }
}
