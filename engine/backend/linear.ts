import { tf } from '../tf.js';
import { LINEAR } from './kernelNames.js';

/**
 * x·W + b for x [N, K], W [K, M], b [M]: one kernel forward where the backend registers it
 * (native, the bias added in the product's epilogue), else matMul then add. Its gradient
 * is the two products and a column sum, without the broadcast bookkeeping of Add's.
 */
export function linearWithBias(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  if (x.dtype === 'float32' && weight.dtype === 'float32' && bias.dtype === 'float32' && tf.getKernel(LINEAR, tf.getBackend())) {
    return tf.engine().runKernel(LINEAR, { x, weight, bias }) as tf.Tensor2D;
  }
  return tf.add(tf.matMul(x, weight), bias);
}

tf.registerGradient({
  kernelName: LINEAR,
  inputsToSave: ['x', 'weight'],
  gradFunc: (dy, [x, weight]) => ({
    x: () => tf.matMul(dy as tf.Tensor2D, weight as tf.Tensor2D, false, true),
    weight: () => tf.matMul(x as tf.Tensor2D, dy as tf.Tensor2D, true, false),
    bias: () => tf.sum(dy as tf.Tensor2D, 0),
  }),
});
