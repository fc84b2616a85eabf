import { tf } from '../tf.js';
import { shareData, tapeRecording } from './leanTape.js';

/**
 * Gradients of Add, Sub, Multiply and RealDiv without tfjs' no-op kernels: tfjs casts the
 * other operand to float32 (a Cast dispatch even when it is float32 already) and reshapes
 * every result to its input's shape (a Reshape dispatch even when the shape is the same).
 * In a Neural-Interpreters step those were ~450 of ~2,200 kernel calls. The arithmetic,
 * and the reduction over broadcast axes, are tfjs' own.
 */

/** g summed over the axes along which `shape` was broadcast to g's shape, as a tensor of `shape`. */
function reduceTo(g: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, g.shape);
  if (axes.length > 0) return tf.reshape(tf.sum(g, axes), shape);
  // A shared handle is not on the tape: where one records (a gradient of a gradient), the
  // Reshape is kept so the outer gradient flows through it.
  if (tf.util.arraysEqual(g.shape, shape)) return (tapeRecording() ? null : shareData(g)) ?? tf.reshape(g, shape);
  return tf.reshape(g, shape);
}

const asFloat = (t: tf.Tensor) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'));

tf.registerGradient({
  kernelName: tf.Add,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({ a: () => reduceTo(dy as tf.Tensor, a.shape), b: () => reduceTo(dy as tf.Tensor, b.shape) }),
});

tf.registerGradient({
  kernelName: tf.Sub,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({ a: () => reduceTo(dy as tf.Tensor, a.shape), b: () => tf.neg(reduceTo(dy as tf.Tensor, b.shape)) }),
});

tf.registerGradient({
  kernelName: tf.Multiply,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () => reduceTo(tf.mul(dy as tf.Tensor, asFloat(b)), a.shape),
    b: () => reduceTo(tf.mul(dy as tf.Tensor, asFloat(a)), b.shape),
  }),
});

tf.registerGradient({
  kernelName: tf.RealDiv,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () => reduceTo(tf.div(dy as tf.Tensor, asFloat(b)), a.shape),
    b: () => tf.neg(tf.div(reduceTo(tf.mul(dy as tf.Tensor, asFloat(a)), b.shape), asFloat(tf.square(b)))),
  }),
});
