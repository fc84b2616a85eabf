import { tf } from '../tf.js';

/**
 * Gradients of Sum and Mean that broadcast dy with one Tile instead of tfjs' own,
 * which multiply dy by a freshly allocated tensor of ones of the input's shape: an
 * extra full-size allocation and pass for every reduction in the forward pass
 * (LayerNorm, softmax normalisations, broadcasting binary ops' gradients).
 */
function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axis: number | number[], divisor: number): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const small = divisor === 1 ? tf.reshape(dy, kept) : tf.div(tf.reshape(dy, kept), divisor);
  return tf.broadcastTo(small, x.shape);
}

tf.registerGradient({
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({ x: () => broadcastBack(dy as tf.Tensor, x, (attrs as unknown as tf.SumAttrs).axis, 1) }),
});

tf.registerGradient({
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const axis = (attrs as unknown as tf.MeanAttrs).axis;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    return { x: () => broadcastBack(dy as tf.Tensor, x, axis, count) };
  },
});
