import { tf } from '../tf.js';
import { GELU, GELU_GRAD, LAYER_NORM, LAYER_NORM_AFFINE, LAYER_NORM_GRAD } from './kernelNames.js';

/**
 * LayerNorm and exact GELU as one kernel each (and one for each gradient) where the
 * backend registers them (native); elsewhere composed from tfjs ops, whose gradients
 * tfjs knows. Both appear many times in a Neural-Interpreters step, and composed they
 * are the bulk of its kernel calls.
 */

const hasKernel = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;

const run = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown> = {}) =>
  tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap);

/** LayerNorm over the last axis (biased variance, as PyTorch), then y·γ + β when given ([D] each). */
export function layerNorm(x: tf.Tensor, eps: number, gamma?: tf.Tensor, beta?: tf.Tensor): tf.Tensor {
  const dim = x.shape[x.rank - 1];
  const affine = gamma !== undefined && beta !== undefined;
  const fits = !affine || (gamma.rank === 1 && gamma.shape[0] === dim && beta.rank === 1 && beta.shape[0] === dim);
  if (x.dtype === 'float32' && fits && (gamma === undefined) === (beta === undefined)) {
    const name = affine ? LAYER_NORM_AFFINE : LAYER_NORM;
    if (hasKernel(name)) return run(name, affine ? { x, gamma, beta } : { x }, { eps }) as tf.Tensor;
  }
  const { mean, variance } = tf.moments(x, -1, true);
  let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  if (gamma) y = tf.mul(y, gamma);
  if (beta) y = tf.add(y, beta);
  return y;
}

/** Exact (erf) GELU, PyTorch's default nn.GELU(). */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && hasKernel(GELU)) return run(GELU, { x }) as tf.Tensor;
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

tf.registerGradient({
  kernelName: LAYER_NORM,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const [dx] = run(LAYER_NORM_GRAD, { dy: dy as tf.Tensor, x }, attrs) as tf.Tensor[];
    return { x: () => dx };
  },
});

tf.registerGradient({
  kernelName: LAYER_NORM_AFFINE,
  inputsToSave: ['x', 'gamma'],
  gradFunc: (dy, [x, gamma], attrs) => {
    const [dx, dgamma, dbeta] = run(LAYER_NORM_GRAD, { dy: dy as tf.Tensor, x, gamma }, attrs) as tf.Tensor[];
    return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
  },
});

tf.registerGradient({
  kernelName: GELU,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => run(GELU_GRAD, { dy: dy as tf.Tensor, x }) as tf.Tensor }),
});
