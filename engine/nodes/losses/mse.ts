import { tf } from '../../tf.js';
import { defineKind, fail, ok, type PortError } from '../kind.js';
import { sameShape } from '../../shapes/types.js';
import { showShape } from '../structure/axis.js';

/** Mean squared error, as PyTorch's nn.MSELoss() (mean over every element). */
export const MSE = defineKind({
  type: 'MSE',
  group: 'Losses',
  role: 'loss',
  summary: 'Mean squared error for regression; reports MAE',
  doc: 'Mean of `(pred - target)²` over every element, as PyTorch `nn.MSELoss()`. `pred` and `target` must have the same shape: unlike PyTorch, a [B, 1] prediction is not silently broadcast against a [B] target. Also reports the mean absolute error `mae`.',
  inputs: [
    { name: 'pred', doc: 'Predictions [B, ...] (float32)' },
    { name: 'target', doc: 'Targets, same shape as pred (float32)' },
  ],
  outputs: [],
  params: {},
  inferShapes({ inputs }) {
    const { pred, target } = inputs;
    const errors: PortError[] = [];
    if (!pred) errors.push({ port: 'pred', message: 'input "pred" is not connected' });
    if (!target) errors.push({ port: 'target', message: 'input "target" is not connected' });
    if (!pred || !target) return fail(...errors);
    if (pred.dtype !== 'float32') return fail({ port: 'pred', message: `pred must be float32, got ${pred.dtype}` });
    if (target.dtype !== 'float32') {
      return fail({ port: 'target', message: `target must be float32 values, got ${target.dtype} (for class ids use CrossEntropy)` });
    }
    if (!sameShape(pred.shape, target.shape)) {
      return fail({ port: 'target', message: `target ${showShape(target.shape)} does not match pred ${showShape(pred.shape)}; they must have the same shape` });
    }
    return ok({});
  },
  forward({ inputs, addMetric }) {
    const diff = tf.sub(inputs.pred, inputs.target);
    addMetric('mae', tf.mean(tf.abs(diff)) as tf.Scalar);
    return { loss: tf.mean(tf.square(diff)) as tf.Scalar };
  },
});
