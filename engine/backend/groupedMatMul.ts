import { tf } from '../tf.js';
import { GROUPED_MATMUL, GROUPED_ROW_SUM, GROUPED_WEIGHT_GRAD } from './kernelNames.js';

/**
 * x·w[e] + b[e] on each group e of consecutive rows of x (group e has sizes[e] rows):
 * the expert layers of a sparsely dispatched mixture. Where the backend registers the
 * grouped kernel (native), it is one kernel forward and one per gradient; elsewhere it
 * is built from split, matMul and concat, whose gradients tfjs knows.
 */
export function groupedLinear(x: tf.Tensor2D, w: tf.Tensor3D, b: tf.Tensor2D, sizes: number[]): tf.Tensor2D {
  if (tf.getKernel(GROUPED_MATMUL, tf.getBackend())) {
    const attrs = { sizes, transposeW: false };
    return tf.engine().runKernel(GROUPED_MATMUL, { x, w, b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  return composedGroupedLinear(x, w, b, sizes);
}

function composedGroupedLinear(x: tf.Tensor2D, w: tf.Tensor3D, b: tf.Tensor2D, sizes: number[]): tf.Tensor2D {
  const used = sizes.map((n, e) => ({ n, e })).filter((g) => g.n > 0);
  if (used.length === 0) return tf.zeros([0, w.shape[2]]);
  const weights = tf.unstack(w) as tf.Tensor2D[];
  const biases = tf.unstack(b);
  const pieces = used.length === 1 ? [x] : (tf.split(x, used.map((g) => g.n), 0) as tf.Tensor2D[]);
  const outs = pieces.map((p, i) => tf.add(tf.matMul(p, weights[used[i].e]), biases[used[i].e]) as tf.Tensor2D);
  return outs.length === 1 ? outs[0] : (tf.concat(outs, 0) as tf.Tensor2D);
}

// The grouped kernel's gradient, for backends that register it. Each input's gradient is
// a thunk, so the tape computes only those it needs (not dx for the dispatched inputs).
tf.registerGradient({
  kernelName: GROUPED_MATMUL,
  inputsToSave: ['x', 'w'],
  gradFunc: (dy, saved, attrs) => {
    const [x, w] = saved;
    const { sizes, transposeW } = attrs as unknown as { sizes: number[]; transposeW: boolean };
    const run = (name: string, inputs: tf.NamedTensorMap, extra: Record<string, unknown> = {}) =>
      tf.engine().runKernel(name, inputs, { sizes, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const g = dy as tf.Tensor;
    return {
      // y = x·w[e]: dx = dy·w[e]ᵀ, dw[e] = x_eᵀ·dy_e.  y = x·w[e]ᵀ: dx = dy·w[e], dw[e] = dy_eᵀ·x_e.
      x: () => run(GROUPED_MATMUL, { x: g, w }, { transposeW: !transposeW }),
      w: () => (transposeW ? run(GROUPED_WEIGHT_GRAD, { x: g, dy: x }) : run(GROUPED_WEIGHT_GRAD, { x, dy: g })),
      b: () => run(GROUPED_ROW_SUM, { dy: g }),
    };
  },
});
