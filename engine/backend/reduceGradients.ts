import { tf } from '../tf.js';

/**
 * Gradients of Sum and Mean that broadcast dy with one Tile instead of tfjs' own,
 * which multiply dy by a freshly allocated tensor of ones of the input's shape: an
 * extra full-size allocation and pass for every reduction in the forward pass
 * (LayerNorm, softmax normalisations, broadcasting binary ops' gradients).
 */

/** dy spread back over the axes Sum or Mean reduced (divided by their element count for Mean). */
function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axis: number | number[], mean: boolean): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  const small = mean ? tf.div(tf.reshape(dy, kept), count) : tf.reshape(dy, kept);
  return tf.broadcastTo(small, x.shape);
}

tf.registerGradient({
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({ x: () => broadcastBack(dy as tf.Tensor, x, (attrs as unknown as tf.SumAttrs).axis, false) }),
});

tf.registerGradient({
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({ x: () => broadcastBack(dy as tf.Tensor, x, (attrs as unknown as tf.MeanAttrs).axis, true) }),
});
