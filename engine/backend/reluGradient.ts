import { tf } from '../tf.js';
import { RELU_GRAD } from './kernelNames.js';

/**
 * ReLU's gradient in one kernel where the backend registers it (native) instead of tfjs'
 * Step, Cast and Multiply: three dispatches and two temporaries per ReLU in every step.
 */
tf.registerGradient({
  kernelName: tf.Relu,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({
    x: () => {
      const g = dy as tf.Tensor;
      if (g.dtype === 'float32' && x.dtype === 'float32' && tf.util.arraysEqual(g.shape, x.shape) && tf.getKernel(RELU_GRAD, tf.getBackend())) {
        return tf.engine().runKernel(RELU_GRAD, { a: g, b: x }) as tf.Tensor;
      }
      return tf.mul(g, tf.cast(tf.step(x), 'float32'));
    },
  }),
});

// The kernel's own gradient, so a gradient of a gradient (as tfjs' composed ops allow) still
// works: linear in dy, and step(x) is flat in x.
tf.registerGradient({
  kernelName: RELU_GRAD,
  inputsToSave: ['b'],
  gradFunc: (ddx, [x]) => ({
    a: () => tf.engine().runKernel(RELU_GRAD, { a: ddx as tf.Tensor, b: x }) as tf.Tensor,
    b: () => tf.zerosLike(x),
  }),
});
