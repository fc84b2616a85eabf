import { tf } from '../tf.js';
import { MODULATED_LINEAR, MODULATED_LINEAR_GRAD } from './kernelNames.js';

/**
 * y = (x ⊙ m_u)·W + b for x [B, U, T, in] (one stream per function u), m [U, in], W [in, out],
 * b [out]: the product inside every ModLin of a Neural Interpreter. One kernel forward and
 * one backward where the backend registers them (native); elsewhere a broadcast multiply
 * and a matMul, whose gradients tfjs knows.
 */
export function modulatedLinear(x: tf.Tensor, modulation: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [batch, functions, tokens, inDim] = x.shape;
  const outDim = weight.shape[1] as number;
  const fits = x.rank === 4 && modulation.rank === 2 && modulation.shape[0] === functions && modulation.shape[1] === inDim && bias.rank === 1;
  if (fits && tf.getKernel(MODULATED_LINEAR, tf.getBackend())) {
    return tf.engine().runKernel(MODULATED_LINEAR, { x, modulation, weight, bias }) as tf.Tensor;
  }
  const scaled = tf.mul(x, tf.reshape(modulation, [1, functions, 1, inDim]));
  const y = tf.add(tf.matMul(tf.reshape(scaled, [-1, inDim]) as tf.Tensor2D, weight as tf.Tensor2D), bias);
  return tf.reshape(y, [batch, functions, tokens, outDim]);
}

tf.registerGradient({
  kernelName: MODULATED_LINEAR,
  inputsToSave: ['x', 'modulation', 'weight'],
  gradFunc: (dy, [x, modulation, weight]) => {
    const [dx, dm, dw, db] = tf.engine().runKernel(MODULATED_LINEAR_GRAD, { dy: dy as tf.Tensor, x, modulation, weight }) as tf.Tensor[];
    return { x: () => dx, modulation: () => dm, weight: () => dw, bias: () => db };
  },
});
